"""``python -m auformer.prepare bp4d|disfa --root RAW --out DIR`` (see ``auformer.prepare``)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import AUFormerError
from ..models.auformer import BP4D_AUS, DISFA_AUS
from . import read_bp4d, read_disfa, write_prepared
from .output import format_counts
from .rows import atomic_folder


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m auformer.prepare", description=__doc__)
    ap.add_argument("dataset", choices=["bp4d", "disfa"])
    ap.add_argument("--root", required=True, help="the raw release folder (holds AUCoding/ or ActionUnit_Labels/)")
    ap.add_argument("--out", required=True, help="the prepared dataset folder to create")
    ap.add_argument("--frames", help="BP4D: folder of <subject>/<task>/<frame>.jpg (default ROOT/BP4D-training)")
    ap.add_argument("--folds", default="standard", choices=["standard", "auto"],
                    help="standard: the published 3 folds; auto: 3 folds balanced by frame count")
    ap.add_argument("--frame-format", default="png", choices=["png", "jpg"],
                    help="DISFA frames: png (lossless, default) or jpg (q 1, a fifth of the disk)")
    ap.add_argument("--jobs", type=int, default=2, help="DISFA: videos decoded in parallel")
    ap.add_argument("--ffmpeg", help="ffmpeg binary (default: ffmpeg on PATH)")
    ap.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    a = ap.parse_args(argv)
    root, out = Path(a.root), Path(a.out)
    aus = BP4D_AUS if a.dataset == "bp4d" else DISFA_AUS
    manifest = {"root": str(root.resolve()), "folds_mode": a.folds, "frame_format": a.frame_format}
    with atomic_folder(out, a.overwrite) as tmp:
        if a.dataset == "bp4d":
            rows = read_bp4d(root, Path(a.frames) if a.frames else None, aus)
        else:
            rows = read_disfa(root, tmp, aus, a.frame_format, a.jobs, a.ffmpeg)
        counts = write_prepared(tmp, a.dataset, aus, rows, a.folds, manifest)
    print(format_counts(counts, aus))
    print(f"prepared {len(rows)} labelled frames of {counts['all']['subjects']} subjects into {out}; "
          f"next: python -m auformer.crops --prepared {out}")
    return counts


if __name__ == "__main__":
    try:
        main()
    except AUFormerError as e:
        sys.exit(f"error: {e}")
