"""A synthetic multi-label "AU" task for the learnability test.

Each of N AUs is a small oriented stripe pattern with its own colour tint, orientation and
place (jittered a few pixels), drawn on a textured background (smooth colour noise + pixel
noise). A fraction of training labels is flipped (label noise). It is easy for a model that
looks at local structure and impossible for one that ignores the image.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def make_synthetic(num_samples: int, num_aus: int = 6, size: int = 64, pos_rate: float = 0.4,
                   label_noise: float = 0.0, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Returns (images [S,3,size,size] in 0..1, labels [S,N] in {0,1}); labels carry the noise."""
    g = torch.Generator().manual_seed(seed)
    bg = F.interpolate(torch.rand(num_samples, 3, 4, 4, generator=g), size=(size, size), mode="bilinear",
                       align_corners=False)
    images = 0.25 + 0.5 * bg + 0.08 * torch.randn(num_samples, 3, size, size, generator=g)
    labels = (torch.rand(num_samples, num_aus, generator=g) < pos_rate).float()
    cols = math.ceil(math.sqrt(num_aus))
    rows = math.ceil(num_aus / cols)
    cell_h, cell_w = size // rows, size // cols
    p = max(6, min(cell_h, cell_w) // 2)  # pattern side in pixels
    yy, xx = torch.meshgrid(torch.arange(p).float(), torch.arange(p).float(), indexing="ij")
    tint_g = torch.Generator().manual_seed(1234)  # the AUs' appearance does not depend on `seed`
    for a in range(num_aus):
        angle = math.pi * a / num_aus
        stripes = torch.sin((xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / 4.0)
        tint = 0.3 + 0.7 * torch.rand(3, generator=tint_g)
        pattern = 0.5 + 0.45 * stripes.unsqueeze(0) * tint.view(3, 1, 1)
        cy, cx = (a // cols) * cell_h + (cell_h - p) // 2, (a % cols) * cell_w + (cell_w - p) // 2
        for s in torch.nonzero(labels[:, a]).flatten().tolist():
            dy, dx = (int(v) for v in torch.randint(-2, 3, (2,), generator=g))
            y, x = min(max(cy + dy, 0), size - p), min(max(cx + dx, 0), size - p)
            images[s, :, y : y + p, x : x + p] = pattern
    if label_noise > 0:
        flip = torch.rand(labels.shape, generator=g) < label_noise
        labels = torch.where(flip, 1 - labels, labels)
    return images.clamp(0, 1), labels
