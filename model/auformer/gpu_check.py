"""GPU check: train a ViT-B/16 AUFormer on synthetic data for a fixed number of steps with the
real training loop (bf16 autocast, batch 64), with and without gradient checkpointing; report
images/s, peak memory and loss; export fp32 and fp16 ONNX and check them with onnxruntime on
CPU. One command, no network, no Node, a few minutes on one GPU:

    python model/scripts/gpu_check.py --out gpu-check          # on the GPU machine
    python model/scripts/gpu_check.py --preset tiny --device cpu --batch-size 4 --steps 4 --out /tmp/g  # dry run

Writes ``<out>/gpu_check.json`` (every figure, the environment) and prints it.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import torch
from torch.utils.data import TensorDataset

from .distributed import resolve_device
from .models.auformer import create_model
from .precision import resolve_precision, seed_everything
from .runlog import environment
from .train import TrainConfig, train

AUS = 12  # BP4D's


def synthetic(n: int, size: tuple[int, int], seed: int) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    return TensorDataset(torch.randn(n, 3, *size, generator=g), (torch.rand(n, AUS, generator=g) < 0.3).float())


def timed_run(preset: str, device: torch.device, precision: str, batch: int, steps: int, checkpointing: bool,
              out: Path) -> dict:
    """``steps`` optimiser steps of :func:`auformer.train.train`; figures from its JSONL log."""
    seed_everything(0)
    model = create_model(preset)  # zero up-projections cost the same as trained ones
    per_epoch = math.gcd(steps, 4)  # exactly `steps` steps: whole epochs of a small synthetic set
    data = synthetic(batch * per_epoch, model.cfg.input_size, 1)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    cfg = TrainConfig(epochs=steps // per_epoch, batch_size=batch, lr=5e-4, precision=precision,
                      grad_checkpoint=checkpointing, num_workers=2, device=str(device), keep="last",
                      out_dir=str(out), resume=False)
    start = time.perf_counter()
    report = train(model, data, cfg, log=lambda s: None)
    wall = time.perf_counter() - start
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    speeds = [r["images_per_s"] for r in log[3:]] or [r["images_per_s"] for r in log]  # skip warm-up steps
    return {"grad_checkpoint": checkpointing, "steps": len(log), "batch_size": batch, "precision": report["precision"],
            "images_per_s_median": statistics.median(speeds), "peak_memory_mb": log[-1]["gpu_memory_mb"],
            "loss_first": log[0]["loss"], "loss_last": log[-1]["loss"], "wall_s": round(wall, 1),
            "finite": all(r["loss"] == r["loss"] for r in log)}


def _stage(run) -> dict:  # noqa: ANN001
    try:
        return run()
    except Exception as e:  # noqa: BLE001 -- reported in the JSON, the next stage still runs
        return {"error": f"{type(e).__name__}: {e}"}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="gpu_check.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="vit-b16", choices=["tiny", "vit-s16", "vit-b16"])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--precision", default="bf16", choices=["fp32", "bf16", "fp16"])
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    device = resolve_device(a.device)
    precision = resolve_precision(a.precision, device)
    result: dict = {"preset": a.preset, "device": str(device), "environment": environment(1), "runs": []}
    for checkpointing in (False, True):  # each stage records its failure instead of losing the others
        result["runs"].append(_stage(lambda c=checkpointing: timed_run(
            a.preset, device, precision, a.batch_size, a.steps, c, out / f"train-ckpt{int(c)}")))
    try:  # export needs the onnx package; the training figures above do not
        from .export import export_onnx, random_preset
    except ImportError as e:
        result["onnx_fp32"] = result["onnx_fp16"] = {"error": f"{e}: pip install onnx onnxruntime"}
        return _finish(result, out)
    model = random_preset(a.preset, 0)
    for name, fp16 in (("fp32", False), ("fp16", True)):
        if fp16 and not torch.cuda.is_available():
            result[f"onnx_{name}"] = {"skipped": "fp16 export traces in half precision: needs CUDA"}
            continue
        path = out / (f"{a.preset}.fp16.onnx" if fp16 else f"{a.preset}.onnx")
        start = time.perf_counter()
        result[f"onnx_{name}"] = _stage(lambda p=path, h=fp16: {**export_onnx(model, p, fp16=h),
                                                                 "seconds": round(time.perf_counter() - start, 1)})
    return _finish(result, out)


def _finish(result: dict, out: Path) -> dict:
    result["ok"] = all("error" not in r for r in [*result["runs"], result["onnx_fp32"], result["onnx_fp16"]])
    text = json.dumps(result, indent=2)
    (out / "gpu_check.json").write_text(text + "\n")
    print(text)
    return result


if __name__ == "__main__":
    main()
