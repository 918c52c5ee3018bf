"""MoKE: one Mixture-of-Knowledge Expert per AU, the N experts of a group stacked.

Every expert is the same small conv network on the token grid (AUFORMER.md, "Inside one MoKE"):
down-project D->d + GELU, a 3x3 conv giving M, a multi-receptive-field branch (3x3 convs with
dilation 1/3/5, concatenated, 1x1 back to d), a context-aware branch (per-channel softmax over
the 3x3 neighbourhood, padding masked out), then GELU(M + MRF + CA) and a zero-initialised
up-projection d->D. The N experts are batched: projections are one batched matmul over a
[N, D, d] weight and every conv is a grouped conv with groups = N, so the cost and the ONNX
graph do not grow with a Python loop over AUs.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

CLS_MODES = ("map", "zero")
_NEG = -1e4  # additive mask for padded neighbours; finite so the graph exports without inf


def _pad_bias(h: int, w: int) -> torch.Tensor:
    """[1,1,9,h,w]: 0 where the 3x3 neighbour is inside the map, _NEG where it is padding."""
    valid = F.conv2d(torch.ones(1, 1, h, w), torch.eye(9).reshape(9, 1, 3, 3), padding=1)
    return ((1.0 - valid) * _NEG).reshape(1, 1, 9, h, w)


class MoKEGroup(nn.Module):
    """N stacked experts mapping per-AU token streams [B,N,T,D] (or shared [B,T,D]) to [B,N,T,D].

    ``grid`` is the patch grid (h, w); token 0 is the CLS token. ``cls_mode='map'`` runs CLS
    through the same convs as a 1x1 map (3x3 convs reduce to their centre tap, CA to V);
    ``'zero'`` gives CLS a zero output.
    """

    def __init__(self, num_experts: int, dim: int, hidden: int, grid: tuple[int, int], cls_mode: str = "map") -> None:
        super().__init__()
        if cls_mode not in CLS_MODES:
            raise ValueError(f"cls_mode={cls_mode!r} is not valid; use one of {CLS_MODES}")
        n, d = num_experts, hidden
        self.n, self.d, self.grid, self.cls_mode = n, d, grid, cls_mode
        self.unfold_mode = "slice"  # "slice" | "conv" (always "conv" when traced for export)
        self.down_weight = nn.Parameter(torch.empty(n, dim, d))
        self.down_bias = nn.Parameter(torch.zeros(n, d))
        self.conv_m = nn.Conv2d(n * d, n * d, 3, padding=1, groups=n)
        self.mrf = nn.ModuleList(
            nn.Conv2d(n * d, n * d, 3, padding=dil, dilation=dil, groups=n) for dil in (1, 3, 5)
        )
        self.mrf_fuse = nn.Conv2d(3 * n * d, n * d, 1, groups=n)
        self.q = nn.Conv2d(n * d, n * d, 1, groups=n)
        self.k = nn.Conv2d(n * d, n * d, 1, groups=n)
        self.v = nn.Conv2d(n * d, n * d, 1, groups=n)
        self.up_weight = nn.Parameter(torch.zeros(n, d, dim))
        self.up_bias = nn.Parameter(torch.zeros(n, dim))
        one_hot = torch.eye(9).reshape(9, 1, 3, 3)
        self.register_buffer("shift", one_hot.repeat(n * d, 1, 1, 1), persistent=False)
        self.register_buffer("pad_bias", _pad_bias(*grid), persistent=False)
        self.register_buffer("pad_bias_cls", _pad_bias(1, 1), persistent=False)
        bound = math.sqrt(6.0 / (dim + d))  # xavier-uniform per expert (fan_in D, fan_out d)
        nn.init.uniform_(self.down_weight, -bound, bound)

    # Shapes below use -1 for the batch and Python ints for the rest, so the traced ONNX graph
    # has static Reshapes instead of Shape/Gather/Concat chains.
    def _neighbours(self, t: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """[B,C,H,W] -> [B,C,9,H,W]: the zero-padded 3x3 neighbourhood of every position.

        Eager mode slices a padded copy (fast forward and backward on CPU); when traced for ONNX
        it is a depthwise conv with one-hot kernels: one Conv node instead of 9 Slices + Concat
        (nn.Unfold exports badly). Both give identical values (tested)."""
        c = self.n * self.d
        if torch.jit.is_tracing() or self.unfold_mode == "conv":
            return F.conv2d(t, self.shift, padding=1, groups=c).reshape(-1, c, 9, h, w)
        tp = F.pad(t, (1, 1, 1, 1))
        return torch.stack([tp[:, :, dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)], 2)

    def _context(self, m: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """CA branch on [B, C, H, W]: softmax over the 3x3 neighbourhood, per channel."""
        q, k, v = self.q(m), self.k(m), self.v(m)
        pad = self.pad_bias_cls if (h, w) == (1, 1) else self.pad_bias
        logits = q.unsqueeze(2) * self._neighbours(k, h, w) + pad
        # The softmax over the neighbourhood axis, written out: onnxruntime's Softmax on a
        # non-last axis transposes internally and took half of the tiny model's run time, while
        # these reductions are cheap. sum(e * v) / sum(e) == sum(softmax * v).
        e = (logits - logits.amax(dim=2, keepdim=True)).exp()
        return (e * self._neighbours(v, h, w)).sum(dim=2) / e.sum(dim=2)

    def _convs(self, m0: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """M + MRF + CA, then GELU, on grouped maps [B, N*d, H, W]."""
        m = self.conv_m(m0)
        branches = [conv(m).reshape(-1, self.n, 1, self.d, h, w) for conv in self.mrf]
        mrf = self.mrf_fuse(torch.cat(branches, 2).reshape(-1, 3 * self.n * self.d, h, w))
        return F.gelu(m + mrf + self._context(m, h, w))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 3:  # one stream shared by every expert (block 1: no previous expert output)
            x = x.unsqueeze(1)
        gh, gw = self.grid
        if not torch.jit.is_tracing() and x.shape[2] != gh * gw + 1:
            raise ValueError(f"MoKE expects {gh * gw + 1} tokens (CLS + {gh}x{gw} patches), got {x.shape[2]}")
        nd = self.n * self.d
        z = F.gelu(torch.matmul(x, self.down_weight) + self.down_bias.unsqueeze(1))  # [B,N,T,d]
        patches = z[:, :, 1:, :].transpose(2, 3).reshape(-1, nd, gh, gw)
        patches = self._convs(patches, gh, gw).reshape(-1, self.n, self.d, gh * gw).transpose(2, 3)
        if self.cls_mode == "map":
            cls = self._convs(z[:, :, :1, :].reshape(-1, nd, 1, 1), 1, 1).reshape(-1, self.n, 1, self.d)
        else:
            cls = torch.zeros_like(z[:, :, :1, :])
        tokens = torch.cat([cls, patches], dim=2)  # [B,N,T,d]
        out = torch.matmul(tokens, self.up_weight) + self.up_bias.unsqueeze(1)
        if self.cls_mode == "zero":
            out = torch.cat([torch.zeros_like(out[:, :, :1, :]), out[:, :, 1:, :]], dim=2)
        return out
