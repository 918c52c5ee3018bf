"""Evaluation: per-AU F1 at each AU's threshold (default p >= 0.5), averaged over AUs; the
protocols (3-fold CV, cross-dataset) are in :mod:`auformer.protocols`. CLI::

    python -m auformer.evaluate --run runs/bp4d --labels bp4d/crops/labels.csv --dataset bp4d
    python -m auformer.evaluate --checkpoint runs/bp4d/fold0/model.pt --labels ... --dataset bp4d --fold 0
    python -m auformer.evaluate --checkpoint runs/bp4d/fold0/model.pt --labels disfa/crops/labels.csv \\
        --dataset disfa --cross                      # BP4D -> DISFA on AUs 1, 2, 4, 6, 12
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset

from .errors import DataError


@torch.no_grad()
def predict(model: torch.nn.Module, dataset: Dataset, batch_size: int = 64, device: str | torch.device = "cpu",
            num_workers: int = 0, precision: str = "fp32") -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (probabilities [S,N], labels [S,N]) over the whole dataset (worker processes load it)."""
    from .precision import autocast

    device = torch.device(device)
    model.eval()
    probs, labels = [], []
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=num_workers,
                        pin_memory=device.type == "cuda")
    for x, y in loader:
        with autocast(precision, device):
            logits = model(x.to(device, non_blocking=True))
        probs.append(torch.sigmoid(logits.float()).cpu())
        labels.append(y)
    return torch.cat(probs), torch.cat(labels)


def f1_scores(probs: torch.Tensor, labels: torch.Tensor, thresholds: float | list[float] = 0.5) -> dict:
    """Per-AU F1 (labels other than 0/1 are ignored) and their mean."""
    thr = torch.as_tensor(thresholds, dtype=probs.dtype).expand(probs.shape[1])
    pred = probs >= thr
    valid = (labels == 0) | (labels == 1)
    pos = labels == 1
    tp = (pred & pos & valid).sum(0).float()
    fp = (pred & ~pos & valid).sum(0).float()
    fn = (~pred & pos & valid).sum(0).float()
    f1 = torch.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn).clamp_min(1), torch.ones_like(tp))
    return {"f1": f1.tolist(), "mean_f1": float(f1.mean())}


def _score(model: torch.nn.Module, labels: Path, dataset: str, aus: list[str], index: list[int], fold: int | None,
           folds: str | None, image_root: str | None, batch_size: int, workers: int, device: str) -> dict:
    """Per-AU F1 of ``model`` outputs ``index`` (named ``aus``) on a label CSV (one fold or all frames)."""
    from .data import AUImageDataset, load_folds, read_label_csv, split_by_fold
    from .train_cli import crops_manifest

    cfg = model.cfg
    table = read_label_csv(labels, aus, image_root=image_root, intensity_threshold=2 if dataset == "disfa" else None)
    if fold is not None:
        beside = labels.parent / "folds.json"
        table = split_by_fold(table, load_folds(folds or (str(beside) if beside.is_file() else dataset)), fold)[1]
    crops = crops_manifest(labels)
    canvas = tuple(crops["canvas_size"]) if crops else None
    ds = AUImageDataset(table, cfg.input_size, cfg.mean, cfg.std, train=False, canvas_size=canvas)
    from .distributed import resolve_device

    dev = resolve_device(device)
    probs, truth = predict(model.to(dev), ds, batch_size, dev, workers)
    thresholds = [cfg.thresholds[i] for i in index] if cfg.thresholds else 0.5
    scores = f1_scores(probs[:, index], truth, thresholds)
    return {"fold": fold, "au_names": aus, "f1": dict(zip(aus, scores["f1"])), "mean_f1": scores["mean_f1"],
            "samples": len(ds)}


def main(argv: list[str] | None = None) -> dict:
    from .checkpoint import load_model
    from .protocols import DATASET_AUS, cross_protocol, shared_aus, within_dataset_summary

    ap = argparse.ArgumentParser(prog="python -m auformer.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="one model.pt (with --fold: that fold; with --cross: all frames)")
    src.add_argument("--run", help="a run folder of auformer.train: fold<k>/model.pt scored on fold k, k = 0..2")
    ap.add_argument("--labels", required=True, help="label CSV (image,subject,AU..)")
    ap.add_argument("--dataset", required=True, choices=["bp4d", "disfa"], help="the dataset of --labels")
    ap.add_argument("--fold", type=int, help="0-based test fold of --checkpoint")
    ap.add_argument("--cross", action="store_true", help="cross-dataset: score on every frame, shared AUs only")
    ap.add_argument("--folds", help="folds.json (default: beside the labels, else the standard list)")
    ap.add_argument("--image-root")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--num-workers", type=int, default=2, help="DataLoader worker processes")
    ap.add_argument("--device", default="auto", help="auto (CUDA if available) | cpu | cuda | cuda:N")
    ap.add_argument("--out", help="write the JSON report here")
    a = ap.parse_args(argv)
    labels = Path(a.labels)
    common = dict(dataset=a.dataset, folds=a.folds, image_root=a.image_root, batch_size=a.batch_size, workers=a.num_workers,
                  device=a.device)
    if a.run:
        reports = []
        for k in range(3):
            path = Path(a.run) / f"fold{k}" / "model.pt"
            if path.is_file():
                model = load_model(path)
                aus = list(model.cfg.au_names)
                reports.append({"checkpoint": str(path), **_score(model, labels, aus=aus, index=list(range(len(aus))),
                                                                  fold=k, **common)})
        if not reports:
            raise DataError(f"no fold<k>/model.pt in {a.run}; pass the --out folder of python -m auformer.train")
        report = within_dataset_summary(a.dataset, aus, reports)
    else:
        model = load_model(a.checkpoint)
        model_aus = list(model.cfg.au_names)
        if a.cross:
            source = next((d for d, aus in DATASET_AUS.items() if tuple(model_aus) == aus), "other")
            aus, index = shared_aus(model_aus, a.dataset)
            report = {"protocol": cross_protocol(source, a.dataset), "checkpoint": a.checkpoint,
                      **_score(model, labels, aus=aus, index=index, fold=None, **common)}
        else:
            report = {"protocol": f"{a.dataset.upper()} " + (f"held-out fold {a.fold}" if a.fold is not None
                                                             else "all frames") + ": per-AU F1 at p >= 0.5",
                      "checkpoint": a.checkpoint,
                      **_score(model, labels, aus=model_aus, index=list(range(len(model_aus))), fold=a.fold, **common)}
    text = json.dumps(report, indent=2)
    if a.out:
        Path(a.out).write_text(text + "\n")
    print(text)
    return report


if __name__ == "__main__":
    import sys

    from .errors import AUFormerError

    try:
        main()
    except AUFormerError as e:
        sys.exit(f"error: {e}")
