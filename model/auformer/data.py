"""Data: label CSVs, subject-exclusive folds, and a dataset of aligned face images.

Label CSV: a header ``image,subject,AU01,AU02,...`` (AU columns may also be named ``AU1`` or
``1``), one row per image; ``image`` is relative to the CSV's folder (or ``image_root``). Labels
are 0/1; -1 and 9 mean unlabelled and are masked out of the loss. With ``intensity_threshold``
(DISFA: 2) the AU columns hold intensities 0-5 and an AU is active at intensity >= threshold.
"""
from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from .errors import DataError

MASKED = -1.0
FOLDS_DIR = Path(__file__).resolve().parent.parent / "data" / "folds"


@dataclass
class LabelTable:
    images: list[str]
    subjects: list[str]
    labels: torch.Tensor  # [S, N] float: 0, 1 or MASKED
    au_names: tuple[str, ...]
    root: Path

    def subset(self, keep: list[int]) -> "LabelTable":
        return LabelTable([self.images[i] for i in keep], [self.subjects[i] for i in keep],
                          self.labels[keep], self.au_names, self.root)


def _au_key(column: str) -> str | None:
    m = re.fullmatch(r"(?:AU)?0*(\d+)", column.strip(), flags=re.IGNORECASE)
    return f"AU{int(m.group(1)):02d}" if m else None


def _parse(value: str, where: str, threshold: float | None) -> float:
    try:
        v = float(value)
    except ValueError:
        raise DataError(f"{where}: label {value!r} is not a number; use 0/1 (or -1/9 for unlabelled)") from None
    if v in (-1.0, 9.0):
        return MASKED
    if threshold is not None:
        if not 0 <= v <= 5:
            raise DataError(f"{where}: intensity {value!r} is outside 0..5 (or -1/9 for unlabelled)")
        return 1.0 if v >= threshold else 0.0
    if v not in (0.0, 1.0):
        raise DataError(f"{where}: label {value!r} is not 0/1; for intensities pass intensity_threshold (DISFA: 2)")
    return v


def read_label_csv(path: str | Path, au_names: tuple[str, ...] | list[str], *,
                   intensity_threshold: float | None = None, image_root: str | Path | None = None) -> LabelTable:
    """Reads a label CSV for the given AUs (in model order); extra AU columns are ignored."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read label CSV {str(path)!r}: {e}; check the path and that it is UTF-8 text") from e
    if not rows or "image" not in rows[0]:
        raise DataError(f"{path}: the first row must be a header with an 'image' column and one column per AU")
    header = rows[0]
    cols = {k: i for i, c in enumerate(header) if (k := _au_key(c)) is not None}
    missing = [a for a in au_names if a not in cols]
    if missing:
        raise DataError(f"{path}: has AU columns {sorted(cols)} ({len(cols)} AUs) but the model needs "
                        f"{list(au_names)} ({len(au_names)} AUs); missing {missing}. Fix the CSV or the model's au_names")
    img_i = header.index("image")
    subj_i = header.index("subject") if "subject" in header else None
    images, subjects, labels = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DataError(f"{path}:{n}: {len(row)} fields, header has {len(header)}")
        images.append(row[img_i])
        subjects.append(row[subj_i] if subj_i is not None else "")
        labels.append([_parse(row[cols[a]], f"{path}:{n} {a}", intensity_threshold) for a in au_names])
    if not images:
        raise DataError(f"{path}: no data rows")
    return LabelTable(images, subjects, torch.tensor(labels, dtype=torch.float32), tuple(au_names),
                      Path(image_root) if image_root else path.parent)


def load_folds(dataset: str | Path) -> list[list[str]]:
    """The standard 3 subject-exclusive folds of ``bp4d`` or ``disfa`` (model/data/folds), or the
    folds of a ``folds.json`` file (as ``auformer.prepare`` writes it)."""
    p = Path(dataset) if str(dataset).endswith(".json") else FOLDS_DIR / f"{str(dataset).lower()}.json"
    if not p.exists():
        raise DataError(f"no fold list {str(p)!r}; standard lists: {sorted(f.stem for f in FOLDS_DIR.glob('*.json'))}")
    try:
        folds = json.loads(p.read_text())["folds"]
    except (ValueError, KeyError) as e:
        raise DataError(f"{p}: not a fold list ({e}); expected {{\"folds\": [[subject, ...], ...]}}") from None
    return folds


def split_by_fold(table: LabelTable, folds: list[list[str]], test_fold: int) -> tuple[LabelTable, LabelTable]:
    """Train on the other folds' subjects, test on fold ``test_fold`` (0-based)."""
    if not 0 <= test_fold < len(folds):
        raise DataError(f"test_fold={test_fold} is not in 0..{len(folds) - 1}")
    test = set(folds[test_fold])
    known = {s for f in folds for s in f}
    unknown = sorted(set(table.subjects) - known)
    if unknown:
        raise DataError(f"subjects {unknown[:5]} are in no fold; the 'subject' column must use the fold list's ids")
    tr = [i for i, s in enumerate(table.subjects) if s not in test]
    te = [i for i, s in enumerate(table.subjects) if s in test]
    return table.subset(tr), table.subset(te)


def augment(img: torch.Tensor, out_size: tuple[int, int], train: bool, jitter: float = 0.4,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """[3,H,W] in 0..1 -> [3,h,w]: train = random crop + horizontal flip + colour jitter; test = centre crop."""
    _, h, w = img.shape
    oh, ow = out_size

    def rand() -> float:
        return float(torch.rand((), generator=generator))

    if train:
        y, x = int(rand() * (h - oh + 1)), int(rand() * (w - ow + 1))
    else:
        y, x = (h - oh) // 2, (w - ow) // 2
    img = img[:, y : y + oh, x : x + ow]
    if train:
        if rand() < 0.5:
            img = img.flip(-1)
        if jitter > 0:
            b, c, s = (1 + jitter * (2 * rand() - 1) for _ in range(3))
            img = img * b
            img = (img - img.mean()) * c + img.mean()
            gray = (0.299 * img[0] + 0.587 * img[1] + 0.114 * img[2]).unsqueeze(0)
            img = (img - gray) * s + gray
            img = img.clamp(0, 1)
    return img


class AUImageDataset(Dataset):
    """Aligned face images (canvas_size, e.g. 256x256 for a 224 input) + labels -> (image, labels).

    Images must already be aligned with :func:`auformer.align.align_face` on the model's template
    placed in the canvas; a different image size is an error (not silently resized).
    """

    def __init__(self, table: LabelTable, input_size: tuple[int, int], mean: tuple[float, ...],
                 std: tuple[float, ...], train: bool, canvas_size: tuple[int, int] | None = None,
                 jitter: float = 0.4, seed: int = 0) -> None:
        self.table, self.input_size, self.train, self.jitter = table, input_size, train, jitter
        self.seed, self.epoch = seed, 0
        self.canvas = canvas_size or tuple(int(math.ceil(s * 256 / 224)) for s in input_size)
        self.mean = torch.tensor(mean).view(3, 1, 1)
        self.std = torch.tensor(std).view(3, 1, 1)

    def __len__(self) -> int:
        return len(self.table.images)

    def set_epoch(self, epoch: int) -> None:
        """Augmentation of sample i in epoch e depends on (seed, e, i) only: the same in any worker,
        any DDP rank and after a resume."""
        self.epoch = epoch

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        path = self.table.root / self.table.images[i]
        try:
            with Image.open(path) as im:
                arr = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
        except OSError as e:
            raise DataError(f"cannot read image {str(path)!r}: {e}") from e
        if arr.shape[:2] != tuple(self.canvas):
            raise DataError(f"{path}: image is {arr.shape[1]}x{arr.shape[0]} but aligned images must be "
                            f"{self.canvas[1]}x{self.canvas[0]}; re-run alignment with out_size={self.canvas}")
        g = torch.Generator().manual_seed((self.seed * 1_000_003 + self.epoch) * 10_000_019 + i) if self.train else None
        img = augment(torch.from_numpy(arr).permute(2, 0, 1), self.input_size, self.train, self.jitter, g)
        return (img - self.mean) / self.std, self.table.labels[i]
