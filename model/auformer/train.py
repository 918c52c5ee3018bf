"""PETL training: AdamW on the MoKEs + head (+ aux probes), cosine schedule, DDP under torchrun,
DataLoader workers, bf16/fp16 autocast, optional gradient checkpointing, per-step JSONL logs,
a checkpoint after every epoch (resume), and a best-or-last final model.

Library: :func:`train`. CLI (see model/README.md and :mod:`auformer.train_cli`): ``python -m
auformer.train --config run.json`` or ``torchrun --nproc_per_node N -m auformer.train ...``.
"""
from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

from .checkpoint import save_model
from .distributed import World, barrier, from_main, mean_over_world, setup_world, teardown
from .errors import TrainingError
from .evaluate import f1_scores, predict
from .losses import AUFormerLoss, au_weights
from .precision import autocast, grad_scaler, resolve_precision
from .resume import load_last, save_last
from .runlog import StepLog, gpu_memory_mb

KEEP = ("best", "last")


@dataclass
class TrainConfig:
    epochs: int = 20
    batch_size: int = 64  # per process: torchrun with N processes trains on N * batch_size per step
    lr: float = 5e-4  # on trainable parameters
    weight_decay: float = 1e-4
    margin: float = 0.05  # MDWA margin m
    aux_weight: float = 1.0  # lambda for L'_MDWA
    use_wdi: bool = True
    precision: str = "auto"  # auto (bf16 on CUDA where supported, else fp16; fp32 on CPU) | fp32 | bf16 | fp16
    grad_checkpoint: bool = False  # recompute blocks in backward: less activation memory, ~30% slower
    seed: int = 0
    deterministic: bool = False  # deterministic kernels (slower on GPU)
    num_workers: int = min(4, os.cpu_count() or 1)  # DataLoader worker processes, training and evaluation
    device: str = "auto"  # "auto" | "cpu" | "cuda" | "cuda:N" (torchrun: each process its LOCAL_RANK GPU)
    keep: str = "best"  # final model.pt: "best" validation mean F1 (needs a validation set) | "last" epoch
    log_every: int = 1  # steps between train_log.jsonl records
    out_dir: str | None = None  # checkpoints + logs + report; None: nothing written
    resume: bool = True  # continue from out_dir/last.pt when it exists


class _TrainForward(torch.nn.Module):
    """Lets DDP hook ``forward_train`` (it only wraps ``forward``)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        return self.model.forward_train(x)


def train(model: torch.nn.Module, train_set: Dataset, cfg: TrainConfig, val_set: Dataset | None = None,
          pos_rates: torch.Tensor | None = None, on_epoch_end: Callable[[int, dict], None] | None = None,
          log: Callable[[str], None] = print, run_config: dict | None = None) -> dict:
    """Trains ``model`` in place; returns the report (also out_dir/report.json on rank 0)."""
    if cfg.keep not in KEEP:
        raise ValueError(f"keep={cfg.keep!r} is not valid; use one of {KEEP}")
    if cfg.keep == "best" and val_set is None:
        cfg = replace(cfg, keep="last")  # nothing to compare epochs on: the report says "last"
    world = setup_world(cfg.device)
    try:
        return _train(model, train_set, cfg, val_set, pos_rates, on_epoch_end, log, run_config, world)
    finally:
        teardown(world)


def _train(model, train_set, cfg, val_set, pos_rates, on_epoch_end, log, run_config, world: World) -> dict:  # noqa: ANN001, PLR0913
    dev = world.device
    precision = resolve_precision(cfg.precision, dev)
    model.to(dev)
    model.grad_checkpointing = cfg.grad_checkpoint
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(len(train_set) / (cfg.batch_size * world.size))
    total = max(1, cfg.epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    weights = au_weights(pos_rates) if pos_rates is not None else None
    criterion = AUFormerLoss(weights, cfg.margin, cfg.aux_weight, cfg.use_wdi).to(dev)
    scaler = grad_scaler(precision == "fp16")
    out = Path(cfg.out_dir) if cfg.out_dir else None
    config = {"train": asdict(cfg), "model": model.cfg.to_dict(), **(run_config or {})}
    start, history, best = 0, [], None
    if out and cfg.resume and (out / "last.pt").exists():
        start, history, best = load_last(out / "last.pt", model, opt, sched, scaler, config)
        log(f"resumed from {out / 'last.pt'} at epoch {start + 1}/{cfg.epochs}")
    step_net: torch.nn.Module = _TrainForward(model)
    if world.size > 1:
        unused = cfg.aux_weight == 0 and bool(model.aux_layer_ids)
        step_net = torch.nn.parallel.DistributedDataParallel(
            step_net, device_ids=[dev.index] if dev.type == "cuda" else None, find_unused_parameters=unused)
    step = start * steps_per_epoch
    steplog = StepLog(out / "train_log.jsonl" if out and world.is_main else None, step)
    sampler = DistributedSampler(train_set, num_replicas=world.size, rank=world.rank, shuffle=True, seed=cfg.seed)
    for epoch in range(start, cfg.epochs):
        torch.manual_seed(cfg.seed * 1000 + epoch)  # any remaining randomness reproducible across resume
        sampler.set_epoch(epoch)
        if hasattr(train_set, "set_epoch"):
            train_set.set_epoch(epoch)  # per-sample augmentation seeds: the same under any world size
        loader = DataLoader(train_set, batch_size=cfg.batch_size, sampler=sampler, num_workers=cfg.num_workers,
                            pin_memory=dev.type == "cuda")
        model.train()
        sums: dict[str, float] = {}
        seen = 0
        tick = time.perf_counter()
        for x, y in loader:
            x, y = x.to(dev, non_blocking=True), y.to(dev, non_blocking=True)
            with autocast(precision, dev):
                logits, aux = step_net(x)
            parts = criterion(logits.float(), y, [a.float() for a in aux])
            if not torch.isfinite(parts["total"]):
                raise TrainingError(
                    f"non-finite loss at epoch {epoch + 1} step {step + 1} ({ {k: float(v) for k, v in parts.items()} }); "
                    "check the inputs for NaN/inf, lower --lr, or use precision fp32; resume restarts from the last good epoch")
            opt.zero_grad(set_to_none=True)
            scaler.scale(parts["total"]).backward()
            scaler.step(opt)
            scaler.update()
            sched.step()
            step += 1
            names = list(parts)  # one all-reduce for every loss part
            means = dict(zip(names, mean_over_world(torch.stack([parts[k].detach() for k in names]), world).tolist()))
            for k, v in means.items():
                sums[k] = sums.get(k, 0.0) + v * len(x)
            seen += len(x)
            now = time.perf_counter()
            if step % cfg.log_every == 0:
                steplog.write(epoch=epoch + 1, step=step, loss=means["total"], **{k: means[k] for k in ("mdwa", "wdi", "aux")},
                              lr=sched.get_last_lr()[0], images_per_s=round(len(x) * world.size / max(now - tick, 1e-9), 2),
                              gpu_memory_mb=gpu_memory_mb(dev))
            tick = now
        record = {"epoch": epoch + 1, **{f"loss_{k}": v / max(seen, 1) for k, v in sums.items()},
                  "lr": sched.get_last_lr()[0]}
        if val_set is not None and world.is_main:
            probs, labels = predict(model, val_set, cfg.batch_size, dev, cfg.num_workers, precision)
            record.update(f1_scores(probs, labels))
        record = from_main(record, world)  # every process keeps the same history and best epoch
        history.append(record)
        improved = "mean_f1" in record and (best is None or record["mean_f1"] > best["mean_f1"])
        if improved:
            best = {"epoch": epoch + 1, "mean_f1": record["mean_f1"]}
        if world.is_main:
            log(f"epoch {epoch + 1}/{cfg.epochs} loss {record['loss_total']:.4f}"
                + (f" val mean F1 {record['mean_f1']:.4f}" if "mean_f1" in record else ""))
            if out:
                if improved and cfg.keep == "best":
                    save_model(model, out / "best.pt", epoch=epoch + 1, mean_f1=record["mean_f1"], run=config)
                save_last(out / "last.pt", epoch + 1, model, opt, sched, scaler, history, best, config)
        barrier(world)
        if on_epoch_end:
            on_epoch_end(epoch + 1, record)
    steplog.close()
    kept = (f"best validation mean F1 {best['mean_f1']:.4f} at epoch {best['epoch']}"
            if cfg.keep == "best" and best else f"last epoch ({cfg.epochs})")
    report = {"config": config, "history": history, "final": history[-1] if history else None,
              "best": best, "kept": kept, "precision": precision, "world_size": world.size}
    if out and world.is_main:
        if cfg.keep == "best" and best and (out / "best.pt").exists():
            model.load_state_dict(torch.load(out / "best.pt", map_location="cpu", weights_only=False)["model"])
        save_model(model, out / "model.pt", kept=kept, run=config)
        (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    barrier(world)
    return report


def main(argv: list[str] | None = None) -> dict:
    from .train_cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    import sys

    from .errors import AUFormerError

    try:
        main()
    except AUFormerError as e:
        sys.exit(f"error: {e}")
