"""PETL training: AdamW on the MoKEs + head (+ aux probes), cosine schedule, optional AMP on GPU,
a checkpoint after every epoch and resume from it, per-epoch progress and a JSON report.

Library: :func:`train`. CLI (see model/README.md): ``python -m auformer.train --preset vit-b16
--backbone vit_b16_in21k.npz --labels bp4d.csv --dataset bp4d --fold 0 --out runs/bp4d-f0``.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset

from .errors import CheckpointError, TrainingError
from .evaluate import f1_scores, predict
from .losses import AUFormerLoss, au_weights


@dataclass
class TrainConfig:
    epochs: int = 20
    batch_size: int = 64
    lr: float = 5e-4  # on trainable parameters
    weight_decay: float = 1e-4
    margin: float = 0.05  # MDWA margin m
    aux_weight: float = 1.0  # lambda for L'_MDWA
    use_wdi: bool = True
    amp: bool = True  # only takes effect on CUDA
    seed: int = 0
    num_workers: int = 0
    device: str = "auto"  # "auto" | "cpu" | "cuda" | "cuda:N"
    out_dir: str | None = None  # checkpoints + report; None: nothing written
    resume: bool = True  # continue from out_dir/last.pt when it exists


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _grad_scaler(enabled: bool):  # noqa: ANN202
    """torch.amp.GradScaler on PyTorch 2.x, torch.cuda.amp.GradScaler on 1.13 (same behaviour)."""
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


def _trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    return {k: v for k, v in model.state_dict().items() if k in names}


def train(model: torch.nn.Module, train_set: Dataset, cfg: TrainConfig, val_set: Dataset | None = None,
          pos_rates: torch.Tensor | None = None,
          on_epoch_end: Callable[[int, dict], None] | None = None,
          log: Callable[[str], None] = print) -> dict:
    """Trains ``model`` in place and returns the report (also written to out_dir/report.json)."""
    dev = _device(cfg.device)
    model.to(dev)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(len(train_set) / cfg.batch_size)
    total = max(1, cfg.epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    weights = au_weights(pos_rates) if pos_rates is not None else None
    criterion = AUFormerLoss(weights, cfg.margin, cfg.aux_weight, cfg.use_wdi).to(dev)
    use_amp = cfg.amp and dev.type == "cuda"
    scaler = _grad_scaler(use_amp)
    out = Path(cfg.out_dir) if cfg.out_dir else None
    start, history = 0, []
    if out and cfg.resume and (out / "last.pt").exists():
        start, history = _resume(out / "last.pt", model, opt, sched, scaler)
        log(f"resumed from {out / 'last.pt'} at epoch {start + 1}/{cfg.epochs}")
    for epoch in range(start, cfg.epochs):
        torch.manual_seed(cfg.seed * 1000 + epoch)  # shuffling + augmentation reproducible across resume
        loader = DataLoader(train_set, batch_size=cfg.batch_size, shuffle=True, num_workers=cfg.num_workers,
                            generator=torch.Generator().manual_seed(cfg.seed * 1000 + epoch))
        model.train()
        sums: dict[str, float] = {}
        for step, (x, y) in enumerate(loader):
            x, y = x.to(dev), y.to(dev)
            if use_amp:
                with torch.autocast(device_type="cuda", dtype=torch.float16):
                    logits, aux = model.forward_train(x)
            else:
                logits, aux = model.forward_train(x)
            parts = criterion(logits.float(), y, [a.float() for a in aux])
            if not torch.isfinite(parts["total"]):
                raise TrainingError(
                    f"non-finite loss at epoch {epoch + 1} step {step + 1} ({ {k: float(v) for k, v in parts.items()} }); "
                    "check the inputs for NaN/inf, lower --lr, or disable AMP; resume restarts from the last good epoch")
            opt.zero_grad(set_to_none=True)
            scaler.scale(parts["total"]).backward()
            scaler.step(opt)
            scaler.update()
            sched.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + float(v) * len(x)
        record = {"epoch": epoch + 1, **{f"loss_{k}": v / len(train_set) for k, v in sums.items()},
                  "lr": sched.get_last_lr()[0]}
        if val_set is not None:
            probs, labels = predict(model, val_set, cfg.batch_size, dev)
            record.update(f1_scores(probs, labels))
        history.append(record)
        log(f"epoch {epoch + 1}/{cfg.epochs} loss {record['loss_total']:.4f}"
            + (f" val mean F1 {record['mean_f1']:.4f}" if "mean_f1" in record else ""))
        if out:
            out.mkdir(parents=True, exist_ok=True)
            tmp = out / "last.pt.tmp"
            torch.save({"epoch": epoch + 1, "au_names": list(model.cfg.au_names), "trainable": _trainable_state(model),
                        "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "scaler": scaler.state_dict(),
                        "history": history}, tmp)
            tmp.replace(out / "last.pt")  # atomic: an interrupted save never corrupts last.pt
        if on_epoch_end:
            on_epoch_end(epoch + 1, record)
    report = {"config": asdict(cfg), "model": model.cfg.to_dict(), "history": history,
              "final": history[-1] if history else None}
    if out:
        from .checkpoint import save_model

        save_model(model.cpu(), out / "model.pt")
        model.to(dev)
        (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def _resume(path: Path, model, opt, sched, scaler) -> tuple[int, list]:  # noqa: ANN001
    try:
        ck = torch.load(path, map_location="cpu", weights_only=False)  # our own file (pickle: trust it)
    except Exception as e:
        raise CheckpointError(f"cannot read {path}: {e}; delete it to start over") from e
    if ck.get("au_names") != list(model.cfg.au_names):
        raise CheckpointError(f"{path} is for AUs {ck.get('au_names')}, the model has {list(model.cfg.au_names)}; "
                              "use another --out folder or delete last.pt")
    missing = set(_trainable_state(model)) - set(ck["trainable"])
    if missing:
        raise CheckpointError(f"{path} lacks trainable weights {sorted(missing)[:10]}; the model config changed")
    model.load_state_dict(ck["trainable"], strict=False)
    opt.load_state_dict(ck["optimizer"])
    sched.load_state_dict(ck["scheduler"])
    scaler.load_state_dict(ck["scaler"])
    return int(ck["epoch"]), list(ck["history"])


def main(argv: list[str] | None = None) -> None:
    import argparse
    import dataclasses

    from .checkpoint import load_backbone
    from .data import AUImageDataset, load_folds, read_label_csv, split_by_fold
    from .losses import positive_rates
    from .models.auformer import BP4D_AUS, DISFA_AUS, create_model

    ap = argparse.ArgumentParser(prog="python -m auformer.train", description=__doc__)
    ap.add_argument("--preset", default="vit-b16", choices=["tiny", "vit-s16", "vit-b16"])
    ap.add_argument("--backbone", help="pre-trained ViT weights (.pth/.safetensors/.npz)")
    ap.add_argument("--labels", required=True, help="label CSV: image,subject,AU..")
    ap.add_argument("--image-root", help="folder the CSV's image paths are relative to (default: CSV's folder)")
    ap.add_argument("--dataset", required=True, choices=["bp4d", "disfa"])
    ap.add_argument("--fold", default="all", help="0-based test fold, or 'all' (3-fold CV)")
    ap.add_argument("--out", required=True, help="run folder (checkpoints, report.json)")
    ap.add_argument("--aux-layers", default="all", choices=["none", "last", "all"])
    ap.add_argument("--moke-hidden", type=int, default=8)
    for f in dataclasses.fields(TrainConfig):
        if f.name not in ("out_dir",):
            flag = "--" + f.name.replace("_", "-")
            if f.type in ("bool", bool):
                ap.add_argument(flag, type=lambda s: s.lower() in ("1", "true", "yes"), default=f.default)
            else:
                ap.add_argument(flag, type=type(f.default), default=f.default)
    a = ap.parse_args(argv)
    aus = BP4D_AUS if a.dataset == "bp4d" else DISFA_AUS
    folds = load_folds(a.dataset)
    table = read_label_csv(a.labels, aus, image_root=a.image_root,
                           intensity_threshold=2 if a.dataset == "disfa" else None)
    reports = []
    for fold in range(len(folds)) if a.fold == "all" else [int(a.fold)]:
        model = create_model(a.preset, au_names=aus, aux_layers=a.aux_layers, moke_hidden=a.moke_hidden,
                             training_data=f"{a.dataset.upper()} (3-fold CV; fold {fold} held out)", untrained=False,
                             description=f"AUFormer ({a.preset} + MoKE d={a.moke_hidden}) trained on "
                                         f"{a.dataset.upper()}, fold {fold} held out.")
        if a.backbone:
            load_backbone(model.vit, a.backbone)
        tr, te = split_by_fold(table, folds, fold)
        c = model.cfg
        cfg = TrainConfig(**{f.name: getattr(a, f.name) for f in dataclasses.fields(TrainConfig) if f.name != "out_dir"},
                          out_dir=str(Path(a.out) / f"fold{fold}"))
        rep = train(model, AUImageDataset(tr, c.input_size, c.mean, c.std, train=True), cfg,
                    AUImageDataset(te, c.input_size, c.mean, c.std, train=False), positive_rates(tr.labels))
        reports.append(rep["final"])
    summary = {"folds": reports, "mean_f1": sum(r.get("mean_f1", 0.0) for r in reports) / len(reports)}
    Path(a.out).mkdir(parents=True, exist_ok=True)
    (Path(a.out) / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
