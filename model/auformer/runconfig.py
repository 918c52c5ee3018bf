"""Every option of a training run in one flat dict: a JSON/YAML config file, flags on top, and
the complete result saved as ``config.json`` in the run folder and inside every checkpoint."""
from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError


@dataclass
class RunOptions:
    """Model and data options (the optimisation ones are :class:`auformer.train.TrainConfig`)."""

    labels: str = ""  # label CSV (from auformer.crops: <prepared>/crops/labels.csv); required
    out: str = ""  # run folder; required
    dataset: str = "bp4d"  # bp4d | disfa: AU list and, for DISFA, occurrence = intensity >= 2
    preset: str = "vit-b16"  # tiny | vit-s16 | vit-b16
    backbone: str | None = None  # pre-trained ViT weights (.pth/.safetensors/.npz)
    image_root: str | None = None  # folder the CSV's image paths are relative to (default: the CSV's)
    folds: str | None = None  # folds.json (default: beside the labels, else the standard list)
    fold: str = "all"  # 0-based held-out fold, or "all" (3-fold CV)
    aux_layers: str = "all"  # none | last | all
    moke_hidden: int = 8
    cls_mode: str = "map"  # map | zero
    licence: str | None = None  # the card's licence (default: the dataset's terms, see model/README.md)


def _fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if f.name != "out_dir"]


def add_flags(ap: argparse.ArgumentParser, *classes: type) -> None:
    """One --flag per field, default None (so a config file value is only overridden when given)."""
    for cls in classes:
        for f in _fields(cls):
            kind = type(f.default) if f.default is not None else str
            if kind is bool:
                ap.add_argument("--" + f.name.replace("_", "-"), type=_bool, default=None, metavar="true|false")
            else:
                ap.add_argument("--" + f.name.replace("_", "-"), type=kind, default=None)


def _bool(s: str) -> bool:
    if s.lower() not in ("1", "0", "true", "false", "yes", "no"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {s!r}")
    return s.lower() in ("1", "true", "yes")


def read_config_file(path: str) -> dict:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        if p.suffix.lower() in (".yaml", ".yml"):
            import yaml  # optional: only for YAML files

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except (OSError, ValueError, ImportError) as e:
        raise DataError(f"cannot read config {path!r}: {e}; give a JSON (or YAML, with PyYAML) object of options") from e
    if not isinstance(data, dict):
        raise DataError(f"config {path!r} must be an object of option: value")
    return data


def resolve(args: argparse.Namespace, *classes: type) -> tuple[object, ...]:
    """Config file values, then flags; unknown keys in the file are an error naming them."""
    file = read_config_file(args.config) if args.config else {}
    known = {f.name for cls in classes for f in _fields(cls)}
    unknown = sorted(set(file) - known)
    if unknown:
        raise DataError(f"config {args.config!r}: unknown options {unknown}; valid: {sorted(known)}")
    out = []
    for cls in classes:
        values = {f.name: file.get(f.name, f.default) for f in _fields(cls)}
        values.update({f.name: getattr(args, f.name) for f in _fields(cls) if getattr(args, f.name) is not None})
        out.append(cls(**values))
    return tuple(out)


def flat(*objs: object) -> dict:
    """The complete config as one flat dict (what config.json holds and --config reads back)."""
    d: dict = {}
    for o in objs:
        d.update({k: v for k, v in dataclasses.asdict(o).items() if k != "out_dir"})
    return d
