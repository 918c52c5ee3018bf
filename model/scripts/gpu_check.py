#!/usr/bin/env python3
"""Thin shell: the GPU check of auformer/gpu_check.py (run from anywhere; see model/README.md)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from auformer.gpu_check import main  # noqa: E402

main()
