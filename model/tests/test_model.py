import pytest
import torch

from auformer.layers.moke import MoKEGroup
from auformer.losses import positive_rates
from auformer.models.auformer import AUFormer, create_model, param_counts
from auformer.models.vit import VisionTransformer
from auformer.errors import TrainingError
from auformer.train import TrainConfig, train
from torch.utils.data import TensorDataset

SMALL = dict(input_size=(32, 32), patch_size=8, embed_dim=32, depth=2, num_heads=2,
             au_names=("AU01", "AU02", "AU04"))


def small(**kw) -> AUFormer:
    torch.manual_seed(0)
    return create_model("tiny", **{**SMALL, **kw})


def test_shapes_and_aux_layers():
    x = torch.randn(3, 3, 32, 32)
    for aux, n in (("none", 0), ("last", 1), ("all", 2)):
        m = small(aux_layers=aux)
        logits, auxl = m.forward_train(x)
        assert logits.shape == (3, 3)
        assert len(auxl) == n and all(a.shape == (3, 3) for a in auxl)
    assert small().forward_features(x).shape == (3, 1 + 16, 32)


def test_wrong_input_size_is_a_clear_error():
    with pytest.raises(ValueError, match=r"expected images \[B,3,32,32\]"):
        small()(torch.randn(1, 3, 64, 64))


def test_zero_init_equals_frozen_vit_features_exactly():
    m = small()
    vit = VisionTransformer((32, 32), 8, 32, 2, 2)
    vit.load_state_dict(m.vit.state_dict())
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.equal(m.forward_features(x), vit.forward_features(x))
        # and the experts do change the features once their up-projections are non-zero
        m.moke_att[0].up_weight.normal_(std=0.1)
        assert not torch.allclose(m.forward_features(x), vit.forward_features(x))


def test_only_moke_head_and_probes_train():
    m = small()
    trainable = {n.split(".")[0] for n, p in m.named_parameters() if p.requires_grad}
    assert trainable == {"moke_att", "moke_mlp", "head", "aux_probes"}
    assert not any(p.requires_grad for p in m.vit.parameters())


def test_parameter_counts():
    c = param_counts(small())
    # one MoKE (D=32, d=8): down 32*8+8, conv_m/3 MRF convs 4*(8*8*9+8), fuse 24*8+8, q/k/v 3*(8*8+8), up 8*32+32
    per_expert = 264 + 4 * 584 + 200 + 3 * 72 + 288
    assert c["moke"] == 2 * 2 * 3 * per_expert  # 2 groups x 2 blocks x 3 AUs
    assert c["head"] == 32 * 3 + 3
    assert c["trainable"] == c["moke"] + c["head"] + c["aux_probes"]
    assert c["total"] == c["backbone"] + c["trainable"]


def test_vit_b16_backbone_matches_timm_count():
    c = param_counts(create_model("vit-b16", au_names=("AU01",), aux_layers="none"))
    assert c["backbone"] == 85_798_656  # timm vit_base_patch16_224 without its classifier


def test_experts_are_independent_per_au():
    g = MoKEGroup(3, 16, 4, (4, 4))
    torch.nn.init.normal_(g.up_weight, std=0.1)
    x = torch.randn(2, 3, 17, 16)
    y = g(x)
    x2 = x.clone()
    x2[:, 1] += 1.0  # perturb only expert 1's stream
    y2 = g(x2)
    assert torch.equal(y[:, 0], y2[:, 0]) and torch.equal(y[:, 2], y2[:, 2])
    assert not torch.allclose(y[:, 1], y2[:, 1])


def test_cls_modes():
    g = MoKEGroup(2, 16, 4, (4, 4), cls_mode="zero")
    torch.nn.init.normal_(g.up_weight, std=0.1)
    torch.nn.init.normal_(g.up_bias, std=0.1)
    y = g(torch.randn(2, 17, 16))
    assert torch.count_nonzero(y[:, :, 0]) == 0 and torch.count_nonzero(y[:, :, 1:]) > 0
    # map mode: the CLS output equals the expert evaluated on a 1x1 map (centre taps, CA = V)
    g.cls_mode = "map"
    cls = torch.randn(1, 1, 16)
    z = torch.nn.functional.gelu(cls @ g.down_weight + g.down_bias.unsqueeze(1)).squeeze(1)  # [2 experts, 4]
    m = torch.stack([g.conv_m.weight[i * 4:(i + 1) * 4, :, 1, 1] @ z[i] for i in range(2)]).flatten()
    m = m + g.conv_m.bias
    mrf = [torch.stack([c.weight[i * 4:(i + 1) * 4, :, 1, 1] @ m[i * 4:(i + 1) * 4] for i in range(2)]).flatten()
           + c.bias for c in g.mrf]
    cat = torch.cat([torch.cat([b[i * 4:(i + 1) * 4] for b in mrf]) for i in range(2)])
    fuse = torch.stack([g.mrf_fuse.weight[i * 4:(i + 1) * 4, :, 0, 0] @ cat[i * 12:(i + 1) * 12]
                        for i in range(2)]).flatten() + g.mrf_fuse.bias
    v = torch.stack([g.v.weight[i * 4:(i + 1) * 4, :, 0, 0] @ m[i * 4:(i + 1) * 4] for i in range(2)]).flatten() + g.v.bias
    h = torch.nn.functional.gelu(m + fuse + v).reshape(2, 4)
    want = torch.stack([h[i] @ g.up_weight[i] + g.up_bias[i] for i in range(2)])
    got = g(torch.cat([cls, torch.randn(1, 16, 16)], 1))[0, :, 0]
    assert torch.allclose(got, want, atol=1e-5)


def test_nan_loss_stops_training_with_a_clear_error():
    m = small()
    x = torch.randn(8, 3, 32, 32)
    x[3] = float("nan")
    y = torch.ones(8, 3)
    with pytest.raises(TrainingError, match="non-finite loss at epoch 1 step 1"):
        train(m, TensorDataset(x, y), TrainConfig(epochs=1, batch_size=8), log=lambda s: None)
    # nothing else went wrong: the same data without NaN trains
    x[3] = 0.0
    rep = train(small(), TensorDataset(x, y), TrainConfig(epochs=1, batch_size=8), pos_rates=positive_rates(y),
                log=lambda s: None)
    assert rep["history"][0]["loss_total"] > 0


def test_ca_unfold_by_slicing_equals_the_exported_one_hot_conv():
    g = MoKEGroup(3, 16, 4, (5, 4))
    torch.nn.init.normal_(g.up_weight, std=0.1)
    x = torch.randn(2, 3, 21, 16)
    sliced = g(x)
    g.unfold_mode = "conv"
    assert torch.allclose(g(x), sliced, atol=1e-6)
    # the padded neighbours are masked: a corner position attends to 4 neighbours only
    t = torch.arange(20.0).reshape(1, 1, 5, 4).repeat(1, 12, 1, 1)
    g.unfold_mode = "slice"
    nb = g._neighbours(t, 5, 4)
    assert nb[0, 0, :, 0, 0].tolist() == [0, 0, 0, 0, 0, 1, 0, 4, 5]
    assert (g.pad_bias[0, 0, :, 0, 0] < -1e3).tolist() == [True, True, True, True, False, False, True, False, False]
