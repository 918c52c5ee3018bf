"""Makes ``auformer`` importable without installation and keeps torch to 2 passive threads.

OMP_WAIT_POLICY=PASSIVE must be set before torch loads OpenMP: on a shared, oversubscribed
machine spinning OpenMP threads made a training step ~100x slower (22 s instead of 0.2 s)."""
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
torch.set_num_threads(2)
