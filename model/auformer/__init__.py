"""AUFormer: frozen ViT + Mixture-of-Knowledge Experts for facial Action Unit detection.

Reference implementation of Yuan et al., ECCV 2024 (arXiv 2403.04697), following
``shared/AUFORMER.md``. Layers live in :mod:`auformer.layers`, models in
:mod:`auformer.models`; training, evaluation and export are thin modules on top.
"""
from .models.auformer import AUFormer, AUFormerConfig, PRESETS, create_model
from .models.vit import VisionTransformer

__all__ = ["AUFormer", "AUFormerConfig", "PRESETS", "create_model", "VisionTransformer"]
__version__ = "0.1.0"
