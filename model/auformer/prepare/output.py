"""Writes a prepared dataset: label CSV, the crop list for the SDK, folds, counts, manifest."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from ..data import load_folds
from ..errors import DataError
from .rows import UNKNOWN, LabelledFrame

#: DISFA intensities count as an occurrence from this value on (the usual protocol).
DISFA_THRESHOLD = 2


def subject_folds(dataset: str, subjects: list[str], frames_per_subject: dict[str, int], mode: str) -> list[list[str]]:
    """The standard 3 folds restricted to ``subjects`` ("standard"), or balanced by frames ("auto")."""
    if mode == "standard":
        standard = load_folds(dataset)
        known = {s for f in standard for s in f}
        unknown = sorted(set(subjects) - known)
        if unknown:
            raise DataError(f"subjects {unknown[:5]} are in no standard {dataset.upper()} fold; "
                            "use the release's subject ids or pass --folds auto")
        return [[s for s in fold if s in set(subjects)] for fold in standard]
    if mode != "auto":
        raise DataError(f"--folds {mode!r}: use 'standard' or 'auto'")
    folds: list[list[str]] = [[], [], []]
    sizes = [0, 0, 0]
    for s in sorted(subjects, key=lambda s: (-frames_per_subject[s], s)):
        k = sizes.index(min(sizes))
        folds[k].append(s)
        sizes[k] += frames_per_subject[s]
    return folds


def count_labels(rows: list[LabelledFrame], aus: tuple[str, ...], folds: list[list[str]],
                 threshold: int | None) -> dict:
    """Frames and per-AU positives / negatives / unknowns, per fold and over all folds."""
    def summary(part: list[LabelledFrame]) -> dict:
        per_au = {}
        for i, au in enumerate(aus):
            values = [r.labels[i] for r in part]
            pos = sum(1 for v in values if v != UNKNOWN and v >= (threshold or 1))
            unknown = sum(1 for v in values if v == UNKNOWN)
            per_au[au] = {"positive": pos, "negative": len(values) - pos - unknown, "unknown": unknown}
        return {"frames": len(part), "subjects": len({r.subject for r in part}), "aus": per_au}

    fold_of = {s: k for k, f in enumerate(folds) for s in f}
    return {"all": summary(rows),
            "folds": [summary([r for r in rows if fold_of.get(r.subject) == k]) for k in range(len(folds))]}


def write_prepared(out: Path, dataset: str, aus: tuple[str, ...], rows: list[LabelledFrame],
                   folds_mode: str, manifest: dict) -> dict:
    """Writes every file of a prepared dataset into ``out``; returns the counts."""
    if not rows:
        raise DataError(f"no labelled frames found in {manifest.get('root')}: every row is unknown (9)")
    per_subject: dict[str, int] = {}
    for r in rows:
        per_subject[r.subject] = per_subject.get(r.subject, 0) + 1
    folds = subject_folds(dataset, sorted(per_subject), per_subject, folds_mode)
    threshold = DISFA_THRESHOLD if dataset == "disfa" else None
    with (out / "labels.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["image", "subject", "frame", *aus])
        for r in rows:
            w.writerow([r.image, r.subject, _portable(r.frame, out), *r.labels])
    with (out / "frames.tsv").open("w", encoding="utf-8") as f:
        f.writelines(f"{_portable(r.frame, out)}\t{r.image}\n" for r in rows)
    (out / "folds.json").write_text(json.dumps({"dataset": dataset.upper(), "aus": list(aus), "folds": folds,
                                                "source": f"--folds {folds_mode}"}, indent=2) + "\n")
    counts = count_labels(rows, aus, folds, threshold)
    (out / "counts.json").write_text(json.dumps(counts, indent=2) + "\n")
    label_kind = f"intensity (occurrence = intensity >= {threshold})" if threshold else "occurrence 0/1"
    (out / "prepare.json").write_text(json.dumps({**manifest, "dataset": dataset, "aus": list(aus),
                                                  "labels": label_kind, "frames": len(rows)}, indent=2) + "\n")
    return counts


def _portable(path: Path, out: Path) -> str:
    """Relative to the prepared folder when inside it (it is renamed at the end), else absolute."""
    try:
        return path.relative_to(out).as_posix()
    except ValueError:
        return os.path.abspath(path)


def format_counts(counts: dict, aus: tuple[str, ...]) -> str:
    """A plain table: one row per AU, positives (and % of known) per fold and overall."""
    parts = [*counts["folds"], counts["all"]]
    head = "AU    " + "".join(f"{f'fold {k}' if k < len(parts) - 1 else 'all':>18}" for k in range(len(parts)))
    lines = [head, "frames" + "".join(f"{p['frames']:>18}" for p in parts)]
    for au in aus:
        cells = []
        for p in parts:
            c = p["aus"][au]
            known = c["positive"] + c["negative"]
            cells.append(f"{c['positive']:>8} ({100 * c['positive'] / known if known else 0:5.1f}%)")
        lines.append(f"{au:<6}" + "".join(f"{c:>18}" for c in cells))
    return "\n".join(lines)
