"""Evaluation protocols and their JSON reports: within-dataset 3-fold CV, and cross-dataset.

- **Within a dataset** (the paper's tables): per-AU F1 at p >= 0.5 on each held-out fold of the
  subject-exclusive 3-fold split; the reported figure per AU is the mean over the 3 folds, and
  the average is the mean of those over AUs.
- **Cross-dataset** (BP4D -> DISFA and DISFA -> BP4D): a model trained on one dataset scored on
  every frame of the other, on the AUs both code: 1, 2, 4, 6, 12 (DISFA occurrence = intensity
  >= 2). The report names the protocol, so figures of different protocols cannot be mixed up.
"""
from __future__ import annotations

from collections.abc import Sequence

from .errors import DataError
from .models.auformer import BP4D_AUS, DISFA_AUS

DATASET_AUS = {"bp4d": BP4D_AUS, "disfa": DISFA_AUS}
SHARED_AUS = tuple(a for a in BP4D_AUS if a in DISFA_AUS)  # AU01, AU02, AU04, AU06, AU12


def within_protocol(dataset: str) -> str:
    return (f"{dataset.upper()} subject-exclusive 3-fold CV: per-AU F1 at p >= 0.5 on each held-out fold, "
            "mean over folds, then over AUs")


def cross_protocol(source: str, target: str) -> str:
    return (f"cross-dataset {source.upper()} -> {target.upper()}: trained on {source.upper()}, F1 at p >= 0.5 on all "
            f"{target.upper()} frames, AUs {', '.join(a[2:].lstrip('0') for a in SHARED_AUS)}")


def within_dataset_summary(dataset: str, aus: Sequence[str], folds: list[dict]) -> dict:
    """``folds``: one dict per fold with ``fold``, ``f1`` (list in ``aus`` order or dict) and ``samples``."""
    rows = []
    for r in folds:
        f1 = r.get("f1")
        if f1 is None:
            raise DataError(f"fold {r.get('fold')} has no F1 (no validation frames?)")
        per_au = dict(zip(aus, f1)) if isinstance(f1, list) else dict(f1)
        rows.append({**{k: v for k, v in r.items() if k not in ("f1", "mean_f1")}, "f1": per_au,
                     "mean_f1": sum(per_au.values()) / len(per_au)})
    mean = {a: sum(r["f1"][a] for r in rows) / len(rows) for a in aus} if rows else {}
    return {"protocol": within_protocol(dataset), "dataset": dataset.upper(), "aus": list(aus),
            "complete": sorted(r["fold"] for r in rows) == [0, 1, 2], "folds": rows,
            "f1": mean, "mean_f1": sum(mean.values()) / len(mean) if mean else None}


def shared_aus(model_aus: Sequence[str], target: str) -> tuple[list[str], list[int]]:
    """The cross-dataset AUs present in the model, and their output indices; error if none."""
    target_aus = DATASET_AUS[target]
    aus = [a for a in SHARED_AUS if a in model_aus and a in target_aus]
    if not aus:
        raise DataError(f"the model's AUs {list(model_aus)} share none of {list(SHARED_AUS)} with {target.upper()}")
    return aus, [list(model_aus).index(a) for a in aus]
