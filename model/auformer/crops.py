"""Aligned training crops of a prepared dataset, made by the SDK itself (``auformer crops``).

``python -m auformer.crops --prepared DIR [--jobs N] [--model card.onnx]`` runs the SDK's
``auformer crops --list DIR/frames.tsv --out DIR/crops``: BlazeFace keypoints and the very
transform inference uses, lossless PNG canvases. It then writes ``DIR/crops/labels.csv`` (the
labelled frames that have a crop; frames without a face are listed in ``no_face.txt`` and
counted here, never silently dropped) and copies ``folds.json`` beside it. ``train`` reads the
template and keypoint source from ``crops.json`` next to the labels into the checkpoint and card.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import AUFormerError, DataError

REPO = Path(__file__).resolve().parents[2]


def sdk_command() -> tuple[list[str], Path | None]:
    """The SDK CLI: $AUFORMER_CLI, else this checkout's sources (tsx), else ``auformer`` on PATH."""
    if os.environ.get("AUFORMER_CLI"):
        return shlex.split(os.environ["AUFORMER_CLI"]), None
    main = REPO / "src" / "cli" / "main.ts"
    node = shutil.which("node")
    if main.is_file() and (REPO / "node_modules" / "tsx").is_dir() and node:
        return [node, "--import", "tsx", str(main)], REPO
    if shutil.which("auformer"):
        return ["auformer"], None
    raise DataError("the SDK CLI was not found: run `npm ci` in the repo, `npm install -g auformer-stream`, "
                    "or set AUFORMER_CLI to the command (e.g. 'npx auformer')")


def make_crops(prepared: Path, jobs: int = 1, model: str | None = None, detector: str = "front",
               overwrite: bool = False) -> dict:
    """Runs the SDK over ``prepared/frames.tsv``; returns the crops manifest plus label counts."""
    if not (prepared / "prepare.json").is_file():
        raise DataError(f"{prepared} is not a complete prepared dataset (no prepare.json); "
                        "run python -m auformer.prepare first")
    out = prepared / "crops"
    cmd, cwd = sdk_command()
    cmd = [*cmd, "crops", "--list", str((prepared / "frames.tsv").resolve()), "--out", str(out.resolve()),
           "--jobs", str(jobs), "--detector", detector, *(["--model", str(Path(model).resolve())] if model else []),
           *(["--overwrite"] if overwrite else [])]
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        raise DataError(f"auformer crops failed (exit {res.returncode}): {res.stderr.strip()[-1500:]}")
    manifest = json.loads((out / "crops.json").read_text())
    with (prepared / "labels.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    kept = [r for r in rows[1:] if (out / r[0]).is_file()]
    tmp = out / "labels.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([rows[0], *kept])
    shutil.copyfile(prepared / "folds.json", out / "folds.json")
    tmp.replace(out / "labels.csv")  # last: labels.csv present = the crops folder is usable
    return {**manifest, "labelled": len(rows) - 1, "labelled_with_crop": len(kept)}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m auformer.crops", description=__doc__)
    ap.add_argument("--prepared", required=True, help="a folder written by python -m auformer.prepare")
    ap.add_argument("--jobs", type=int, default=1, help="SDK worker processes")
    ap.add_argument("--model", help="take the template and input size from this card (default: the SDK's)")
    ap.add_argument("--detector", default="front", choices=["front", "back"])
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args(argv)
    info = make_crops(Path(a.prepared), a.jobs, a.model, a.detector, a.overwrite)
    print(f"{info['crops']} crops, {info['no_face']} frames without a face (crops/no_face.txt); "
          f"{info['labelled_with_crop']} of {info['labelled']} labelled frames kept in {a.prepared}/crops/labels.csv")
    return info


if __name__ == "__main__":
    try:
        main()
    except AUFormerError as e:
        sys.exit(f"error: {e}")
