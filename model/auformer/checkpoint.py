"""Checkpoints: pre-trained ViT weights (.pth/.pt, .safetensors, original .npz) and AUFormer
training checkpoints (config + trainable weights + optimiser state)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .errors import CheckpointError

#: Keys of a timm ViT that AUFormer does not use (classifier, pre-logits).
IGNORED_PREFIXES = ("head.", "head_dist.", "pre_logits.", "fc_norm.")


def _npz_to_timm(arrays: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """Original (big_vision / jax) ViT .npz names -> timm names."""
    t = {k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in arrays.items()}
    out: dict[str, torch.Tensor] = {}
    for k, v in t.items():
        if k == "embedding/kernel":
            out["patch_embed.proj.weight"] = v.permute(3, 2, 0, 1)
        elif k == "embedding/bias":
            out["patch_embed.proj.bias"] = v
        elif k == "cls":
            out["cls_token"] = v
        elif k == "Transformer/posembed_input/pos_embedding":
            out["pos_embed"] = v
        elif k.startswith("Transformer/encoder_norm/"):
            out["norm." + ("weight" if k.endswith("scale") else "bias")] = v
        elif k.startswith("Transformer/encoderblock_"):
            _npz_block(k, v, t, out)
        else:
            out["unused." + k] = v  # head/pre_logits: reported as unexpected unless ignored
    return out


def _npz_block(k: str, v: torch.Tensor, t: dict[str, torch.Tensor], out: dict[str, torch.Tensor]) -> None:
    parts = k.split("/")
    i = int(parts[1].rsplit("_", 1)[1])
    sub, rest = parts[2], "/".join(parts[3:])
    pre = f"blocks.{i}."
    names = {"LayerNorm_0": "norm1", "LayerNorm_2": "norm2"}
    if sub in names:
        out[pre + names[sub] + (".weight" if rest == "scale" else ".bias")] = v
    elif sub.startswith("MlpBlock"):
        fc = "fc1" if rest.startswith("Dense_0") else "fc2"
        out[pre + f"mlp.{fc}." + ("weight" if rest.endswith("kernel") else "bias")] = v.t() if v.dim() == 2 else v
    elif sub.startswith("MultiHeadDotProductAttention"):
        base = "/".join(parts[:3]) + "/"
        if rest == "query/kernel":  # q, k, v fused into timm's qkv
            ws = [t[base + f"{n}/kernel"].flatten(1).t() for n in ("query", "key", "value")]
            out[pre + "attn.qkv.weight"] = torch.cat(ws, 0)
            out[pre + "attn.qkv.bias"] = torch.cat([t[base + f"{n}/bias"].flatten() for n in ("query", "key", "value")])
        elif rest == "out/kernel":
            out[pre + "attn.proj.weight"] = v.flatten(0, 1).t()
        elif rest == "out/bias":
            out[pre + "attn.proj.bias"] = v


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Reads a state dict from .pth/.pt/.bin, .safetensors or .npz (unwraps {'model': ...}).
    .pth files are read with ``weights_only=True`` (no code execution): tensors and dicts only."""
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint {str(p)!r} does not exist; pass the path of a .pth/.safetensors/.npz file")
    suffix = p.suffix.lower()
    try:
        if suffix == ".safetensors":
            try:
                from safetensors.torch import load_file
            except ImportError:
                raise CheckpointError(f"{p}: reading .safetensors needs the 'safetensors' package "
                                      "(pip install safetensors), or convert the file to .pth") from None
            sd = load_file(str(p))
        elif suffix == ".npz":
            with np.load(p) as z:
                sd = _npz_to_timm({k: z[k] for k in z.files})
        else:
            sd = torch.load(p, map_location="cpu", weights_only=True)
    except CheckpointError:
        raise
    except Exception as e:  # corrupt/truncated files raise many different types
        raise CheckpointError(f"cannot read checkpoint {str(p)!r}: {e}; is it a complete .pth/.safetensors/.npz "
                              "file holding only tensors (re-save it with torch.save(model.state_dict()))?") from e
    for key in ("model", "state_dict", "model_state"):
        if isinstance(sd, dict) and isinstance(sd.get(key), dict):
            sd = sd[key]
    if not isinstance(sd, dict):
        raise CheckpointError(f"{p}: expected a state dict (name -> tensor), got {type(sd).__name__}")
    return {k.removeprefix("module."): v for k, v in sd.items() if isinstance(v, torch.Tensor)}


def _resize_pos_embed(pe: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Bicubic resize of the patch-position grid (CLS kept) to another input size."""
    if pe.shape == target.shape:
        return pe
    n_old, n_new = pe.shape[1] - 1, target.shape[1] - 1
    g_old, g_new = int(round(n_old**0.5)), int(round(n_new**0.5))
    if g_old * g_old != n_old or g_new * g_new != n_new:
        return pe  # not square: leave it to the shape check
    grid = pe[:, 1:].reshape(1, g_old, g_old, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(g_new, g_new), mode="bicubic", align_corners=False)
    return torch.cat([pe[:, :1], grid.permute(0, 2, 3, 1).reshape(1, n_new, -1)], 1)


def load_backbone(vit: nn.Module, path: str | Path) -> None:
    """Loads pre-trained ViT weights into ``model.vit``; any missing/unexpected/mis-shaped key
    is a CheckpointError listing them (the classifier head is ignored)."""
    sd = read_state_dict(path)
    sd = {k: v for k, v in sd.items() if not k.startswith(IGNORED_PREFIXES) and not k.startswith("unused.head")
          and not k.startswith("unused.pre_logits")}
    own = vit.state_dict()
    if "pos_embed" in sd and "pos_embed" in own:
        sd["pos_embed"] = _resize_pos_embed(sd["pos_embed"], own["pos_embed"])
    missing = sorted(set(own) - set(sd))
    unexpected = sorted(set(sd) - set(own))
    shapes = [f"{k}: checkpoint {list(sd[k].shape)} vs model {list(own[k].shape)}"
              for k in sorted(set(sd) & set(own)) if sd[k].shape != own[k].shape]
    if missing or unexpected or shapes:
        raise CheckpointError(
            f"{path} does not match this ViT (embed_dim/depth/patch_size?).\n"
            f"  missing keys ({len(missing)}): {missing[:20]}\n  unexpected keys ({len(unexpected)}): {unexpected[:20]}\n"
            f"  shape mismatches ({len(shapes)}): {shapes[:10]}\n"
            "Use a timm-style ViT state dict whose size matches the preset (e.g. vit-b16 for ViT-B/16).")
    vit.load_state_dict(sd)


def save_model(model: nn.Module, path: str | Path, **extra: object) -> None:
    """Saves an AUFormer as {'config', 'model' (full state dict), **extra} (atomic rename)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    torch.save({"config": model.cfg.to_dict(), "model": model.state_dict(), **extra}, tmp)
    tmp.replace(p)


def load_model(path: str | Path, au_names: tuple[str, ...] | list[str] | None = None) -> nn.Module:
    """Rebuilds an AUFormer saved by :func:`save_model` / training; checks the AU list if given.
    These files are pickles (config + optimiser state): load only checkpoints you trust."""
    from .models.auformer import AUFormer, AUFormerConfig

    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint {str(p)!r} does not exist")
    try:
        ck = torch.load(p, map_location="cpu", weights_only=False)
    except Exception as e:
        raise CheckpointError(f"cannot read checkpoint {str(p)!r}: {e}; the file may be truncated") from e
    if not isinstance(ck, dict) or "config" not in ck or "model" not in ck:
        raise CheckpointError(f"{p} is not an AUFormer checkpoint (no 'config'/'model'); for a plain ViT "
                              "state dict use load_backbone / --backbone")
    cfg = AUFormerConfig.from_dict(ck["config"])
    if au_names is not None and tuple(au_names) != cfg.au_names:
        raise CheckpointError(f"{p} was trained for {len(cfg.au_names)} AUs {list(cfg.au_names)} but "
                              f"{len(au_names)} AUs {list(au_names)} were asked for; use the matching checkpoint or AU list")
    model = AUFormer(cfg)
    result = model.load_state_dict(ck["model"], strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise CheckpointError(f"{p}: missing keys {result.missing_keys[:20]}, unexpected keys "
                              f"{result.unexpected_keys[:20]}; it was saved by an incompatible version")
    return model
