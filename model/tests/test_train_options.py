"""Training options: cls_mode='zero' aux probes, gradient checkpointing, bf16 autocast on CPU,
seeded init, config file + config.json, resume with another config, best-vs-last policy."""
import json

import numpy as np
import pytest
import torch
from PIL import Image

from auformer.errors import CheckpointError, DataError
from auformer.losses import AUFormerLoss
from auformer.models.auformer import BP4D_AUS, create_model
from auformer.precision import autocast, resolve_precision, seed_everything
from auformer.train_cli import main as train_cli

SMALL = dict(input_size=(32, 32), patch_size=8, embed_dim=32, depth=2, num_heads=2, au_names=("AU01", "AU02", "AU04"))


def demo_experts(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for group in [*model.moke_att, *model.moke_mlp]:
            group.up_weight.copy_(torch.randn(group.up_weight.shape, generator=g) * 0.05)


def test_zero_cls_mode_aux_logits_vary_with_the_input_and_train_the_expert():
    seed_everything(0)
    m = create_model("tiny", cls_mode="zero", **SMALL)
    demo_experts(m)
    x = torch.randn(6, 3, 32, 32)
    _, aux = m.forward_train(x)
    assert all(float(a.std(0).min()) > 1e-4 for a in aux)  # was exactly 0: probes read zeroed CLS tokens
    loss = AUFormerLoss(aux_weight=1.0, use_wdi=False)(torch.zeros(6, 3), torch.ones(6, 3), aux)["aux"]
    loss.backward()
    assert float(m.moke_mlp[-1].up_weight.grad.abs().sum()) > 0  # the aux loss reaches the experts


def test_gradient_checkpointing_gives_the_same_loss_and_gradients():
    seed_everything(0)
    m = create_model("tiny", **SMALL)
    demo_experts(m)
    x, y = torch.randn(4, 3, 32, 32), (torch.rand(4, 3) > 0.5).float()
    grads = []
    for on in (False, True):
        m.zero_grad()
        m.grad_checkpointing = on
        logits, aux = m.forward_train(x)
        loss = AUFormerLoss()(logits, y, aux)["total"]
        loss.backward()
        grads.append((float(loss), [p.grad.clone() for p in m.parameters() if p.requires_grad]))
    assert grads[0][0] == pytest.approx(grads[1][0], abs=1e-6)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(grads[0][1], grads[1][1]))


def test_bf16_autocast_runs_on_cpu_close_to_fp32():
    seed_everything(0)
    m = create_model("tiny", **SMALL)
    x = torch.randn(2, 3, 32, 32)
    cpu = torch.device("cpu")
    assert resolve_precision("auto", cpu) == "fp32"
    with pytest.raises(ValueError, match="fp16 needs a CUDA device"):
        resolve_precision("fp16", cpu)
    with autocast("bf16", cpu):
        low = m(x)
    assert low.dtype == torch.bfloat16 and torch.allclose(low.float(), m(x), atol=0.05)


@pytest.fixture()
def crops(tmp_path):
    rng = np.random.default_rng(0)
    rows = ["image,subject," + ",".join(BP4D_AUS)]
    for i, s in enumerate(["F001", "M007", "M011", "F003", "F007", "F015"]):
        Image.fromarray(rng.integers(0, 255, (256, 256, 3), dtype=np.uint8)).save(tmp_path / f"{s}.png")
        rows.append(f"{s}.png,{s}," + ",".join(str((i + j) % 2) for j in range(12)))
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    return tmp_path / "labels.csv"


def run(labels, out, *extra):
    return train_cli(["--preset", "tiny", "--labels", str(labels), "--out", str(out), "--fold", "0",
                      "--batch-size", "4", "--aux-layers", "last", "--num-workers", "0", *extra])


def test_config_file_is_recorded_and_seeds_the_whole_run(crops, tmp_path):
    cfg = tmp_path / "run.yaml"  # YAML (PyYAML) or JSON
    cfg.write_text("epochs: 2\nlr: 1.0e-3\nseed: 5\nkeep: best\n")
    run(crops, tmp_path / "a", "--config", str(cfg), "--lr", "2e-3")  # the flag wins over the file
    saved = json.loads((tmp_path / "a" / "config.json").read_text())
    assert saved["epochs"] == 2 and saved["lr"] == 2e-3 and saved["seed"] == 5 and saved["preset"] == "tiny"
    assert {"precision", "grad_checkpoint", "deterministic", "num_workers", "keep", "cls_mode"} <= set(saved)
    run(crops, tmp_path / "b", "--config", str(tmp_path / "a" / "config.json"), "--out", str(tmp_path / "b"))
    a = torch.load(tmp_path / "a" / "fold0" / "model.pt", weights_only=False)
    b = torch.load(tmp_path / "b" / "fold0" / "model.pt", weights_only=False)
    assert all(torch.equal(a["model"][k], b["model"][k]) for k in a["model"])  # init, order, augmentation seeded
    assert a["run"]["options"] == b["run"]["options"] | {"out": str(tmp_path / "a")}
    report = json.loads((tmp_path / "a" / "fold0" / "report.json").read_text())
    best = max(report["history"], key=lambda r: r["mean_f1"])
    assert report["kept"].startswith("best validation mean F1") and report["best"]["epoch"] == best["epoch"]
    assert torch.equal(torch.load(tmp_path / "a" / "fold0" / "best.pt", weights_only=False)["model"]["head.weight"],
                       a["model"]["head.weight"])
    run(crops, tmp_path / "c", "--epochs", "1", "--seed", "6")
    c = torch.load(tmp_path / "c" / "fold0" / "model.pt", weights_only=False)
    assert not torch.equal(c["model"]["moke_att.0.down_weight"], a["model"]["moke_att.0.down_weight"])


def test_resume_refuses_a_run_folder_of_another_config(crops, tmp_path):
    run(crops, tmp_path / "r", "--epochs", "1")
    with pytest.raises(CheckpointError, match=r"other options:\n  train.lr: 0.0005 -> 0.001"):
        run(crops, tmp_path / "r", "--epochs", "1", "--lr", "1e-3")
    with pytest.raises(CheckpointError, match=r"model.moke_hidden: 8 -> 4"):
        run(crops, tmp_path / "r", "--epochs", "1", "--moke-hidden", "4")
    run(crops, tmp_path / "r", "--epochs", "1", "--num-workers", "1")  # a harmless change resumes
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"epoch": 3}))
    with pytest.raises(DataError, match=r"unknown options \['epoch'\]"):
        run(crops, tmp_path / "x", "--config", str(bad))
