"""MDWA (margin-truncated, difficulty-aware, weighted asymmetric loss), WDI (weighted Dice) and
the per-expert auxiliary MDWA. Labels are {0, 1}; any other value (e.g. -1 for unlabelled) is
masked out of every term.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

EPS = 1e-8


def au_weights(pos_rates: Sequence[float] | torch.Tensor, min_rate: float = 1e-4) -> torch.Tensor:
    """w_i = N (1/r_i) / sum_j (1/r_j), r_i = AU i's positive rate in the training set."""
    r = torch.as_tensor(pos_rates, dtype=torch.float32).clamp_min(min_rate)
    inv = 1.0 / r
    return inv * len(inv) / inv.sum()


def positive_rates(labels: torch.Tensor) -> torch.Tensor:
    """Per-AU positive rate over labelled entries of a [S, N] label matrix (masked: not 0/1)."""
    valid = (labels == 0) | (labels == 1)
    pos = (labels == 1).sum(0).float()
    return pos / valid.sum(0).clamp_min(1).float()


def _valid(labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mask = ((labels == 0) | (labels == 1)).float()
    return labels.clamp(0, 1).float() * mask, mask


def mdwa_loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor | None = None,
              margin: float = 0.05) -> torch.Tensor:
    """L_MDWA = -(1/N) sum_i w_i mean_b [y log p + (1-y) p_m log(1-p_m)], p_m = max(p-m, 0)."""
    y, mask = _valid(labels)
    p = torch.sigmoid(logits)
    pm = (p - margin).clamp_min(0.0)
    per = y * torch.log(p.clamp_min(EPS)) + (1 - y) * pm * torch.log((1 - pm).clamp_min(EPS))
    per_au = (per * mask).sum(0) / mask.sum(0).clamp_min(1.0)
    w = torch.ones_like(per_au) if weights is None else weights.to(per_au)
    return -(w * per_au).mean()


def wdi_loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
    """L_WDI = (1/N) sum_i w_i [1 - (2 sum_b p y + 1) / (sum_b p^2 + sum_b y^2 + 1)]."""
    y, mask = _valid(labels)
    p = torch.sigmoid(logits) * mask
    dice = (2 * (p * y).sum(0) + 1) / ((p * p).sum(0) + (y * y).sum(0) + 1)
    w = torch.ones_like(dice) if weights is None else weights.to(dice)
    return (w * (1 - dice)).mean()


class AUFormerLoss(nn.Module):
    """L = L_MDWA + L_WDI + lambda * mean over aux layers of L'_MDWA."""

    def __init__(self, weights: torch.Tensor | None = None, margin: float = 0.05,
                 aux_weight: float = 1.0, use_wdi: bool = True) -> None:
        super().__init__()
        self.register_buffer("weights", weights if weights is not None else torch.empty(0))
        self.margin, self.aux_weight, self.use_wdi = margin, aux_weight, use_wdi

    def forward(self, logits: torch.Tensor, labels: torch.Tensor,
                aux_logits: Sequence[torch.Tensor] = ()) -> dict[str, torch.Tensor]:
        w = self.weights if self.weights.numel() else None
        if w is not None and w.numel() != logits.shape[1]:
            raise ValueError(f"loss has {w.numel()} AU weights but the model outputs {logits.shape[1]} AUs")
        parts = {"mdwa": mdwa_loss(logits, labels, w, self.margin)}
        parts["wdi"] = wdi_loss(logits, labels, w) if self.use_wdi else logits.new_zeros(())
        if aux_logits and self.aux_weight:
            aux = torch.stack([mdwa_loss(a, labels, w, self.margin) for a in aux_logits]).mean()
        else:
            aux = logits.new_zeros(())
        parts["aux"] = aux
        parts["total"] = parts["mdwa"] + parts["wdi"] + self.aux_weight * aux
        return parts
