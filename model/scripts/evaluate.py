#!/usr/bin/env python3
"""Thin shell: same as `python -m auformer.evaluate` (run from anywhere)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from auformer.evaluate import main  # noqa: E402

main()
