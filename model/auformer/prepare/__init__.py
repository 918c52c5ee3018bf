"""Dataset preparation: raw BP4D / DISFA releases -> the toolkit's label CSV + fold lists.

``python -m auformer.prepare bp4d|disfa --root RAW --out DIR`` reads the raw label files (and,
for DISFA, extracts the left-camera video frames with ffmpeg), then writes into DIR:

- ``labels.csv``: ``image,subject,frame,AU..`` -- ``image`` is the name the aligned crop gets
  (``<subject>/<task>/<frame>.png``), ``frame`` the source frame (path relative to DIR when it is
  inside DIR, else absolute); BP4D columns are 0/1, DISFA columns intensities 0-5 (occurrence =
  intensity >= 2, applied by the loader), -1 = unknown.
- ``frames.tsv``: ``frame<TAB>image`` for ``auformer crops --list`` (the SDK aligns the crops).
- ``folds.json``: subject-exclusive 3-fold lists (the standard ones, restricted to the subjects
  present; or balanced ones with ``--folds auto``).
- ``counts.json``: frames, positives, negatives and unknowns per AU and fold.
- ``prepare.json``: what was done (dataset, root, options) -- written last.

The whole folder is built under a temporary name and renamed at the end, so an interrupted or
failed run never leaves a folder that looks complete.
"""
from .bp4d import read_bp4d
from .disfa import read_disfa
from .output import write_prepared
from .rows import LabelledFrame

__all__ = ["LabelledFrame", "read_bp4d", "read_disfa", "write_prepared"]
