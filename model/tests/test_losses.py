import math

import pytest
import torch

from auformer.losses import AUFormerLoss, au_weights, mdwa_loss, positive_rates, wdi_loss


def neg_grad(p: float) -> float:
    """d L_MDWA / d logit for one negative sample with probability p (N = 1, w = 1)."""
    z = torch.tensor([[math.log(p / (1 - p))]], requires_grad=True)
    mdwa_loss(z, torch.zeros(1, 1)).backward()
    return float(z.grad)


def test_negative_gradient_curve():
    for p in (0.01, 0.03, 0.05):
        assert neg_grad(p) == 0.0  # easy negatives give no gradient
    assert neg_grad(0.5) == pytest.approx(0.354, abs=1e-3)
    ps = [0.5 + i / 1000 for i in range(500)]
    grads = [neg_grad(p) for p in ps]
    peak = max(range(len(ps)), key=grads.__getitem__)
    assert grads[peak] == pytest.approx(0.715, abs=2e-3)
    assert ps[peak] == pytest.approx(0.845, abs=0.01)
    assert neg_grad(0.999) < 0.05 and neg_grad(0.9999) < neg_grad(0.999)  # fades out as p -> 1


def test_positive_gradient_is_plain_cross_entropy():
    z = torch.tensor([[0.3]], requires_grad=True)
    mdwa_loss(z, torch.ones(1, 1)).backward()
    assert float(z.grad) == pytest.approx(torch.sigmoid(torch.tensor(0.3)).item() - 1, abs=1e-6)


def test_mdwa_value_by_hand():
    p = torch.tensor([[0.8, 0.3], [0.6, 0.02]])
    z = torch.log(p / (1 - p))
    y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    w = torch.tensor([1.5, 0.5])
    au0 = (math.log(0.8) + 0.55 * math.log(0.45)) / 2
    au1 = (0.25 * math.log(0.75) + math.log(0.02)) / 2
    want = -(1.5 * au0 + 0.5 * au1) / 2
    assert float(mdwa_loss(z, y, w)) == pytest.approx(want, rel=1e-5)


def test_wdi_value_by_hand():
    p = torch.tensor([[0.8, 0.3], [0.6, 0.1]])
    z = torch.log(p / (1 - p))
    y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    d0 = 1 - (2 * 0.8 + 1) / (0.64 + 0.36 + 1 + 1)
    d1 = 1 - (2 * 0.1 + 1) / (0.09 + 0.01 + 1 + 1)
    assert float(wdi_loss(z, y)) == pytest.approx((d0 + d1) / 2, rel=1e-5)
    assert float(wdi_loss(z, y, torch.tensor([2.0, 0.0]))) == pytest.approx(d0, rel=1e-5)


def test_weights_from_positive_rates():
    w = au_weights([0.5, 0.25, 0.1])
    inv = torch.tensor([2.0, 4.0, 10.0])
    assert torch.allclose(w, 3 * inv / inv.sum())
    assert float(w.mean()) == pytest.approx(1.0)
    labels = torch.tensor([[1.0, -1.0], [0.0, 1.0], [1.0, 9.0], [-1.0, 0.0]])
    assert torch.allclose(positive_rates(labels), torch.tensor([2 / 3, 1 / 2]))


def test_masked_labels_do_not_count():
    z = torch.tensor([[2.0, -1.0], [0.5, 3.0]], requires_grad=True)
    y = torch.tensor([[1.0, -1.0], [0.0, 9.0]])
    loss = AUFormerLoss()(z, y)["total"]
    loss.backward()
    assert z.grad[0, 1] == 0 and z.grad[1, 1] == 0
    assert float(mdwa_loss(z, y)) == pytest.approx(float(mdwa_loss(z[:, :1], y[:, :1])) / 2, rel=1e-6)


def test_total_combines_parts_and_aux_is_averaged_over_layers():
    z = torch.randn(4, 3)
    y = (torch.rand(4, 3) > 0.5).float()
    a1, a2 = torch.randn(4, 3), torch.randn(4, 3)
    parts = AUFormerLoss(aux_weight=0.5)(z, y, [a1, a2])
    aux = (mdwa_loss(a1, y) + mdwa_loss(a2, y)) / 2
    assert float(parts["aux"]) == pytest.approx(float(aux), rel=1e-6)
    assert float(parts["total"]) == pytest.approx(float(mdwa_loss(z, y) + wdi_loss(z, y) + 0.5 * aux), rel=1e-6)
    with pytest.raises(ValueError, match="2 AU weights but the model outputs 3"):
        AUFormerLoss(torch.ones(2))(z, y)
