"""DDP on CPU (gloo): torchrun with 2 processes at batch B follows 1 process at batch 2B."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

WORKER = Path(__file__).with_name("ddp_worker.py")
# Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default "--redirects 0" (IntFlag
# iteration skips 0 since 3.11); redirect stdout to files under --log_dir and tee it instead.
TORCHRUN_LOGS = ["--redirects", "1", "--tee", "1"]


def run(args, out):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    res = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    return [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]


def test_two_gloo_processes_match_one_process_with_twice_the_batch(tmp_path):
    one = run([str(WORKER), str(tmp_path / "one"), "8"], tmp_path / "one")
    torchrun = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *TORCHRUN_LOGS,
                "--log_dir", str(tmp_path / "logs")]
    two = run([*torchrun, str(WORKER), str(tmp_path / "two"), "4"], tmp_path / "two")
    assert [r["step"] for r in one] == [r["step"] for r in two] == list(range(1, 9))  # 32 samples / 8 per step x 2
    losses = [(a["loss"], b["loss"]) for a, b in zip(one, two)]
    assert all(abs(a - b) < 1e-4 for a, b in losses), losses
    assert losses[-1][0] < losses[0][0]  # it trains
    report = json.loads((tmp_path / "two" / "report.json").read_text())
    assert report["world_size"] == 2 and json.loads((tmp_path / "one" / "report.json").read_text())["world_size"] == 1
    w1 = torch.load(tmp_path / "one" / "model.pt", weights_only=False)["model"]
    w2 = torch.load(tmp_path / "two" / "model.pt", weights_only=False)["model"]
    assert max(float((w1[k] - w2[k]).abs().max()) for k in w1) < 1e-4  # same weights after 8 steps


def test_training_cli_under_torchrun_runs_every_fold_in_one_process_group(tmp_path):
    import numpy as np
    from PIL import Image

    from auformer.models.auformer import BP4D_AUS

    rng = np.random.default_rng(0)
    rows = ["image,subject," + ",".join(BP4D_AUS)]
    for i, s in enumerate(["F001", "M007", "M011", "F003", "F007", "F015"]):
        Image.fromarray(rng.integers(0, 255, (256, 256, 3), dtype=np.uint8)).save(tmp_path / f"{s}.png")
        rows.append(f"{s}.png,{s}," + ",".join(str((i + j) % 2) for j in range(12)))
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    res = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          *TORCHRUN_LOGS, "--log_dir", str(tmp_path / "logs"), "-m", "auformer.train",
                          "--preset", "tiny", "--labels", str(tmp_path / "labels.csv"), "--out", str(out),
                          "--epochs", "1", "--batch-size", "1", "--aux-layers", "last", "--num-workers", "0"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["complete"] and len(summary["folds"]) == 3
    for k in range(3):
        report = json.loads((out / f"fold{k}" / "report.json").read_text())
        assert report["world_size"] == 2
        steps = [json.loads(line)["step"] for line in (out / f"fold{k}" / "train_log.jsonl").read_text().splitlines()]
        assert steps == [1, 2]  # 4 training images / (2 processes x 1): rank 0 alone writes the log
    assert res.stdout.count("epoch 1/1 loss") == 3  # rank 0 prints, rank 1 is quiet
