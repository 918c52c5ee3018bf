"""ONNX export with the model card in ``metadata_props`` and an onnxruntime parity check.

Contract with the SDK: opset 17, input ``images`` float32 [batch,3,H,W], output ``logits``
float32 [batch,N]; card keys listed in docs/model-card.md. Every export writes
``<model>.parity.json`` (seeded random inputs + PyTorch logits) and checks that onnxruntime
(Python's if installed, else onnxruntime-node from the repo) reproduces it.

CLI::

    /usr/bin/python3 -m auformer.export --preset tiny --demo --out ../models/auformer-tiny.onnx
    /usr/bin/python3 -m auformer.export --preset vit-b16 --random --out .cache/models/vit-b16.onnx
    /usr/bin/python3 -m auformer.export --checkpoint runs/bp4d/fold0/model.pt --out bp4d.onnx
"""
from __future__ import annotations

import argparse
import base64
import inspect
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from .errors import ExportError
from .models.auformer import AUFormer, AUFormerConfig

CARD_VERSION = "1"
ORTCHECK = Path(__file__).with_name("ortcheck.mjs")


def card_metadata(cfg: AUFormerConfig) -> dict[str, str]:
    """The model card as ONNX ``metadata_props`` (all strings; JSON where structured)."""
    h, w = cfg.input_size
    return {
        "auformer.card_version": CARD_VERSION,
        "name": cfg.name,
        "version": cfg.version,
        "description": cfg.description,
        "au_names": json.dumps(list(cfg.au_names)),
        "input_size": json.dumps([h, w]),
        "mean": json.dumps([float(v) for v in cfg.mean]),
        "std": json.dumps([float(v) for v in cfg.std]),
        "alignment_template": json.dumps(cfg.template()),
        "keypoint_source": cfg.keypoint_source,
        "thresholds": json.dumps([float(t) for t in (cfg.thresholds or [0.5] * cfg.num_aus)]),
        "training_data": cfg.training_data,
        "licence": cfg.licence,
        "untrained": "true" if cfg.untrained else "false",
        **({"training_provenance": cfg.training_provenance} if cfg.training_provenance else {}),
    }


def demo_moke_init(model: AUFormer, seed: int = 0, std: float = 0.02) -> None:
    """Seeded small non-zero up-projections so the expert path affects outputs (demo/bench models)."""
    g = torch.Generator().manual_seed(seed + 7)
    with torch.no_grad():
        for group in [*model.moke_att, *model.moke_mlp]:
            group.up_weight.copy_(torch.randn(group.up_weight.shape, generator=g) * std)
            group.up_bias.copy_(torch.randn(group.up_bias.shape, generator=g) * std * 0.1)


class _Fp16(nn.Module):
    """fp16 weights inside, float32 ``images``/``logits`` outside."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model.half()

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images.half()).float()


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def _ort_max_diff(onnx_path: Path, parity_path: Path) -> float:
    fixture = json.loads(parity_path.read_text())
    try:
        import onnxruntime as ort
    except ImportError:
        ort = None
    if ort is not None:
        sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
        x = np.frombuffer(base64.b64decode(fixture["input_b64"]), "<f4").reshape(fixture["input_shape"])
        got = sess.run(["logits"], {"images": x})[0]
        want = np.frombuffer(base64.b64decode(fixture["logits_b64"]), "<f4").reshape(got.shape)
        return float(np.abs(got - want).max())
    node = shutil.which("node")
    if node is None:
        raise ExportError("parity check needs Python 'onnxruntime' (pip install onnxruntime) or Node.js with "
                          "onnxruntime-node (npm ci in the repo root); or pass --no-check to skip it")
    res = subprocess.run([node, str(ORTCHECK), str(onnx_path), str(parity_path)], capture_output=True, text=True)
    if res.returncode != 0:
        raise ExportError(f"onnxruntime-node could not run {onnx_path}: {res.stderr.strip()[-2000:]}\n"
                          "If onnxruntime-node is missing run `npm ci` in the repo root, or pip install onnxruntime")
    return float(json.loads(res.stdout.strip().splitlines()[-1])["max_abs_diff"])


def export_onnx(model: AUFormer, out: str | Path, *, opset: int = 17, fp16: bool = False, check: bool = True,
                seed: int = 0, tolerance: float | None = None) -> dict:
    """Exports ``model`` to ``out`` (+ ``.parity.json``) and returns {onnx, parity, max_abs_diff}."""
    if opset < 17:
        raise ExportError(f"opset={opset} is too old; the SDK needs opset >= 17")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model = model.eval().cpu()
    cfg = model.cfg
    h, w = cfg.input_size
    x = torch.randn(2, 3, h, w, generator=torch.Generator().manual_seed(seed))
    net: nn.Module = model
    device = torch.device("cpu")
    if fp16:
        if not torch.cuda.is_available():
            raise ExportError("--fp16 export traces the model in half precision, which needs a CUDA GPU here; "
                              "export fp32 (default) on this machine")
        device = torch.device("cuda")
        net = _Fp16(model.to(device)).eval()
    with torch.no_grad():
        logits = net(x.to(device)).float().cpu()
    kwargs = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    tmp = out.with_suffix(".tmp.onnx")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer/constant-folding chatter; parity below is the real check
        torch.onnx.export(net, (x.to(device),), str(tmp), input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
                          opset_version=opset, do_constant_folding=True, **kwargs)
    proto = onnx.load(str(tmp))
    tmp.unlink()
    del proto.metadata_props[:]
    for k, v in card_metadata(cfg).items():
        proto.metadata_props.add(key=k, value=v)
    proto.doc_string = cfg.description
    onnx.checker.check_model(proto)
    onnx.save(proto, str(out))
    tol = tolerance if tolerance is not None else (2e-2 if fp16 else 1e-4)
    parity = out.with_suffix(".parity.json")
    parity.write_text(json.dumps({"input_shape": [2, 3, h, w], "input_b64": _b64(x.numpy()),
                                  "logits_b64": _b64(logits.numpy()), "tolerance": tol}) + "\n")
    result = {"onnx": str(out), "parity": str(parity), "max_abs_diff": None}
    if check:
        diff = _ort_max_diff(out, parity)
        result["max_abs_diff"] = diff
        if not diff <= tol:
            raise ExportError(f"onnxruntime differs from PyTorch by {diff:.3g} > {tol} on {parity}; "
                              "this is an exporter bug: report it with the model config")
    if fp16:
        model.float()
    return result


def random_preset(preset: str, seed: int = 0) -> AUFormer:
    """A preset with seeded random weights and non-zero MoKE up-projections (demo/benchmarks)."""
    from .models.auformer import create_model

    torch.manual_seed(seed)
    model = create_model(preset, untrained=True, training_data="none (random weights)")
    if preset != "tiny":
        model.cfg.description = f"UNTRAINED {preset} AUFormer with seeded random weights, for benchmarks only."
    demo_moke_init(model, seed)
    return model


def main(argv: list[str] | None = None) -> dict:
    from .checkpoint import load_model

    ap = argparse.ArgumentParser(prog="python -m auformer.export", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="a trained AUFormer (model.pt from auformer.train)")
    src.add_argument("--preset", choices=["tiny", "vit-s16", "vit-b16"], help="build a preset with seeded weights")
    ap.add_argument("--random", action="store_true", help="preset with seeded random weights (benchmarks); "
                    "implies non-zero MoKE up-projections")
    ap.add_argument("--demo", action="store_true", help="like --random: the shipped untrained demo model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="output .onnx path (the parity fixture goes next to it)")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--fp16", action="store_true", help="fp16 weights, float32 images/logits (needs CUDA)")
    ap.add_argument("--no-check", action="store_true", help="skip the onnxruntime parity check")
    ap.add_argument("--name", help="override the card's name")
    ap.add_argument("--version", dest="model_version", help="override the card's version")
    ap.add_argument("--uint8", action="store_true", help="also write <stem>.uint8.onnx (uint8 crops in, auformer.uint8_input)")
    ap.add_argument("--triton-repo", help="also write a Triton model repository here (auformer.triton_repo)")
    a = ap.parse_args(argv)
    if a.checkpoint:
        model = load_model(a.checkpoint)
    else:
        if not (a.random or a.demo):
            ap.error("--preset needs --random or --demo (an untrained model); to export a trained one use --checkpoint")
        model = random_preset(a.preset, a.seed)
    if a.name:
        model.cfg.name = a.name
    if a.model_version:
        model.cfg.version = a.model_version
    result = export_onnx(model, a.out, opset=a.opset, fp16=a.fp16, check=not a.no_check, seed=a.seed)
    if a.uint8 or a.triton_repo:  # remote-inference artefacts (issue 15), built from the file just written
        from .triton_repo import write_triton_repository
        from .uint8_input import uint8_input_file, variant_path

        result["uint8"] = uint8_input_file(a.out, variant_path(a.out))["onnx"] if a.uint8 else None
        result["triton"] = write_triton_repository(a.out, a.triton_repo) if a.triton_repo else None
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
