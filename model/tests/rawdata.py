"""Miniature BP4D and DISFA releases in exactly the raw layouts, built from the repo's photos.

Each subject's frames are close-ups of one real face of a photo (assets/photos; the box is
BlazeFace's best detection on the full photo), shifted by a few pixels per frame; the last frame of the first subject has no face
(a plain gradient), to exercise the no-face list. DISFA's videos are encoded by ffmpeg.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

PHOTOS = Path(__file__).resolve().parents[2] / "assets" / "photos"
BP4D_SUBJECTS = ("F001", "M007", "M011", "F003", "F007", "F015")  # two per standard fold
DISFA_SUBJECTS = ("SN002", "SN010", "SN013", "SN018", "SN003", "SN029")
BP4D_COLUMNS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 23, 24)  # the release has more AUs than the 12 used
DISFA_RELEASE_AUS = (1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26)
FRAMES = 3
SIZE = 320  # frame side in pixels; the face is about a third of it, as in BP4D / DISFA
#: x, y, side of the best face box in sample1..6.jpg (full resolution).
FACE_BOXES = ((419, 406, 192), (1456, 198, 198), (590, 384, 203), (976, 230, 200), (779, 162, 164), (655, 374, 247))


def subject_frames(k: int, no_face_last: bool) -> list[Image.Image]:
    x, y, side = FACE_BOXES[k % 6]
    cx, cy, half = x + side / 2, y + side / 2, 1.5 * side
    with Image.open(PHOTOS / f"sample{k % 6 + 1}.jpg") as im:
        photo = im.convert("RGB")
        frames = [photo.crop((round(cx - half + 6 * i), round(cy - half + 3 * i), round(cx + half + 6 * i),
                              round(cy + half + 3 * i))).resize((SIZE, SIZE), Image.BILINEAR) for i in range(FRAMES)]
    if no_face_last:
        ramp = np.linspace(0, 255, SIZE, dtype=np.uint8)
        frames[-1] = Image.fromarray(np.stack([np.tile(ramp, (SIZE, 1))] * 3, -1))
    return frames


def make_bp4d(root: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    (root / "AUCoding" / "AU_OCC").mkdir(parents=True)
    for k, s in enumerate(BP4D_SUBJECTS):
        folder = root / "BP4D-training" / s / "T1"
        folder.mkdir(parents=True)
        lines = [",".join(["0", *map(str, BP4D_COLUMNS)])]
        for i, frame in enumerate(subject_frames(k, k == 0), start=1):
            number = 100 + i  # BP4D sequences start at arbitrary frame numbers
            frame.save(folder / f"{number:04d}.jpg", quality=95)
            codes = rng.choice([0, 1, 9], size=len(BP4D_COLUMNS), p=[0.45, 0.45, 0.1])
            lines.append(",".join(map(str, [number, *codes])))
        lines.append(",".join(["200", *["9"] * len(BP4D_COLUMNS)]))  # all unknown: skipped, no frame needed
        (root / "AUCoding" / "AU_OCC" / f"{s}_T1.csv").write_text("\n".join(lines) + "\n")
    return root


def make_disfa(root: Path, seed: int = 0, ffmpeg: str = "ffmpeg") -> Path:
    rng = np.random.default_rng(seed)
    (root / "Videos_LeftCamera").mkdir(parents=True)
    for k, s in enumerate(DISFA_SUBJECTS):
        labels = root / "ActionUnit_Labels" / s
        labels.mkdir(parents=True)
        for au in DISFA_RELEASE_AUS:
            values = rng.integers(0, 6, FRAMES)
            (labels / f"{s}_au{au}.txt").write_text("".join(f"{i},{v}\n" for i, v in enumerate(values, start=1)))
        frames = root / f".{s}-frames"
        frames.mkdir()
        for i, frame in enumerate(subject_frames(k, k == 0)):
            frame.save(frames / f"{i:03d}.png")
        subprocess.run([ffmpeg, "-v", "error", "-framerate", "25", "-i", str(frames / "%03d.png"), "-c:v", "mpeg4",
                        "-q:v", "2", "-pix_fmt", "yuv420p", str(root / "Videos_LeftCamera" / f"LeftVideo{s}_comp.avi")],
                       check=True)
        for p in frames.iterdir():
            p.unlink()
        frames.rmdir()
    return root
