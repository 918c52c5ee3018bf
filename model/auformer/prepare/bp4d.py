"""BP4D-Spontaneous: ``AUCoding/AU_OCC/<subject>_<task>.csv`` occurrence codes + the frames.

Each CSV has a header row naming columns by number: column ``0`` is the frame number, every
other column an AU number; values are 0 / 1 and 9 for unknown. Frames are images named by their
frame number (``0012.jpg`` or ``12.jpg``) under ``<frames>/<subject>/<task>/`` (default
``ROOT/BP4D-training``, the release's layout; ``--frames`` to point elsewhere).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import DataError
from ..models.auformer import BP4D_AUS
from .rows import UNKNOWN, LabelledFrame, missing_frames_error

LABEL_DIR = Path("AUCoding") / "AU_OCC"
FRAMES_DIR = "BP4D-training"
FILE_NAME = re.compile(r"([FM]\d{3})_(T\d+)\.csv")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def read_bp4d(root: Path, frames: Path | None = None, aus: tuple[str, ...] = BP4D_AUS) -> list[LabelledFrame]:
    label_dir = root / LABEL_DIR
    files = sorted(label_dir.glob("*.csv")) if label_dir.is_dir() else []
    if not files:
        found = sorted(p.name for p in root.iterdir())[:10] if root.is_dir() else "nothing (not a folder)"
        raise DataError(f"{root} is not a raw BP4D folder: expected {LABEL_DIR}/<subject>_<task>.csv "
                        f"(e.g. F001_T1.csv); found {found}")
    frames = frames or root / FRAMES_DIR
    rows: list[LabelledFrame] = []
    missing: list[str] = []
    for path in files:
        m = FILE_NAME.fullmatch(path.name)
        if not m:
            raise DataError(f"{path}: unexpected file name; BP4D occurrence files are <subject>_<task>.csv "
                            "such as F001_T1.csv (move other files out of AU_OCC)")
        subject, task = m.groups()
        images = _frame_images(frames / subject / task)
        for number, labels in _read_occurrence(path, aus):
            image = images.get(number)
            if image is None:
                missing.append(f"{subject}/{task} frame {number} ({path.name})")
                continue
            rows.append(LabelledFrame(subject, f"{subject}/{task}/{number:04d}.png", image, labels))
    if missing:
        raise missing_frames_error(missing, len(rows) + len(missing),
                                   f"expected images named by frame number under {frames}/<subject>/<task>/; "
                                   "pass --frames to the folder that holds them")
    return rows


def _frame_images(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    return {int(p.stem): p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.stem.isdigit()}


def _read_occurrence(path: Path, aus: tuple[str, ...]) -> list[tuple[int, tuple[int, ...]]]:
    """(frame number, labels in ``aus`` order) for every row with at least one known label."""
    with path.open(newline="", encoding="utf-8") as f:
        table = [r for r in csv.reader(f) if r]
    if not table:
        raise DataError(f"{path}: empty file; expected a header row 0,1,2,4,... and one row per frame")
    header = [c.strip() for c in table[0]]
    bad = [c for c in header if not c.isdigit()]
    if header[:1] != ["0"] or bad or len(set(header)) != len(header):
        raise DataError(f"{path}: unexpected header {header[:8]}...: BP4D columns are numbers, the frame "
                        f"column 0 first, then one column per AU number, each once (bad: {bad[:5] or header[:1]})")
    columns = {f"AU{int(c):02d}": i for i, c in enumerate(header) if c != "0"}
    absent = [a for a in aus if a not in columns]
    if absent:
        raise DataError(f"{path}: no column for {absent}; the file has AUs {sorted(columns)}")
    out, seen = [], set()
    for n, row in enumerate(table[1:], start=2):
        if len(row) != len(header):
            raise DataError(f"{path}:{n}: {len(row)} fields, the header has {len(header)}")
        try:
            number = int(row[0])
            values = tuple(int(row[columns[a]]) for a in aus)
        except ValueError:
            raise DataError(f"{path}:{n}: non-integer field in {row[:6]}...; BP4D codes are 0, 1 or 9") from None
        if any(v not in (0, 1, 9) for v in values):
            raise DataError(f"{path}:{n}: code outside 0/1/9 in {dict(zip(aus, values))}")
        if number in seen:
            raise DataError(f"{path}:{n}: frame {number} appears twice")
        seen.add(number)
        labels = tuple(UNKNOWN if v == 9 else v for v in values)
        if any(v != UNKNOWN for v in labels):
            out.append((number, labels))
    return out
