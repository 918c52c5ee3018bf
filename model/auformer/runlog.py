"""Run records: per-step JSONL log, and the environment (git revision, versions, devices)."""
from __future__ import annotations

import json
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]


class StepLog:
    """Appends one JSON object per line to ``path`` (flushed at once), or nothing if path is None.
    On resume, records past ``resume_step`` (from the epoch that was cut short) are dropped."""

    def __init__(self, path: Path | None, resume_step: int = 0) -> None:
        self.file = None
        self.start = time.time()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = []
        if resume_step and path.is_file():
            kept = [line for line in path.read_text().splitlines() if _step(line) <= resume_step]
        elif path.is_file():
            path.unlink()  # a fresh run starts a fresh log
        path.write_text("".join(line + "\n" for line in kept))
        self.file = path.open("a", encoding="utf-8")

    def write(self, **record: object) -> None:
        if self.file:
            self.file.write(json.dumps({"time_s": round(time.time() - self.start, 3), **record}) + "\n")
            self.file.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


def _step(line: str) -> float:
    """A record's step; a line cut short by a crash counts as past any resume point."""
    try:
        return json.loads(line).get("step", 0)
    except ValueError:
        return float("inf")


def gpu_memory_mb(device: torch.device) -> float | None:
    """Peak memory allocated by PyTorch on a CUDA device since the last reset, in MiB."""
    if device.type != "cuda":
        return None
    return round(torch.cuda.max_memory_allocated(device) / 2**20, 1)


def git_revision() -> dict:
    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def environment(world_size: int) -> dict:
    cuda = torch.cuda.is_available()
    return {
        "git": git_revision(),
        "argv": sys.argv,
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cuda": torch.version.cuda if cuda else None,
        "devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else ["cpu"],
        "world_size": world_size,
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "cpu_threads": torch.get_num_threads(),
    }
