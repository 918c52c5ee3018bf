"""The training path learns: MoKE + head through a frozen (random) backbone solve a synthetic
multi-label task with label noise. A test, not a benchmark: about a minute on 2 CPU cores."""
import pytest
import torch
from torch.utils.data import TensorDataset

from auformer.evaluate import f1_scores, predict
from auformer.losses import positive_rates
from auformer.models.auformer import create_model
from auformer.synthetic import make_synthetic
from auformer.train import TrainConfig, train

N_AUS, SIZE = 4, 48


@pytest.mark.slow
def test_frozen_backbone_auformer_learns_synthetic_aus():
    x_tr, y_tr = make_synthetic(1500, N_AUS, SIZE, label_noise=0.05, seed=1)
    x_te, y_te = make_synthetic(300, N_AUS, SIZE, label_noise=0.0, seed=2)
    torch.manual_seed(0)
    # xavier: a random frozen ViT whose attention/MLPs pass signal at full gain (no pre-training here)
    model = create_model("tiny", au_names=tuple(f"AU{i + 1:02d}" for i in range(N_AUS)), input_size=(SIZE, SIZE),
                         patch_size=8, embed_dim=32, depth=3, num_heads=2, aux_layers="all", vit_init="xavier")
    frozen = {k: v.clone() for k, v in model.vit.state_dict().items()}
    norm = lambda x: (x - 0.5) / 0.5  # noqa: E731
    test_set = TensorDataset(norm(x_te), y_te)
    before = f1_scores(*predict(model, test_set))["mean_f1"]
    train(model, TensorDataset(norm(x_tr), y_tr), TrainConfig(epochs=12, batch_size=64, lr=5e-3, seed=0),
          pos_rates=positive_rates(y_tr), log=lambda s: None)
    scores = f1_scores(*predict(model, test_set))
    assert scores["mean_f1"] >= 0.9, scores
    assert min(scores["f1"]) >= 0.8, scores
    assert before < 0.75  # the task is not solved by the untrained model
    assert all(torch.equal(v, model.vit.state_dict()[k]) for k, v in frozen.items())  # backbone stayed frozen
