"""Similarity alignment of a face to the model's template (the same template the SDK uses).

The SDK warps BlazeFace's right eye, left eye, nose tip and mouth centre onto the card's
``alignment_template`` (input-crop pixels). Training data must be aligned the same way, so the
aligned training images are the template placed in a larger canvas (default 256 for a 224
input): centre-cropping them gives exactly the SDK's crop.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image


def similarity_transform(src: Sequence[Sequence[float]], dst: Sequence[Sequence[float]]) -> np.ndarray:
    """Least-squares similarity (Umeyama, no reflection) mapping src points to dst: 2x3 matrix."""
    s, d = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    if s.shape != d.shape or s.ndim != 2 or s.shape[1] != 2 or len(s) < 2:
        raise ValueError(f"need matching [K,2] point sets with K >= 2, got {s.shape} and {d.shape}")
    ms, md = s.mean(0), d.mean(0)
    sc, dc = s - ms, d - md
    cov = dc.T @ sc / len(s)
    u, sig, vt = np.linalg.svd(cov)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    rot = u @ sign @ vt
    scale = np.trace(np.diag(sig) @ sign) / (sc**2).sum(1).mean()
    m = np.zeros((2, 3))
    m[:, :2] = scale * rot
    m[:, 2] = md - m[:, :2] @ ms
    return m


def canvas_template(template: Sequence[Sequence[float]], input_size: tuple[int, int],
                    canvas_size: tuple[int, int]) -> list[list[float]]:
    """The crop template moved into a larger centred canvas (e.g. 224 crop inside 256)."""
    oy = (canvas_size[0] - input_size[0]) / 2
    ox = (canvas_size[1] - input_size[1]) / 2
    return [[x + ox, y + oy] for x, y in template]


def align_face(image: Image.Image, landmarks: Sequence[Sequence[float]], template: Sequence[Sequence[float]],
               out_size: tuple[int, int]) -> Image.Image:
    """Warps ``image`` so the 4 landmarks (right eye, left eye, nose tip, mouth centre, image
    pixels) land on ``template`` (output pixels); out_size is (height, width)."""
    m = similarity_transform(landmarks, template)
    inv = np.linalg.inv(np.vstack([m, [0, 0, 1]]))[:2]  # PIL wants output -> input
    h, w = out_size
    return image.convert("RGB").transform((w, h), Image.AFFINE, tuple(inv.reshape(-1)), resample=Image.BILINEAR)


def main(argv: list[str] | None = None) -> None:
    """``python -m auformer.align --landmarks lm.csv --keypoint-source blazeface --out-dir aligned/``:
    for landmarks you already have (prefer the SDK's ``auformer crops`` / ``python -m
    auformer.crops``, which detects them exactly as inference does). lm.csv has columns image,
    rex, rey, lex, ley, nosex, nosey, mouthx, mouthy (image pixels; right eye = subject's right =
    image-left). Writes lossless PNG canvases (default 256x256 for a 224 input) under the same
    relative paths with a .png suffix, and crops.json (template, keypoint source, canvas) that
    ``train`` copies into the checkpoint and the model card."""
    import argparse
    import csv
    import json
    from pathlib import Path

    from .models.auformer import AUFormerConfig

    ap = argparse.ArgumentParser(prog="python -m auformer.align", description=main.__doc__)
    ap.add_argument("--landmarks", required=True)
    ap.add_argument("--image-root", help="folder the CSV's image paths are relative to (default: CSV's folder)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--input-size", type=int, nargs=2, default=[224, 224], metavar=("H", "W"))
    ap.add_argument("--canvas", type=int, nargs=2, metavar=("H", "W"), help="default: input size * 256/224")
    ap.add_argument("--template", help="JSON [[x,y]x4] in input-crop pixels (default: the card's default)")
    ap.add_argument("--keypoint-source", required=True, choices=["blazeface", "mesh"],
                    help="which detector the landmarks came from (recorded in the card: the SDK aligns the same way)")
    a = ap.parse_args(argv)
    size = (a.input_size[0], a.input_size[1])
    canvas = tuple(a.canvas) if a.canvas else tuple(-(-s * 256 // 224) for s in size)
    tmpl = json.loads(a.template) if a.template else AUFormerConfig(input_size=size).template()
    dst = canvas_template(tmpl, size, canvas)
    lm_path = Path(a.landmarks)
    root = Path(a.image_root) if a.image_root else lm_path.parent
    with lm_path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    keys = ("rex", "rey", "lex", "ley", "nosex", "nosey", "mouthx", "mouthy")
    for n, row in enumerate(rows, start=2):
        try:
            pts = [float(row[k]) for k in keys]
        except (KeyError, ValueError) as e:
            raise SystemExit(f"{lm_path}:{n}: need numeric columns {keys}: {e}") from None
        with Image.open(root / row["image"]) as im:
            out = align_face(im, [pts[i : i + 2] for i in range(0, 8, 2)], dst, canvas)
        target = (Path(a.out_dir) / row["image"]).with_suffix(".png")  # lossless: never JPEG
        target.parent.mkdir(parents=True, exist_ok=True)
        out.save(target)
    manifest = {"format": 1, "created_by": "python -m auformer.align", "keypoint_source": a.keypoint_source,
                "input_size": list(size), "canvas_size": list(canvas), "alignment_template": tmpl,
                "frames": len(rows), "crops": len(rows), "no_face": 0}
    (Path(a.out_dir) / "crops.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"aligned {len(rows)} images into {a.out_dir} ({canvas[1]}x{canvas[0]} PNG); name them .png in the labels")


if __name__ == "__main__":
    main()
