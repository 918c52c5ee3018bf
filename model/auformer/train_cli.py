"""``python -m auformer.train``: 3-fold subject-exclusive CV (or one fold) of AUFormer.

Options come from ``--config run.json`` (any subset; JSON, or YAML with PyYAML) and flags on top;
the complete set is saved as ``<out>/config.json`` (re-runnable with ``--config``) and in every
checkpoint. Under ``torchrun`` every process runs this; rank 0 writes the files. Writes
``<out>/{config.json,environment.json,summary.json}`` and per fold ``<out>/fold<k>/{last.pt,
best.pt,model.pt,train_log.jsonl,report.json}``.
"""
from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
import hashlib
import json
import os
import sys
from pathlib import Path

from .distributed import setup_world, teardown
from .errors import AUFormerError, DataError
from .protocols import within_dataset_summary
from .runconfig import RunOptions, add_flags, flat, resolve
from .runlog import environment
from .train import TrainConfig, train

LICENCES = {"bp4d": "research-only: trained on BP4D-Spontaneous, whose licence permits non-commercial research "
                    "use only; these weights carry the same restriction",
            "disfa": "research-only: trained on DISFA, whose licence permits non-commercial research use only; "
                     "these weights carry the same restriction"}


def crops_manifest(labels: Path) -> dict | None:
    """``crops.json`` written by ``auformer crops`` beside the label CSV, if any."""
    p = labels.parent / "crops.json"
    return json.loads(p.read_text()) if p.is_file() else None


def main(argv: list[str] | None = None) -> dict:
    from .data import load_folds, read_label_csv
    from .models.auformer import BP4D_AUS, DISFA_AUS

    ap = argparse.ArgumentParser(prog="python -m auformer.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="JSON/YAML file of options (flags override it)")
    add_flags(ap, RunOptions, TrainConfig)
    run, tc = resolve(ap.parse_args(argv), RunOptions, TrainConfig)
    if not run.labels or not run.out:
        ap.error("--labels and --out are required (flags or config file)")
    if run.dataset not in ("bp4d", "disfa"):
        ap.error(f"--dataset must be bp4d or disfa, got {run.dataset!r}")
    labels, out = Path(run.labels), Path(run.out)
    crops = crops_manifest(labels)
    folds_file = run.folds or (str(labels.parent / "folds.json") if (labels.parent / "folds.json").is_file() else None)
    folds = load_folds(folds_file or run.dataset)
    aus = BP4D_AUS if run.dataset == "bp4d" else DISFA_AUS
    table = read_label_csv(labels, aus, image_root=run.image_root,
                           intensity_threshold=2 if run.dataset == "disfa" else None)
    config = flat(run, tc)
    is_main = int(os.environ.get("RANK", "0")) == 0
    env = environment(int(os.environ.get("WORLD_SIZE", "1")))
    if is_main:
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        (out / "environment.json").write_text(json.dumps({**env, "crops": crops}, indent=2) + "\n")
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    world = setup_world(tc.device)  # one process group for all folds (train() reuses it)
    try:
        ctx = _Context(labels, out, crops, folds, folds_file, tuple(aus), table, config, env, digest, is_main)
        reports = _folds(run, tc, ctx)
    finally:
        teardown(world)
    summary = within_dataset_summary(run.dataset, list(aus), reports)
    if is_main:
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        print(json.dumps({k: summary[k] for k in ("protocol", "mean_f1")}))
    return summary


@dataclass(frozen=True)
class _Context:
    """What every fold of a run shares (read once by :func:`main`)."""

    labels: Path
    out: Path
    crops: dict | None
    folds: list[list[str]]
    folds_file: str | None
    aus: tuple[str, ...]
    table: object  # data.LabelTable
    config: dict
    env: dict
    digest: str
    is_main: bool


def _folds(run: RunOptions, tc: TrainConfig, ctx: _Context) -> list[dict]:
    """Trains each requested held-out fold in turn; returns their final records."""
    from .checkpoint import load_backbone
    from .data import AUImageDataset, split_by_fold
    from .losses import positive_rates
    from .models.auformer import create_model
    from .precision import seed_everything

    reports = []
    for fold in range(len(ctx.folds)) if run.fold == "all" else [int(run.fold)]:
        provenance = {"dataset": run.dataset.upper(), "protocol": "subject-exclusive 3-fold CV", "held_out_fold": fold,
                      "folds": ctx.folds_file or f"standard {run.dataset.upper()} list", "git": ctx.env["git"],
                      "torch": ctx.env["torch"], "config_sha256": ctx.digest,
                      "keypoints": (ctx.crops or {}).get("keypoint_source", "unknown (no crops.json beside the labels)")}
        model_opts = {"alignment_template": tuple(map(tuple, ctx.crops["alignment_template"])),
                      "keypoint_source": ctx.crops["keypoint_source"]} if ctx.crops else {}
        seed_everything(tc.seed + fold, tc.deterministic)  # model init (MoKE, head, probes) is seeded
        model = create_model(run.preset, au_names=ctx.aus, aux_layers=run.aux_layers, moke_hidden=run.moke_hidden,
                             cls_mode=run.cls_mode, untrained=False, licence=run.licence or LICENCES[run.dataset],
                             training_data=f"{run.dataset.upper()} (3-fold CV; fold {fold} held out)",
                             training_provenance=json.dumps(provenance), **model_opts,
                             description=f"AUFormer ({run.preset} + MoKE d={run.moke_hidden}) trained on "
                                         f"{run.dataset.upper()}, fold {fold} held out.")
        c = model.cfg
        canvas = tuple(ctx.crops["canvas_size"]) if ctx.crops else None
        if ctx.crops and tuple(ctx.crops["input_size"]) != c.input_size:
            raise DataError(f"the crops in {ctx.labels.parent} were made for input {ctx.crops['input_size']} but preset "
                            f"{run.preset} takes {list(c.input_size)}; re-run auformer crops with that model's card")
        if run.backbone:
            load_backbone(model.vit, run.backbone)
        tr, te = split_by_fold(ctx.table, ctx.folds, fold)
        cfg = dataclasses.replace(tc, out_dir=str(ctx.out / f"fold{fold}"))
        data = {"dataset": run.dataset, "fold": fold, "preset": run.preset, "labels": run.labels,
                "backbone": run.backbone, "folds": ctx.folds_file, "image_root": run.image_root}
        rep = train(model, AUImageDataset(tr, c.input_size, c.mean, c.std, train=True, canvas_size=canvas, seed=tc.seed),
                    cfg, AUImageDataset(te, c.input_size, c.mean, c.std, train=False, canvas_size=canvas),
                    positive_rates(tr.labels), run_config={"data": data, "options": ctx.config},
                    log=print if ctx.is_main else (lambda s: None))
        reports.append({"fold": fold, "samples": len(te.images), **(rep["final"] or {}), "kept": rep["kept"]})
    return reports


if __name__ == "__main__":
    try:
        main()
    except AUFormerError as e:
        sys.exit(f"error: {e}")
