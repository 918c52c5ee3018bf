"""PyTorch throughput of the same AUFormer the bench exports (same preset, same seeded weights).

The reference point for "onnxruntime-node vs PyTorch on the same model, same batch, same
threads": the model is rebuilt with ``auformer.export.random_preset(preset, seed)``, exactly as
``python -m auformer.export --preset P --random`` does before exporting.

    cd model && /usr/bin/python3 ../bench/lib/torchBench.py --preset vit-b16 --batches 1,8 --threads 2
    ... --device cuda --half     # the GPU ceiling (bench/gpu.sh)

Prints one JSON line: {"torch": "1.13.0", "device": "cpu", "threads": 2,
"results": [{"batch": 1, "faces_per_s": 4.1, "batches": 9}, ...]}
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "model"))

import torch  # noqa: E402

from auformer.export import random_preset  # noqa: E402


def measure(model: torch.nn.Module, x: torch.Tensor, min_seconds: float, min_batches: int) -> dict:
    sync = torch.cuda.synchronize if x.is_cuda else (lambda: None)
    with torch.inference_mode():
        model(x)  # warm-up (allocations, cuDNN autotune)
        sync()
        n, start = 0, time.perf_counter()
        while n < min_batches or time.perf_counter() - start < min_seconds:
            model(x)
            n += 1
        sync()
        seconds = time.perf_counter() - start
    return {"batch": int(x.shape[0]), "faces_per_s": n * x.shape[0] / seconds, "batches": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="tiny", choices=["tiny", "vit-s16", "vit-b16"])
    ap.add_argument("--batches", default="1,8,32", help="comma-separated batch sizes")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (CPU)")
    ap.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N")
    ap.add_argument("--half", action="store_true", help="fp16 weights and inputs (CUDA)")
    ap.add_argument("--min-seconds", type=float, default=5.0)
    ap.add_argument("--min-batches", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    model = random_preset(a.preset, 0).eval().to(device)
    dtype = torch.float16 if a.half else torch.float32
    model = model.to(dtype)
    h, w = model.cfg.input_size
    results = []
    for batch in [int(b) for b in a.batches.split(",")]:
        x = torch.randn(batch, 3, h, w, generator=torch.Generator().manual_seed(0)).to(device, dtype)
        results.append(measure(model, x, a.min_seconds, a.min_batches))
    print(json.dumps({"torch": torch.__version__, "device": str(device), "dtype": str(dtype).replace("torch.", ""),
                      "threads": a.threads, "preset": a.preset, "results": results}))


if __name__ == "__main__":
    main()
