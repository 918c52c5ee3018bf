"""Trains a small AUFormer on fixed random data; run by test_distributed.py, alone or under torchrun.

Usage: python ddp_worker.py OUT_DIR BATCH_PER_PROCESS"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch.utils.data import TensorDataset  # noqa: E402

from auformer.models.auformer import create_model  # noqa: E402
from auformer.precision import seed_everything  # noqa: E402
from auformer.train import TrainConfig, train  # noqa: E402

torch.set_num_threads(1)
seed_everything(0)
model = create_model("tiny", input_size=(32, 32), patch_size=8, embed_dim=32, depth=2, num_heads=2,
                     au_names=("AU01", "AU02", "AU04"))
g = torch.Generator().manual_seed(1)
x = torch.randn(32, 3, 32, 32, generator=g)
y = (torch.rand(32, 3, generator=g) > 0.5).float()
cfg = TrainConfig(epochs=2, batch_size=int(sys.argv[2]), lr=1e-2, use_wdi=False, num_workers=0, device="cpu",
                  out_dir=sys.argv[1], keep="last")
train(model, TensorDataset(x, y), cfg, log=lambda s: None)
