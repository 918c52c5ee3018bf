"""Plain Vision Transformer with a class token, timm-compatible parameter names."""
from __future__ import annotations

import torch
from torch import nn

from ..layers.vit_blocks import Block, PatchEmbed


class VisionTransformer(nn.Module):
    """ViT of any depth/width/heads/patch/input size. ``forward_features`` returns all tokens
    after the final LayerNorm ([B, 1 + h*w, D]); there is no classifier (AUFormer adds its own)."""

    def __init__(
        self,
        img_size: tuple[int, int] = (224, 224),
        patch_size: int = 16,
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        mlp_ratio: float = 4.0,
        ln_eps: float = 1e-6,
        init: str = "timm",
    ) -> None:
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, embed_dim)
        gh, gw = self.patch_embed.grid
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, gh * gw + 1, embed_dim))
        self.blocks = nn.ModuleList(Block(embed_dim, num_heads, mlp_ratio, ln_eps) for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim, eps=ln_eps)
        self._init_weights(init)

    def _init_weights(self, init: str) -> None:
        """``timm``: trunc-normal(0.02) linears (what pre-training starts from); ``xavier``: the
        original JAX ViT's xavier-uniform, whose random features pass signal through attention
        and MLPs at full gain (useful when a random frozen backbone must carry information)."""
        if init not in ("timm", "xavier"):
            raise ValueError(f"init={init!r} is not valid; use 'timm' or 'xavier'")
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        for m in self.blocks.modules():
            if isinstance(m, nn.Linear):
                if init == "timm":
                    nn.init.trunc_normal_(m.weight, std=0.02)
                else:
                    nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Patch embedding + CLS + position embedding: [B,3,H,W] -> [B,T,D]."""
        tokens = self.patch_embed(x)
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        return torch.cat([cls, tokens], dim=1) + self.pos_embed

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.embed(x)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_features(x)
