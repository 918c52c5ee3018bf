"""Reusable layers: the plain ViT building blocks and the stacked MoKE experts."""
from .moke import MoKEGroup
from .vit_blocks import Attention, Block, Mlp, PatchEmbed

__all__ = ["Attention", "Block", "Mlp", "MoKEGroup", "PatchEmbed"]
