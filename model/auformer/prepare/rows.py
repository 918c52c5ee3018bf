"""The record every raw reader produces, and the atomic output folder they are written into."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError

UNKNOWN = -1


@dataclass(frozen=True)
class LabelledFrame:
    subject: str  # fold-list id: F001, SN001, ...
    image: str  # relative name of the aligned crop: F001/T1/0012.png
    frame: Path  # the source frame on disk
    labels: tuple[int, ...]  # per AU in the dataset's order: 0/1 (BP4D), 0-5 (DISFA), UNKNOWN


@contextmanager
def atomic_folder(out: Path, overwrite: bool) -> Iterator[Path]:
    """Yields a temporary sibling of ``out``; renames it to ``out`` only when the block succeeds."""
    if out.exists() and not overwrite:
        raise DataError(f"{out} already exists; pass --overwrite to replace it or choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def missing_frames_error(missing: list[str], total: int, hint: str) -> DataError:
    shown = "\n  ".join(missing[:10])
    return DataError(f"{len(missing)} of {total} labelled rows have no frame, e.g.\n  {shown}\n{hint}")
