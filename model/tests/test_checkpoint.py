import json

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from auformer.checkpoint import load_backbone, load_model, read_state_dict, save_model
from auformer.errors import CheckpointError
from auformer.losses import positive_rates
from auformer.models.auformer import create_model
from auformer.train import TrainConfig, train

SMALL = dict(input_size=(32, 32), patch_size=8, embed_dim=32, depth=2, num_heads=2, au_names=("AU01", "AU02"))


def small(**kw):
    torch.manual_seed(0)
    return create_model("tiny", **{**SMALL, **kw})


def test_timm_state_dict_loads_and_bad_keys_are_listed(tmp_path):
    src = small().vit.state_dict()
    sd = {**src, "head.weight": torch.zeros(10, 32), "head.bias": torch.zeros(10)}  # classifier is ignored
    torch.save({"model": sd}, tmp_path / "vit.pth")
    m = small()
    torch.manual_seed(5)
    torch.nn.init.normal_(m.vit.cls_token)
    load_backbone(m.vit, tmp_path / "vit.pth")
    assert torch.equal(m.vit.cls_token, src["cls_token"])
    bad = dict(sd)
    del bad["blocks.1.mlp.fc2.bias"]
    bad["blocks.2.norm1.weight"] = torch.ones(32)
    torch.save(bad, tmp_path / "bad.pth")
    with pytest.raises(CheckpointError) as e:
        load_backbone(small().vit, tmp_path / "bad.pth")
    assert "missing keys (1): ['blocks.1.mlp.fc2.bias']" in str(e.value)
    assert "unexpected keys (1): ['blocks.2.norm1.weight']" in str(e.value)
    with pytest.raises(CheckpointError, match=r"shape mismatches \(1\): \['patch_embed.proj.weight"):
        torch.save({**src, "patch_embed.proj.weight": torch.zeros(32, 3, 16, 16)}, tmp_path / "p16.pth")
        load_backbone(small().vit, tmp_path / "p16.pth")


def test_original_npz_names_convert_to_the_same_weights(tmp_path):
    sd = small().vit.state_dict()
    heads, d = 2, 16
    z = {"embedding/kernel": sd["patch_embed.proj.weight"].permute(2, 3, 1, 0), "embedding/bias": sd["patch_embed.proj.bias"],
         "cls": sd["cls_token"], "Transformer/posembed_input/pos_embedding": sd["pos_embed"],
         "Transformer/encoder_norm/scale": sd["norm.weight"], "Transformer/encoder_norm/bias": sd["norm.bias"],
         "head/kernel": torch.zeros(32, 5), "head/bias": torch.zeros(5)}
    for i in range(2):
        b, p = f"Transformer/encoderblock_{i}/", f"blocks.{i}."
        for n, t in (("LayerNorm_0", "norm1"), ("LayerNorm_2", "norm2")):
            z[b + n + "/scale"], z[b + n + "/bias"] = sd[p + t + ".weight"], sd[p + t + ".bias"]
        for j, n in enumerate(("query", "key", "value")):
            w = sd[p + "attn.qkv.weight"][j * 32:(j + 1) * 32]
            z[b + f"MultiHeadDotProductAttention_1/{n}/kernel"] = w.t().reshape(32, heads, d)
            z[b + f"MultiHeadDotProductAttention_1/{n}/bias"] = sd[p + "attn.qkv.bias"][j * 32:(j + 1) * 32].reshape(heads, d)
        z[b + "MultiHeadDotProductAttention_1/out/kernel"] = sd[p + "attn.proj.weight"].t().reshape(heads, d, 32)
        z[b + "MultiHeadDotProductAttention_1/out/bias"] = sd[p + "attn.proj.bias"]
        for k, fc in (("Dense_0", "fc1"), ("Dense_1", "fc2")):
            z[b + f"MlpBlock_3/{k}/kernel"] = sd[p + f"mlp.{fc}.weight"].t()
            z[b + f"MlpBlock_3/{k}/bias"] = sd[p + f"mlp.{fc}.bias"]
    np.savez(tmp_path / "vit.npz", **{k: v.numpy() for k, v in z.items()})
    torch.manual_seed(9)
    m = create_model("tiny", **SMALL)
    load_backbone(m.vit, tmp_path / "vit.npz")
    for k, v in sd.items():
        assert torch.allclose(m.vit.state_dict()[k], v), k


def test_unreadable_and_unsupported_checkpoints(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        read_state_dict(tmp_path / "nope.pth")
    (tmp_path / "trunc.pth").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(CheckpointError, match="cannot read checkpoint .*complete"):
        read_state_dict(tmp_path / "trunc.pth")
    (tmp_path / "w.safetensors").write_bytes(b"{}")
    try:
        import safetensors  # noqa: F401
    except ImportError:
        with pytest.raises(CheckpointError, match="pip install safetensors"):
            read_state_dict(tmp_path / "w.safetensors")


def test_trained_checkpoint_round_trip_and_wrong_au_count(tmp_path):
    m = small()
    torch.nn.init.normal_(m.moke_mlp[1].up_weight)
    save_model(m, tmp_path / "model.pt")
    back = load_model(tmp_path / "model.pt", au_names=("AU01", "AU02"))
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(back(x), m(x))
    with pytest.raises(CheckpointError, match=r"trained for 2 AUs \['AU01', 'AU02'\] but 3 AUs"):
        load_model(tmp_path / "model.pt", au_names=("AU01", "AU02", "AU04"))
    torch.save(m.state_dict(), tmp_path / "plain.pt")
    with pytest.raises(CheckpointError, match="not an AUFormer checkpoint"):
        load_model(tmp_path / "plain.pt")


class Interrupt(Exception):
    pass


def test_resume_after_interruption_matches_an_uninterrupted_run(tmp_path):
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(24, 3, 32, 32, generator=g), (torch.rand(24, 2, generator=g) > 0.5).float()
    ds, rates = TensorDataset(x, y), positive_rates(y)
    quiet = dict(log=lambda s: None, pos_rates=rates)
    full = small()
    train(full, ds, TrainConfig(epochs=3, batch_size=8, lr=1e-2, out_dir=str(tmp_path / "a")), **quiet)

    def crash(epoch, _record):
        if epoch == 2:
            raise Interrupt()

    run = small()
    with pytest.raises(Interrupt):
        train(run, ds, TrainConfig(epochs=3, batch_size=8, lr=1e-2, out_dir=str(tmp_path / "b")), on_epoch_end=crash, **quiet)
    resumed = small()  # a fresh process: same construction, then resume from last.pt
    logs = []
    rep = train(resumed, ds, TrainConfig(epochs=3, batch_size=8, lr=1e-2, out_dir=str(tmp_path / "b")),
                log=logs.append, pos_rates=rates)
    assert logs[0].startswith("resumed from") and "epoch 3/3" in logs[0]
    assert [h["epoch"] for h in rep["history"]] == [1, 2, 3]
    for (k, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), k
    assert not torch.equal(full.moke_att[0].down_weight, small().moke_att[0].down_weight)  # it did train
    assert torch.equal(load_model(tmp_path / "b" / "model.pt").head.weight, resumed.head.weight)
    steps = [[json.loads(line) for line in (tmp_path / d / "train_log.jsonl").read_text().splitlines()] for d in "ab"]
    assert [r["step"] for r in steps[1]] == list(range(1, 10))  # 3 epochs x 3 steps, none twice after the resume
    assert all(abs(a["loss"] - b["loss"]) < 1e-6 for a, b in zip(*steps))
    with pytest.raises(CheckpointError, match="is for AUs"):
        train(small(au_names=("AU01", "AU02", "AU04")), TensorDataset(x, torch.zeros(24, 3)),
              TrainConfig(epochs=3, batch_size=8, out_dir=str(tmp_path / "b")), log=lambda s: None)
