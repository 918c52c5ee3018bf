"""The whole recipe on miniature BP4D and DISFA releases in the raw layouts: prepare -> crops
by the SDK -> train (a few steps, 3 folds) -> evaluate (3-fold CV and cross-dataset) -> export
-> the SDK's ``auformer analyze --model`` on a DISFA video."""
import csv
import json
import shutil
import subprocess

import onnx
import pytest

from auformer import crops, evaluate, export
from auformer.crops import REPO, sdk_command
from auformer.prepare.__main__ import main as prepare
from auformer.train_cli import main as train
from rawdata import make_bp4d, make_disfa

pytestmark = pytest.mark.skipif(shutil.which("node") is None or not (REPO / "node_modules" / "tsx").is_dir(),
                                reason="needs Node.js and the repo's npm ci (the SDK makes the crops)")
TRAIN = ["--preset", "tiny", "--epochs", "1", "--batch-size", "4", "--aux-layers", "last", "--num-workers", "0"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    for name, make in (("bp4d", make_bp4d), ("disfa", make_disfa)):
        prepare([name, "--root", str(make(root / f"raw_{name}")), "--out", str(root / name)])
        info = crops.main(["--prepared", str(root / name), "--jobs", "2"])
        assert info["no_face"] == 1 and info["labelled_with_crop"] == 17  # the gradient frame is listed, not lost
    return root


def test_prepare_crops_train_evaluate_export_analyze(prepared, tmp_path):
    labels = prepared / "bp4d" / "crops" / "labels.csv"
    no_face = (prepared / "bp4d" / "crops" / "no_face.txt").read_text().split()
    assert len(no_face) == 1 and no_face[0].endswith("F001/T1/0103.jpg")
    manifest = json.loads((prepared / "bp4d" / "crops" / "crops.json").read_text())
    assert manifest["keypoint_source"] == "blazeface" and manifest["canvas_size"] == [256, 256]

    runs = tmp_path / "runs"
    summary = train(["--labels", str(labels), "--dataset", "bp4d", "--out", str(runs), *TRAIN])
    assert summary["complete"] and [f["fold"] for f in summary["folds"]] == [0, 1, 2]
    assert summary["protocol"].startswith("BP4D subject-exclusive 3-fold CV")
    for k in range(3):
        log = [json.loads(line) for line in (runs / f"fold{k}" / "train_log.jsonl").read_text().splitlines()]
        assert log and {"loss", "lr", "images_per_s", "gpu_memory_mb"} <= set(log[0])
    env = json.loads((runs / "environment.json").read_text())
    assert env["crops"]["keypoint_source"] == "blazeface" and env["torch"]

    cv = evaluate.main(["--run", str(runs), "--labels", str(labels), "--dataset", "bp4d", "--num-workers", "0"])
    assert cv["complete"] and abs(cv["mean_f1"] - summary["mean_f1"]) < 1e-6  # same folds, same centre crops
    assert set(cv["f1"]) == set(summary["aus"]) and len(cv["folds"]) == 3

    disfa = prepared / "disfa" / "crops" / "labels.csv"
    cross = evaluate.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--labels", str(disfa),
                           "--dataset", "disfa", "--cross", "--num-workers", "0"])
    assert cross["protocol"].startswith("cross-dataset BP4D -> DISFA")
    assert list(cross["f1"]) == ["AU01", "AU02", "AU04", "AU06", "AU12"] and cross["samples"] == 17

    onnx_path = tmp_path / "bp4d.onnx"
    export.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--out", str(onnx_path)])
    meta = {p.key: p.value for p in onnx.load(str(onnx_path)).metadata_props}
    assert meta["keypoint_source"] == "blazeface"
    assert json.loads(meta["alignment_template"]) == manifest["alignment_template"]

    cmd, cwd = sdk_command()
    video = prepared / "raw_disfa" / "Videos_LeftCamera" / "LeftVideoSN010_comp.avi"
    out_csv = tmp_path / "analyze.csv"
    res = subprocess.run([*cmd, "analyze", str(video), "--model", str(onnx_path), "--out", str(out_csv), "--quiet"],
                         cwd=cwd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "UNTRAINED" not in res.stderr and "auformer-tiny" in res.stderr
    with out_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 and all(r["success"] == "1" for r in rows)
    assert any(c.startswith("AU24") for c in rows[0])  # the model's 12 BP4D AUs


def test_disfa_cross_to_bp4d(prepared, tmp_path):
    runs = tmp_path / "runs"
    train(["--labels", str(prepared / "disfa" / "crops" / "labels.csv"), "--dataset", "disfa", "--fold", "1",
           "--out", str(runs), "--keep", "last", *TRAIN])
    cross = evaluate.main(["--checkpoint", str(runs / "fold1" / "model.pt"), "--labels",
                           str(prepared / "bp4d" / "crops" / "labels.csv"), "--dataset", "bp4d", "--cross",
                           "--num-workers", "0"])
    assert cross["protocol"].startswith("cross-dataset DISFA -> BP4D") and cross["samples"] == 17
    assert json.loads((runs / "fold1" / "report.json").read_text())["kept"] == "last epoch (1)"
