"""The uint8-input variant of an exported AUFormer, for remote inference (``onnx`` + numpy only).

Input ``images`` becomes uint8 pixel values, NCHW ``[batch, 3, H, W]`` (the float model's layout,
so a client quantises the very tensor it would have sent: 150,528 bytes per 224x224 crop
instead of 602,112), normalised inside the graph with the card's mean/std exactly as the SDK's
``warpToTensor`` does (``pixel * 1/(255*std) + (-mean/std)``)::

    images (uint8) --Cast(float)--> Mul(1/(255*std)) --> Add(-mean/std) --> the fp32 graph

Everything else is the fp32 graph unchanged. The card is kept, plus ``input_dtype: "uint8"``
(docs/model-card.md). The file goes next to the fp32 one as ``<stem>.uint8.onnx``, where
``AUModel`` finds it with ``variant: 'uint8'``.

CLI::

    /usr/bin/python3 -m auformer.uint8_input ../models/auformer-tiny.onnx ../models/auformer-tiny.uint8.onnx
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .errors import ExportError

INPUT_DTYPE_KEY = "input_dtype"
FLOAT_INPUT = "images_normalised"


def uint8_input_model(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` whose ``images`` input takes uint8 pixels and is normalised in-graph."""
    props = {p.key: p.value for p in model.metadata_props}
    if props.get(INPUT_DTYPE_KEY, "float32") != "float32":
        raise ExportError(f"the model already takes {props[INPUT_DTYPE_KEY]} input")
    try:
        mean = np.array(json.loads(props["mean"]), np.float64)
        std = np.array(json.loads(props["std"]), np.float64)
    except (KeyError, ValueError) as e:
        raise ExportError("the model has no card with mean/std; export it with auformer.export") from e
    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    images = next((i for i in graph.input if i.name == "images"), None)
    if images is None or images.type.tensor_type.elem_type != TensorProto.FLOAT:
        raise ExportError("the model needs a float32 input named 'images' (the export contract)")
    for node in graph.node:
        node.input[:] = [FLOAT_INPUT if name == "images" else name for name in node.input]
    scale = (1.0 / (255.0 * std)).astype(np.float32).reshape(1, 3, 1, 1)
    shift = (-mean / std).astype(np.float32).reshape(1, 3, 1, 1)
    graph.initializer.extend([numpy_helper.from_array(scale, "uint8_input_scale"),
                              numpy_helper.from_array(shift, "uint8_input_shift")])
    prefix = [
        helper.make_node("Cast", ["images"], ["images_float"], to=TensorProto.FLOAT, name="uint8_input_cast"),
        helper.make_node("Mul", ["images_float", "uint8_input_scale"], ["images_scaled"], name="uint8_input_mul"),
        helper.make_node("Add", ["images_scaled", "uint8_input_shift"], [FLOAT_INPUT], name="uint8_input_add"),
    ]
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(prefix + nodes)
    images.type.tensor_type.elem_type = TensorProto.UINT8
    out.metadata_props.add(key=INPUT_DTYPE_KEY, value="uint8")
    onnx.checker.check_model(out)
    return out


def uint8_input_file(src: str | Path, dst: str | Path) -> dict:
    """Writes the uint8-input variant of ``src`` to ``dst``; returns {onnx, input_dtype}."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise ExportError(f"no model at {src}; export one first with python -m auformer.export")
    onnx.save(uint8_input_model(onnx.load(str(src))), str(dst))
    return {"onnx": str(dst), INPUT_DTYPE_KEY: "uint8"}


def variant_path(fp32: str | Path) -> Path:
    """``<stem>.uint8.onnx`` next to ``<stem>.onnx`` (the SDK's variant naming)."""
    p = Path(fp32)
    return p.with_name(p.name[: -len(".onnx")] + ".uint8.onnx") if p.name.endswith(".onnx") else Path(f"{p}.uint8.onnx")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m auformer.uint8_input", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="the exported fp32 .onnx")
    ap.add_argument("out", nargs="?", help="output path (default: <stem>.uint8.onnx next to the model)")
    a = ap.parse_args(argv)
    result = uint8_input_file(a.model, a.out or variant_path(a.model))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
