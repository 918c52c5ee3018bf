"""AUFormer: a frozen ViT with two MoKE groups per block (MHSA side and MLP side).

The only trainable parts are the MoKEs, the head (final LayerNorm's successor ``head``) and the
per-expert auxiliary probes used by L'_MDWA. With zero-initialised up-projections a new model
computes exactly the frozen ViT's features (tested).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from ..layers.moke import MoKEGroup
from .vit import VisionTransformer

BP4D_AUS = ("AU01", "AU02", "AU04", "AU06", "AU07", "AU10", "AU12", "AU14", "AU15", "AU17", "AU23", "AU24")
DISFA_AUS = ("AU01", "AU02", "AU04", "AU06", "AU09", "AU12", "AU25", "AU26")
#: Right eye (image-left), left eye, nose tip, mouth centre in a 224x224 crop.
TEMPLATE_224 = ((78.4, 89.6), (145.6, 89.6), (112.0, 123.2), (112.0, 161.3))
AUX_LAYERS = ("none", "last", "all")
KEYPOINT_SOURCES = ("blazeface", "mesh")


@dataclass
class AUFormerConfig:
    """Everything that defines an AUFormer; ``export`` writes the card fields into the ONNX file."""

    name: str = "auformer-vit-b16"
    version: str = "0.1.0"
    description: str = "AUFormer (ViT-B/16 + MoKE) facial Action Unit detector."
    au_names: tuple[str, ...] = BP4D_AUS
    input_size: tuple[int, int] = (224, 224)  # (height, width) in pixels
    patch_size: int = 16
    embed_dim: int = 768
    depth: int = 12
    num_heads: int = 12
    mlp_ratio: float = 4.0
    ln_eps: float = 1e-6
    vit_init: str = "timm"  # random init of the backbone: "timm" | "xavier" (pre-trained weights replace it)
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)  # RGB, applied to pixel/255
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)
    moke_hidden: int = 8  # d
    moke_scale: float = 1.0  # s
    cls_mode: str = "map"  # "map" | "zero"
    aux_layers: str = "all"  # "none" | "last" | "all"
    alignment_template: tuple[tuple[float, float], ...] | None = None  # None: TEMPLATE_224 scaled
    keypoint_source: str = "blazeface"  # "blazeface" | "mesh": the keypoints the crops were aligned with
    training_provenance: str = ""  # JSON: dataset, protocol, folds, git revision... (written by train)
    thresholds: tuple[float, ...] | None = None  # None: 0.5 per AU
    training_data: str = "none"
    licence: str = "Apache-2.0"
    untrained: bool = True

    def __post_init__(self) -> None:
        self.au_names = tuple(self.au_names)
        self.input_size = (int(self.input_size[0]), int(self.input_size[1]))
        if self.keypoint_source not in KEYPOINT_SOURCES:
            raise ValueError(f"keypoint_source={self.keypoint_source!r} is not valid; use one of {KEYPOINT_SOURCES}")
        if self.aux_layers not in AUX_LAYERS:
            raise ValueError(f"aux_layers={self.aux_layers!r} is not valid; use one of {AUX_LAYERS}")
        if not self.au_names:
            raise ValueError("au_names is empty; give at least one AU name such as 'AU01'")
        if self.thresholds is not None and len(self.thresholds) != len(self.au_names):
            raise ValueError(f"thresholds has {len(self.thresholds)} values for {len(self.au_names)} AUs")

    @property
    def num_aus(self) -> int:
        return len(self.au_names)

    def template(self) -> list[list[float]]:
        """Alignment template in input-crop pixels (the default scales with the input size)."""
        if self.alignment_template is not None:
            return [[float(x), float(y)] for x, y in self.alignment_template]
        h, w = self.input_size
        return [[round(x * w / 224, 4), round(y * h / 224, 4)] for x, y in TEMPLATE_224]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "AUFormerConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


PRESETS: dict[str, AUFormerConfig] = {
    "tiny": AUFormerConfig(
        name="auformer-tiny", embed_dim=64, depth=4, num_heads=4,
        description="UNTRAINED tiny AUFormer with seeded random weights, for tests and demos only: its outputs mean nothing.",
    ),
    "vit-s16": AUFormerConfig(name="auformer-vit-s16", embed_dim=384, depth=12, num_heads=6),
    "vit-b16": AUFormerConfig(name="auformer-vit-b16", embed_dim=768, depth=12, num_heads=12),
}


def create_model(preset: str, **overrides: object) -> "AUFormer":
    """Builds a preset (``tiny`` | ``vit-s16`` | ``vit-b16``) with config overrides."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {sorted(PRESETS)}")
    return AUFormer(dataclasses.replace(PRESETS[preset], **overrides))


class AuxProbes(nn.Module):
    """One single-AU probe per expert stream: LayerNorm + Linear(D, 1) on its CLS token.

    With ``cls_mode='zero'`` the experts output nothing at CLS, so a CLS probe would see zeros
    whatever the image; the probe then reads the mean of the expert's patch outputs instead."""

    def __init__(self, n: int, dim: int, eps: float, pool: str = "cls") -> None:
        super().__init__()
        self.eps, self.pool = eps, pool
        self.norm_weight = nn.Parameter(torch.ones(n, dim))
        self.norm_bias = nn.Parameter(torch.zeros(n, dim))
        self.weight = nn.Parameter(torch.randn(n, dim) * 0.02)
        self.bias = nn.Parameter(torch.zeros(n))

    def forward(self, streams: torch.Tensor) -> torch.Tensor:
        """[B,N,T,D] expert outputs -> [B,N] logits (expert i's probe predicts AU i)."""
        summary = streams[:, :, 0, :] if self.pool == "cls" else streams[:, :, 1:, :].mean(dim=2)
        cls = F.layer_norm(summary, streams.shape[-1:], eps=self.eps)
        cls = cls * self.norm_weight + self.norm_bias
        return (cls * self.weight).sum(-1) + self.bias


class AUFormer(nn.Module):
    def __init__(self, cfg: AUFormerConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.vit = VisionTransformer(cfg.input_size, cfg.patch_size, cfg.embed_dim, cfg.depth,
                                     cfg.num_heads, cfg.mlp_ratio, cfg.ln_eps, cfg.vit_init)
        grid, n, dim = self.vit.patch_embed.grid, cfg.num_aus, cfg.embed_dim

        def group() -> MoKEGroup:
            return MoKEGroup(n, dim, cfg.moke_hidden, grid, cfg.cls_mode)

        self.moke_att = nn.ModuleList(group() for _ in range(cfg.depth))
        self.moke_mlp = nn.ModuleList(group() for _ in range(cfg.depth))
        self.head = nn.Linear(dim, n)
        nn.init.trunc_normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)
        aux = {"none": [], "last": [cfg.depth - 1], "all": list(range(cfg.depth))}[cfg.aux_layers]
        self.aux_layer_ids = aux
        pool = "cls" if cfg.cls_mode == "map" else "patches"
        self.aux_probes = nn.ModuleList(AuxProbes(n, dim, cfg.ln_eps, pool) for _ in aux)
        self.grad_checkpointing = False  # recompute each block in backward instead of storing it
        self.freeze_backbone()

    def freeze_backbone(self) -> None:
        """PETL: the whole ViT (patch/pos embedding, CLS, LayerNorms, MHSA, MLP) is frozen."""
        for p in self.vit.parameters():
            p.requires_grad_(False)

    def _blocks(self, x: torch.Tensor, collect_aux: bool) -> tuple[torch.Tensor, list[torch.Tensor]]:
        tokens = self.vit.embed(x)
        prev: torch.Tensor | None = None  # Kmlp_prev: [B,N,T,D]
        aux: list[torch.Tensor] = []
        checkpointing = self.grad_checkpointing and self.training and torch.is_grad_enabled()
        for i in range(len(self.vit.blocks)):
            if checkpointing:  # the N x T x D expert streams dominate activation memory
                args = (tokens,) if prev is None else (tokens, prev)
                tokens, km = checkpoint(self._block, i, *args, use_reentrant=False)
            else:
                tokens, km = self._block(i, tokens, prev)
            prev = km
            if collect_aux and i in self.aux_layer_ids:
                aux.append(self.aux_probes[self.aux_layer_ids.index(i)](km))
        return self.vit.norm(tokens), aux

    def _block(self, i: int, tokens: torch.Tensor, prev: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Frozen block i with its two MoKE groups: new tokens and the MLP-side expert outputs."""
        blk, s = self.vit.blocks[i], self.cfg.moke_scale
        h1 = blk.norm1(tokens)
        ka = self.moke_att[i](h1 if prev is None else h1.unsqueeze(1) + prev)
        tokens = tokens + blk.attn(h1) + s * ka.mean(dim=1)
        h2 = blk.norm2(tokens)
        km = self.moke_mlp[i](h2.unsqueeze(1) + ka)
        return tokens + blk.mlp(h2) + s * km.mean(dim=1), km

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """[B,3,H,W] normalised images -> tokens after the final LayerNorm [B, T, D]."""
        self._check_input(x)
        return self._blocks(x, collect_aux=False)[0]

    def forward_head(self, features: torch.Tensor) -> torch.Tensor:
        """Tokens -> per-AU logits [B, N] from the (normalised) CLS token."""
        return self.head(features[:, 0])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))

    def forward_train(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits plus the per-expert auxiliary logits of the ``aux_layers`` blocks."""
        self._check_input(x)
        feats, aux = self._blocks(x, collect_aux=True)
        return self.forward_head(feats), aux

    def _check_input(self, x: torch.Tensor) -> None:
        h, w = self.cfg.input_size
        if torch.jit.is_tracing():
            return
        if x.dim() != 4 or x.shape[1] != 3 or tuple(x.shape[2:]) != (h, w):
            raise ValueError(f"expected images [B,3,{h},{w}], got {list(x.shape)}; resize/crop inputs to input_size={h}x{w}")


def param_counts(model: AUFormer) -> dict[str, int]:
    """Trainable/total parameter counts, split by part (aux probes are training-only)."""
    def count(params) -> int:  # noqa: ANN001
        return sum(p.numel() for p in params)

    parts = {
        "backbone": count(model.vit.parameters()),
        "moke": count(model.moke_att.parameters()) + count(model.moke_mlp.parameters()),
        "head": count(model.head.parameters()),
        "aux_probes": count(model.aux_probes.parameters()),
    }
    parts["total"] = count(model.parameters())
    parts["trainable"] = count(p for p in model.parameters() if p.requires_grad)
    parts["inference_total"] = parts["total"] - parts["aux_probes"]
    parts["inference_trainable"] = parts["trainable"] - parts["aux_probes"]
    return parts
