"""End to end through the command-line entry points: align -> train (fold 0) -> evaluate -> export."""
import json

import numpy as np
import onnx
from PIL import Image

from auformer import align, evaluate, export, train
from auformer.models.auformer import BP4D_AUS


def test_align_train_evaluate_export(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    rng = np.random.default_rng(0)
    subjects = ["F001", "M007", "M011", "F003", "F007", "F015"]  # two per BP4D fold
    lm = ["image,rex,rey,lex,ley,nosex,nosey,mouthx,mouthy"]
    labels = ["image,subject," + ",".join(BP4D_AUS)]
    for i, s in enumerate(subjects):
        Image.fromarray(rng.integers(0, 255, (300, 280, 3), dtype=np.uint8)).save(raw / f"{s}.png")
        lm.append(f"{s}.png,100,120,160,118,130,150,131,190")
        labels.append(f"{s}.png,{s}," + ",".join(str((i + j) % 2) for j in range(12)))
    (raw / "lm.csv").write_text("\n".join(lm) + "\n")
    aligned = tmp_path / "aligned"
    align.main(["--landmarks", str(raw / "lm.csv"), "--out-dir", str(aligned)])
    with Image.open(aligned / "F001.png") as im:
        assert im.size == (256, 256)
    (aligned / "labels.csv").write_text("\n".join(labels) + "\n")

    runs = tmp_path / "runs"
    train.main(["--preset", "tiny", "--labels", str(aligned / "labels.csv"), "--dataset", "bp4d", "--fold", "0",
                "--out", str(runs), "--epochs", "1", "--batch-size", "4", "--aux-layers", "last"])
    out = capsys.readouterr().out
    assert "epoch 1/1 loss" in out and "val mean F1" in out
    report = json.loads((runs / "fold0" / "report.json").read_text())
    assert report["history"][0]["epoch"] == 1 and len(report["history"][0]["f1"]) == 12
    summary = json.loads((runs / "summary.json").read_text())
    assert summary["mean_f1"] == report["final"]["mean_f1"]

    ev = evaluate.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--labels", str(aligned / "labels.csv"),
                        "--dataset", "bp4d", "--fold", "0"])
    assert ev["samples"] == 2 and ev["mean_f1"] == report["final"]["mean_f1"]  # same fold, same centre crops

    res = export.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--out", str(tmp_path / "bp4d.onnx"),
                       "--name", "auformer-bp4d-test", "--version", "1.2.3"])
    assert res["max_abs_diff"] <= 1e-4
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "bp4d.onnx")).metadata_props}
    assert meta["name"] == "auformer-bp4d-test" and meta["version"] == "1.2.3"
    assert meta["untrained"] == "false" and meta["training_data"] == "BP4D (3-fold CV; fold 0 held out)"
    assert "UNTRAINED" not in meta["description"]
