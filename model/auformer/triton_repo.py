"""Writes an NVIDIA Triton model repository for an exported AUFormer (no Triton needed here)::

    <repo>/<name>/config.pbtxt     platform onnxruntime_onnx, max_batch_size, dynamic batching,
                                   input/output names, dtypes and dims, instance_group KIND_GPU,
                                   and the model card in `parameters` (RemoteAUModel reads it
                                   from GET /v2/models/<name>/config)
    <repo>/<name>/1/model.onnx     the model (by default its uint8-input variant, see uint8_input.py)

Decode hosts then run ``auformer analyze|serve --infer http://triton:8000/v2/models/<name>``
(docs/gpu.md, "Triton").

CLI::

    /usr/bin/python3 -m auformer.triton_repo ../models/auformer-tiny.onnx --repo /srv/triton [--float32]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import onnx
from onnx import TensorProto

from .errors import ExportError
from .uint8_input import INPUT_DTYPE_KEY, uint8_input_model

TRITON_TYPES = {TensorProto.FLOAT: "TYPE_FP32", TensorProto.UINT8: "TYPE_UINT8", TensorProto.FLOAT16: "TYPE_FP16"}


def _quote(text: str) -> str:
    """A protobuf text-format string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _tensor(value: onnx.ValueInfoProto) -> tuple[str, list[int]]:
    t = value.type.tensor_type
    if t.elem_type not in TRITON_TYPES:
        raise ExportError(f"tensor '{value.name}' has ONNX type {t.elem_type}, which this writer does not map")
    dims = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
    if not dims or dims[0] != -1:
        raise ExportError(f"tensor '{value.name}' needs a dynamic batch axis first (export with auformer.export)")
    return TRITON_TYPES[t.elem_type], dims[1:]


def config_pbtxt(model: onnx.ModelProto, name: str, max_batch_size: int = 16, queue_delay_us: int = 5000,
                 instances: int = 1, kind: str = "KIND_GPU") -> str:
    """The config.pbtxt text for ``model`` served as ``name``."""
    if max_batch_size < 1 or queue_delay_us < 0 or instances < 1:
        raise ExportError("max_batch_size and instances must be >= 1, queue_delay_us >= 0")
    if kind not in ("KIND_GPU", "KIND_CPU"):
        raise ExportError(f"kind must be KIND_GPU or KIND_CPU, got {kind!r}")
    ios = []
    for section, values in (("input", model.graph.input), ("output", model.graph.output)):
        for v in values:
            dtype, dims = _tensor(v)
            ios.append(f'{section} [\n  {{\n    name: {_quote(v.name)}\n    data_type: {dtype}\n'
                       f'    dims: [ {", ".join(map(str, dims))} ]\n  }}\n]')
    card = {p.key: p.value for p in model.metadata_props}
    params = "\n".join(f"parameters {{\n  key: {_quote(k)}\n  value: {{ string_value: {_quote(v)} }}\n}}"
                       for k, v in sorted(card.items()))
    return "\n".join([
        f"name: {_quote(name)}",
        'platform: "onnxruntime_onnx"',
        f"max_batch_size: {max_batch_size}",
        *ios,
        f"dynamic_batching {{\n  max_queue_delay_microseconds: {queue_delay_us}\n}}",
        f"instance_group [\n  {{\n    count: {instances}\n    kind: {kind}\n  }}\n]",
        params,
    ]) + "\n"


def write_triton_repository(onnx_path: str | Path, repo: str | Path, *, name: str | None = None, uint8: bool = True,
                            max_batch_size: int = 16, queue_delay_us: int = 5000, instances: int = 1,
                            kind: str = "KIND_GPU") -> dict:
    """Writes ``<repo>/<name>/config.pbtxt`` and ``<repo>/<name>/1/model.onnx``; returns their paths."""
    src = Path(onnx_path)
    if not src.is_file():
        raise ExportError(f"no model at {src}; export one first with python -m auformer.export")
    model = onnx.load(str(src))
    card = {p.key: p.value for p in model.metadata_props}
    if uint8 and card.get(INPUT_DTYPE_KEY, "float32") == "float32":
        model = uint8_input_model(model)
    name = name or card.get("name")
    if not name or "/" in name:
        raise ExportError(f"a Triton model needs a name without '/', got {name!r} (pass --name)")
    folder = Path(repo) / name
    (folder / "1").mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(folder / "1" / "model.onnx"))
    config = folder / "config.pbtxt"
    config.write_text(config_pbtxt(model, name, max_batch_size, queue_delay_us, instances, kind))
    return {"config": str(config), "model": str(folder / "1" / "model.onnx"), "name": name}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m auformer.triton_repo", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="the exported fp32 .onnx")
    ap.add_argument("--repo", required=True, help="the Triton model repository folder")
    ap.add_argument("--name", help="model name (default: the card's name)")
    ap.add_argument("--float32", action="store_true", help="keep float32 input (default: the uint8-input variant)")
    ap.add_argument("--max-batch-size", type=int, default=16)
    ap.add_argument("--queue-delay-us", type=int, default=5000, help="dynamic batching max_queue_delay_microseconds")
    ap.add_argument("--instances", type=int, default=1, help="model instances per GPU")
    ap.add_argument("--cpu", action="store_true", help="instance_group KIND_CPU instead of KIND_GPU")
    a = ap.parse_args(argv)
    result = write_triton_repository(a.model, a.repo, name=a.name, uint8=not a.float32,
                                     max_batch_size=a.max_batch_size, queue_delay_us=a.queue_delay_us,
                                     instances=a.instances, kind="KIND_CPU" if a.cpu else "KIND_GPU")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
