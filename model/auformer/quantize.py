"""Dynamic int8 quantization of an exported AUFormer's MatMuls, for CPUs (``onnx`` + numpy only).

Every ``MatMul`` whose right-hand side is a 2-D float initializer (the ViT's qkv, proj, fc1 and
fc2 weights: almost all of the FLOPs) becomes the pattern onnxruntime fuses into one
``DynamicQuantizeMatMul`` kernel::

    A --DynamicQuantizeLinear--> A_q, A_scale, A_zp
    MatMulInteger(A_q, W_q, A_zp, W_zp) --Cast(float)--> Mul(., A_scale * W_scale) --> Y

Activations are quantized per call to uint8 (asymmetric, by onnxruntime at run time); weights
are quantized once, here, to int8, symmetric (zero point 0), one scale per output column by
default. Everything else (attention's activation-by-activation MatMuls, the MoKE experts'
batched 3-D weights, the patch-embedding Conv, LayerNorm, Softmax, the head's Gemm) stays
fp32. The model card (``metadata_props``) is kept, plus ``quantization`` describing the change.
This is what onnxruntime's ``quantize_dynamic(weight_type=QInt8)`` produces, without needing
the onnxruntime Python package.

CLI::

    /usr/bin/python3 -m auformer.quantize model.onnx model.int8.onnx [--per-tensor]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .errors import ExportError

QUANTIZATION_KEY = "quantization"


def quantize_weight(w: np.ndarray, per_channel: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantization of a [K, N] weight: (int8 [K, N], float32 scale [N] or scalar)."""
    if w.ndim != 2:
        raise ExportError(f"quantize_weight expects a 2-D [K, N] weight, got shape {list(w.shape)}")
    absmax = np.abs(w).max(axis=0) if per_channel else np.array(np.abs(w).max())
    scale = (np.where(absmax > 0, absmax, 1.0) / 127.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def _quantizable(node: onnx.NodeProto, inits: dict[str, onnx.TensorProto]) -> bool:
    if node.op_type != "MatMul" or node.input[1] not in inits:
        return False
    w = inits[node.input[1]]
    return len(w.dims) == 2 and w.data_type == TensorProto.FLOAT


def quantize_model(model: onnx.ModelProto, per_channel: bool = True) -> tuple[onnx.ModelProto, int]:
    """Returns (a quantized copy of ``model``, the number of MatMuls quantized)."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    inits = {t.name: t for t in graph.initializer}
    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1
    new_nodes: list[onnx.NodeProto] = []
    new_inits: list[onnx.TensorProto] = []
    quantized_inputs: dict[str, tuple[str, str, str]] = {}  # A -> (A_q, A_scale, A_zp)
    quantized_weights: dict[str, tuple[str, str, str]] = {}  # W -> (W_q, W_scale, W_zp)
    count = 0
    for node in graph.node:
        if not _quantizable(node, inits):
            new_nodes.append(node)
            continue
        a, w = node.input[0], node.input[1]
        prefix = (node.name or node.output[0]).strip("/").replace("/", "_")
        if a not in quantized_inputs:
            names = (f"{a}_quantized", f"{a}_scale", f"{a}_zero_point")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [a], list(names), name=f"{prefix}_quant"))
            quantized_inputs[a] = names
        if w not in quantized_weights:
            q, scale = quantize_weight(numpy_helper.to_array(inits[w]), per_channel)
            names = (f"{w}_quantized", f"{w}_scale", f"{w}_zero_point")
            new_inits += [numpy_helper.from_array(q, names[0]), numpy_helper.from_array(scale, names[1]),
                          numpy_helper.from_array(np.zeros(scale.shape, np.int8), names[2])]
            quantized_weights[w] = names
        a_q, a_scale, a_zp = quantized_inputs[a]
        w_q, w_scale, w_zp = quantized_weights[w]
        y = node.output[0]
        new_nodes += [
            helper.make_node("MatMulInteger", [a_q, w_q, a_zp, w_zp], [f"{y}_int32"], name=f"{prefix}_int"),
            helper.make_node("Cast", [f"{y}_int32"], [f"{y}_int32_float"], to=TensorProto.FLOAT,
                             name=f"{prefix}_cast"),
            helper.make_node("Mul", [a_scale, w_scale], [f"{y}_scale"], name=f"{prefix}_scale"),
            helper.make_node("Mul", [f"{y}_int32_float", f"{y}_scale"], [y], name=f"{prefix}_dequant"),
        ]
        consumers[w] -= 1
        count += 1
    kept = [t for t in graph.initializer if not (t.name in quantized_weights and consumers.get(t.name, 0) == 0)]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    meta = {p.key: p.value for p in out.metadata_props}
    meta[QUANTIZATION_KEY] = json.dumps({"type": "int8-dynamic", "ops": "MatMul", "weights": "int8 symmetric",
                                         "per_channel": per_channel, "matmuls": count})
    del out.metadata_props[:]
    for k, v in meta.items():
        out.metadata_props.add(key=k, value=v)
    return out, count


def quantize_file(src: str | Path, dst: str | Path, per_channel: bool = True) -> dict:
    """Quantizes the ONNX file ``src`` into ``dst``; returns {onnx, matmuls, bytes_in, bytes_out}."""
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise ExportError(f"{src} does not exist; export a model first (python -m auformer.export ...)")
    if src.resolve() == dst.resolve():
        raise ExportError("the output path must differ from the input path (e.g. model.int8.onnx)")
    model, count = quantize_model(onnx.load(str(src)), per_channel)
    if count == 0:
        raise ExportError(f"{src} has no MatMul with a 2-D float weight to quantize; is it already quantized?")
    onnx.checker.check_model(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(dst))
    return {"onnx": str(dst), "matmuls": count, "bytes_in": src.stat().st_size, "bytes_out": dst.stat().st_size}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m auformer.quantize", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="an fp32 AUFormer ONNX file (from auformer.export)")
    ap.add_argument("output", help="where to write the int8 model, e.g. model.int8.onnx (the SDK's variant name)")
    ap.add_argument("--per-tensor", action="store_true", help="one scale per weight instead of per output column")
    a = ap.parse_args(argv)
    result = quantize_file(a.input, a.output, per_channel=not a.per_tensor)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
