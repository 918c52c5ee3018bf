"""Evaluation: per-AU F1 at each AU's threshold (default p >= 0.5), averaged over AUs.

CLI: ``python -m auformer.evaluate --checkpoint runs/bp4d-f0/model.pt --labels bp4d.csv
--dataset bp4d --fold 0 [--image-root DIR] [--out report.json]``.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from torch.utils.data import DataLoader, Dataset


@torch.no_grad()
def predict(model: torch.nn.Module, dataset: Dataset, batch_size: int = 64,
            device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (probabilities [S,N], labels [S,N]) over the whole dataset."""
    model.eval()
    probs, labels = [], []
    for x, y in DataLoader(dataset, batch_size=batch_size, shuffle=False):
        probs.append(torch.sigmoid(model(x.to(device)).float()).cpu())
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


def main(argv: list[str] | None = None) -> dict:
    from .checkpoint import load_model
    from .data import AUImageDataset, load_folds, read_label_csv, split_by_fold

    ap = argparse.ArgumentParser(prog="python -m auformer.evaluate", description=__doc__)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--labels", required=True, help="label CSV (image,subject,AU..)")
    ap.add_argument("--dataset", choices=["bp4d", "disfa"], help="use this dataset's fold list")
    ap.add_argument("--fold", type=int, help="0-based test fold (needs --dataset)")
    ap.add_argument("--image-root")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", help="write the JSON report here")
    a = ap.parse_args(argv)
    model = load_model(a.checkpoint)
    cfg = model.cfg
    table = read_label_csv(a.labels, cfg.au_names, image_root=a.image_root,
                           intensity_threshold=2 if a.dataset == "disfa" else None)
    if a.dataset and a.fold is not None:
        table = split_by_fold(table, load_folds(a.dataset), a.fold)[1]
    ds = AUImageDataset(table, cfg.input_size, cfg.mean, cfg.std, train=False)
    probs, labels = predict(model, ds, a.batch_size)
    scores = f1_scores(probs, labels, list(cfg.thresholds) if cfg.thresholds else 0.5)
    report = {"checkpoint": a.checkpoint, "fold": a.fold, "au_names": list(cfg.au_names),
              "f1": dict(zip(cfg.au_names, scores["f1"])), "mean_f1": scores["mean_f1"], "samples": len(ds)}
    text = json.dumps(report, indent=2)
    if a.out:
        Path(a.out).write_text(text + "\n")
    print(text)
    return report


if __name__ == "__main__":
    main()
