"""align (own landmarks) -> train -> evaluate -> export through the CLIs: the template and the
keypoint source of the crops travel into the checkpoint and the exported card."""
import json

import numpy as np
import onnx
import torch
from PIL import Image

from auformer import align, evaluate, export, train
from auformer.checkpoint import load_model
from auformer.models.auformer import BP4D_AUS

TEMPLATE = [[80.0, 92.0], [144.0, 92.0], [112.0, 126.0], [112.0, 158.0]]  # not the default


def test_align_train_evaluate_export_carry_the_template(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    rng = np.random.default_rng(0)
    subjects = ["F001", "M007", "M011", "F003", "F007", "F015"]  # two per BP4D fold
    lm = ["image,rex,rey,lex,ley,nosex,nosey,mouthx,mouthy"]
    labels = ["image,subject," + ",".join(BP4D_AUS)]
    for i, s in enumerate(subjects):
        Image.fromarray(rng.integers(0, 255, (300, 280, 3), dtype=np.uint8)).save(raw / f"{s}.jpg")
        lm.append(f"{s}.jpg,100,120,160,118,130,150,131,190")
        labels.append(f"{s}.png,{s}," + ",".join(str((i + j) % 2) for j in range(12)))
    (raw / "lm.csv").write_text("\n".join(lm) + "\n")
    aligned = tmp_path / "aligned"
    align.main(["--landmarks", str(raw / "lm.csv"), "--out-dir", str(aligned), "--template", json.dumps(TEMPLATE),
                "--keypoint-source", "mesh"])
    with Image.open(aligned / "F001.png") as im:  # lossless PNG, whatever the source format
        assert im.size == (256, 256) and im.format == "PNG"
    assert not list(aligned.glob("*.jpg"))
    (aligned / "labels.csv").write_text("\n".join(labels) + "\n")

    runs = tmp_path / "runs"
    train.main(["--preset", "tiny", "--labels", str(aligned / "labels.csv"), "--dataset", "bp4d", "--fold", "0",
                "--out", str(runs), "--epochs", "1", "--batch-size", "4", "--aux-layers", "last", "--num-workers", "0"])
    out = capsys.readouterr().out
    assert "epoch 1/1 loss" in out and "val mean F1" in out
    report = json.loads((runs / "fold0" / "report.json").read_text())
    assert report["history"][0]["epoch"] == 1 and len(report["history"][0]["f1"]) == 12
    summary = json.loads((runs / "summary.json").read_text())
    assert abs(summary["mean_f1"] - report["final"]["mean_f1"]) < 1e-6 and summary["complete"] is False
    model = load_model(runs / "fold0" / "model.pt")
    assert model.cfg.template() == TEMPLATE and model.cfg.keypoint_source == "mesh"
    ck = torch.load(runs / "fold0" / "model.pt", weights_only=False)
    assert ck["run"]["options"]["epochs"] == 1 and ck["run"]["options"]["preset"] == "tiny"

    ev = evaluate.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--labels", str(aligned / "labels.csv"),
                        "--dataset", "bp4d", "--fold", "0", "--num-workers", "0"])
    assert ev["samples"] == 2 and abs(ev["mean_f1"] - report["final"]["mean_f1"]) < 1e-6  # same fold, centre crops
    assert ev["protocol"].startswith("BP4D held-out fold 0")

    res = export.main(["--checkpoint", str(runs / "fold0" / "model.pt"), "--out", str(tmp_path / "bp4d.onnx"),
                       "--name", "auformer-bp4d-test", "--version", "1.2.3"])
    assert res["max_abs_diff"] <= 1e-4
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "bp4d.onnx")).metadata_props}
    assert meta["name"] == "auformer-bp4d-test" and meta["version"] == "1.2.3"
    assert meta["untrained"] == "false" and meta["training_data"] == "BP4D (3-fold CV; fold 0 held out)"
    assert "UNTRAINED" not in meta["description"] and meta["licence"].startswith("research-only")
    assert json.loads(meta["alignment_template"]) == TEMPLATE and meta["keypoint_source"] == "mesh"
    provenance = json.loads(meta["training_provenance"])
    assert provenance["held_out_fold"] == 0 and provenance["keypoints"] == "mesh" and "commit" in provenance["git"]
