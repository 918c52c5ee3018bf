"""Seeding, determinism and mixed precision, valid on PyTorch 1.13 and 2.x, CPU and CUDA."""
from __future__ import annotations

import contextlib
import os
import random

import numpy as np
import torch

PRECISIONS = ("auto", "fp32", "bf16", "fp16")


def seed_everything(seed: int, deterministic: bool = False) -> None:
    """Seeds Python, NumPy and torch (model init included: call before building the model).
    ``deterministic`` asks for deterministic kernels (a warning names any op that has none)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


def resolve_precision(precision: str, device: torch.device) -> str:
    """auto: bf16 on a CUDA GPU that supports it (else fp16), fp32 on CPU."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is not valid; use one of {PRECISIONS}")
    if precision == "auto":
        if device.type != "cuda":
            return "fp32"
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "fp16" and device.type != "cuda":
        raise ValueError("precision=fp16 needs a CUDA device (CPU autocast is bf16 only); use bf16 or fp32")
    return precision


def autocast(precision: str, device: torch.device) -> contextlib.AbstractContextManager:
    """torch.autocast for bf16/fp16 (CPU: bf16), a no-op for fp32."""
    if precision == "fp32":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.autocast(device_type=device.type, dtype=dtype)


def grad_scaler(enabled: bool):  # noqa: ANN201
    """Loss scaling for fp16 only: torch.amp.GradScaler on 2.x, torch.cuda.amp.GradScaler on 1.13."""
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)
