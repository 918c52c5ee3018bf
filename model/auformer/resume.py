"""``last.pt``: everything needed to resume training, and the check that it is the same run."""
from __future__ import annotations

from pathlib import Path

import torch

from .errors import CheckpointError

#: Options that may change between an interrupted run and its resumption.
MAY_CHANGE = {"train": {"num_workers", "device", "log_every", "resume", "out_dir"},
              "model": {"name", "version", "description", "training_data", "licence", "training_provenance",
                        "untrained", "thresholds"},
              "data": {"labels", "backbone", "folds", "image_root"}}  # paths: the data may move


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    return {k: v for k, v in model.state_dict().items() if k in names}


def save_last(path: Path, epoch: int, model, opt, sched, scaler, history: list, best: dict | None,  # noqa: ANN001
              config: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pt.tmp")
    torch.save({"epoch": epoch, "au_names": list(model.cfg.au_names), "trainable": trainable_state(model),
                "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "scaler": scaler.state_dict(),
                "history": history, "best": best, "config": config}, tmp)
    tmp.replace(path)  # atomic: an interrupted save never corrupts last.pt


def config_differences(saved: dict, current: dict) -> list[str]:
    """'section.key: saved -> current' for every option that must not change on resume."""
    out = []
    for section in ("train", "model", "data"):
        a, b = saved.get(section) or {}, current.get(section) or {}
        for key in sorted(set(a) | set(b)):
            if key not in MAY_CHANGE.get(section, set()) and _norm(a.get(key)) != _norm(b.get(key)):
                out.append(f"{section}.{key}: {a.get(key)!r} -> {b.get(key)!r}")
    return out


def _norm(v: object) -> object:
    return [_norm(x) for x in v] if isinstance(v, (list, tuple)) else v


def load_last(path: Path, model, opt, sched, scaler, config: dict) -> tuple[int, list, dict | None]:  # noqa: ANN001
    try:
        ck = torch.load(path, map_location="cpu", weights_only=False)  # our own file (pickle: trust it)
    except Exception as e:
        raise CheckpointError(f"cannot read {path}: {e}; delete it to start over") from e
    if ck.get("au_names") != list(model.cfg.au_names):
        raise CheckpointError(f"{path} is for AUs {ck.get('au_names')}, the model has {list(model.cfg.au_names)}; "
                              "use another --out folder or delete last.pt")
    diff = config_differences(ck.get("config") or {}, config)
    if ck.get("config") is not None and diff:
        raise CheckpointError(f"{path} was written by a run with other options:\n  " + "\n  ".join(diff[:15])
                              + "\nresume with the same options (its config.json), or use another --out folder")
    missing = set(trainable_state(model)) - set(ck["trainable"])
    if missing:
        raise CheckpointError(f"{path} lacks trainable weights {sorted(missing)[:10]}; the model config changed")
    model.load_state_dict(ck["trainable"], strict=False)
    opt.load_state_dict(ck["optimizer"])
    sched.load_state_dict(ck["scheduler"])
    scaler.load_state_dict(ck["scaler"])
    return int(ck["epoch"]), list(ck["history"]), ck.get("best")
