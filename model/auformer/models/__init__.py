"""Models: the plain ViT backbone and AUFormer built on it."""
from .auformer import PRESETS, AUFormer, AUFormerConfig, create_model
from .vit import VisionTransformer

__all__ = ["AUFormer", "AUFormerConfig", "PRESETS", "VisionTransformer", "create_model"]
