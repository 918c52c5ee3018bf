"""DISFA: ``ActionUnit_Labels/SN001/SN001_au1.txt`` intensities + the left-camera videos.

Each label file holds ``frame,intensity`` lines (frame numbers from 1, intensity 0-5). The
frames come from ``Videos_LeftCamera/LeftVideoSN001_comp.avi``, decoded by ffmpeg into
``frames/SN001/00001.png`` (frame k of the video is label frame k), losslessly by default.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import DataError
from ..models.auformer import DISFA_AUS
from .rows import UNKNOWN, LabelledFrame, missing_frames_error

LABEL_DIR = "ActionUnit_Labels"
VIDEO_DIR = "Videos_LeftCamera"
RELEASE_AUS = (1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26)  # the AUs DISFA codes
LABEL_FILE = re.compile(r"(SN\d{3})_au(\d+)\.txt")


def read_disfa(root: Path, out: Path, aus: tuple[str, ...] = DISFA_AUS, frame_format: str = "png",
               jobs: int = 2, ffmpeg: str | None = None) -> list[LabelledFrame]:
    """Reads the labels, extracts every subject's frames into ``out/frames`` and pairs them."""
    label_root = root / LABEL_DIR
    subjects = sorted(p.name for p in label_root.iterdir() if p.is_dir()) if label_root.is_dir() else []
    if not subjects:
        raise DataError(f"{root} is not a raw DISFA folder: expected {LABEL_DIR}/SN001/SN001_au1.txt and "
                        f"{VIDEO_DIR}/LeftVideoSN001_comp.avi")
    labels = {s: _read_subject(label_root / s, s, aus) for s in subjects}
    videos = {s: root / VIDEO_DIR / f"LeftVideo{s}_comp.avi" for s in subjects}
    absent = [str(v) for v in videos.values() if not v.is_file()]
    if absent:
        raise DataError(f"no video for {len(absent)} labelled subjects, e.g. {absent[:3]}")
    binary = ffmpeg or shutil.which("ffmpeg")
    if binary is None:
        raise DataError("extracting DISFA frames needs ffmpeg on PATH (apt-get install ffmpeg) or --ffmpeg PATH")
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        counts = dict(zip(subjects, pool.map(
            lambda s: _extract(binary, videos[s], out / "frames" / s, frame_format), subjects)))
    rows, missing = [], []
    for s in subjects:
        for number, values in sorted(labels[s].items()):
            if not 1 <= number <= counts[s]:
                missing.append(f"{s} frame {number} (the video has {counts[s]} frames)")
                continue
            frame = out / "frames" / s / f"{number:05d}.{frame_format}"
            rows.append(LabelledFrame(s, f"{s}/{number:05d}.png", frame, values))
    if missing:
        raise missing_frames_error(missing, len(rows) + len(missing),
                                   "the labels run past the end of the video: check that the video is complete")
    return rows


def _read_subject(folder: Path, subject: str, aus: tuple[str, ...]) -> dict[int, tuple[int, ...]]:
    per_au: dict[str, dict[int, int]] = {}
    for path in sorted(folder.iterdir()):
        m = LABEL_FILE.fullmatch(path.name)
        if not m or m.group(1) != subject or int(m.group(2)) not in RELEASE_AUS:
            raise DataError(f"{path}: unexpected file; DISFA label files are {subject}_au<N>.txt with N in "
                            f"{list(RELEASE_AUS)}")
        per_au[f"AU{int(m.group(2)):02d}"] = _read_intensities(path)
    absent = [a for a in aus if a not in per_au]
    if absent:
        raise DataError(f"{folder}: no label file for {absent} (expected e.g. {subject}_au{int(absent[0][2:])}.txt)")
    frames = sorted({n for a in aus for n in per_au[a]})
    return {n: tuple(per_au[a].get(n, UNKNOWN) for a in aus) for n in frames}


def _read_intensities(path: Path) -> dict[int, int]:
    out: dict[int, int] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            frame, value = (int(p) for p in parts) if len(parts) == 2 else (None, None)
        except ValueError:
            frame = value = None
        if frame is None or value is None or not 0 <= value <= 5 or frame in out:
            raise DataError(f"{path}:{n}: {line!r} is not 'frame,intensity' with a new frame number and "
                            "an intensity 0-5")
        out[frame] = value
    return out


def _extract(ffmpeg: str, video: Path, folder: Path, frame_format: str) -> int:
    """Decodes every frame of ``video`` into ``folder/00001.<fmt>``...; returns the frame count."""
    folder.mkdir(parents=True, exist_ok=True)
    quality = ["-q:v", "1"] if frame_format == "jpg" else []
    cmd = [ffmpeg, "-nostdin", "-v", "error", "-xerror", "-i", str(video), "-vsync", "passthrough",
           "-start_number", "1", *quality, str(folder / f"%05d.{frame_format}")]
    res = subprocess.run(cmd, capture_output=True, text=True)
    count = len(list(folder.glob(f"*.{frame_format}")))
    if res.returncode != 0 or count == 0:
        raise DataError(f"{video}: ffmpeg could not decode the video ({res.stderr.strip()[-500:] or 'no frames'}); "
                        "the file is corrupt or truncated: copy it again from the release")
    return count
