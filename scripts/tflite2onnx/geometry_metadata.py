"""Reads MediaPipe's geometry_pipeline_metadata_landmarks.binarypb (a GeometryPipelineMetadata
protobuf) and writes the canonical face model as JSON: 468 vertices (x, y, z in centimetres,
y up, z towards the viewer), the triangle list, and the Procrustes landmark weights that
MediaPipe's head-pose fit uses. A format conversion only: float32 values are copied exactly.

Usage: /usr/bin/python3 scripts/tflite2onnx/geometry_metadata.py IN.binarypb OUT.json --name N \
         --package P --package-sha256 S --source-file F
"""
import argparse
import json
import struct

from card import JSON_CONVERSION, add_card_args, card


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos : pos + n], pos + n
        else:
            raise ValueError(f"unexpected wire type {wire}")
        yield num, wire, value


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def packed_varints(buf):
    pos, out = 0, []
    while pos < len(buf):
        v, pos = varint(buf, pos)
        out.append(v)
    return out


def parse(buf):
    weights, vertices, indices = [], [], []
    for num, wire, value in fields(buf):
        if num == 2:  # procrustes_landmark_basis: WeightedLandmarkRef { landmark_id = 1; weight = 2 }
            ref = {n: v for n, _, v in fields(value)}
            weights.append([ref.get(1, 0), struct.unpack("<f", ref.get(2, b"\0" * 4))[0]])
        elif num == 1:  # canonical_mesh: Mesh3d { vertex_type = 1; primitive_type = 2; vertex_buffer = 3; index_buffer = 4 }
            for n, w, v in fields(value):
                if n == 3:
                    vertices += list(struct.unpack(f"<{len(v) // 4}f", v)) if w == 2 else list(struct.unpack("<f", v))
                elif n == 4:
                    indices += packed_varints(v) if w == 2 else [v]
    if len(vertices) != 468 * 5:
        raise ValueError(f"expected 468 VERTEX_PT vertices (x, y, z, u, v), got {len(vertices) / 5}")
    xyz = [vertices[i * 5 : i * 5 + 3] for i in range(468)]
    tris = [indices[i : i + 3] for i in range(0, len(indices), 3)]
    return {"vertices": xyz, "triangles": tris, "procrustes_weights": weights}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("binarypb")
    ap.add_argument("json")
    add_card_args(ap)
    args = ap.parse_args()
    buf = open(args.binarypb, "rb").read()
    meta = card(args.name, args.package, args.package_sha256, args.source_file, buf, JSON_CONVERSION)
    out = {"card": meta, **parse(buf)}
    with open(args.json, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
