"""Does the unlabeled imagery help? Train every configuration at every labeled fraction.

A grid of runs (labeled fraction x configuration x training seed) on generated scenes;
each run trains on a labeled block plus the rest of the training area as unlabeled
imagery, predicts the held-out test scenes (same style, and a style never trained on) and
scores them. One JSON file per run, so an interrupted grid resumes where it stopped;
``python -m bench.ablation_report`` turns the files into tables and plots.

    python -m bench.ablation run --out bench-output/ablation [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .ablation_data import DataConfig, build_scenes, label_block
from .grid import GridRun, run_grid, write_record

__all__ = ["CONFIGS", "FRACTIONS", "bench_overrides", "variant_tag", "run_one", "main"]

#: The configurations compared, as overrides of the engine's defaults.
#: Each names both branches, so that a configuration means the same whatever the defaults.
CONFIGS: dict[str, dict[str, Any]] = {
    "supervised": {"contrastive": {"enabled": False}, "pseudo": {"enabled": False}},
    "contrastive": {"contrastive": {"enabled": True}, "pseudo": {"enabled": False}},
    "pseudo": {"contrastive": {"enabled": False}, "pseudo": {"enabled": True}},
    "full": {"contrastive": {"enabled": True}, "pseudo": {"enabled": True}},
    "soft": {"contrastive": {"enabled": True, "negatives_mode": "soft"},
             "pseudo": {"enabled": True}},
    "no_hog": {"contrastive": {"enabled": True, "hog_filter": False},
               "pseudo": {"enabled": True}},
}
#: Shares of the training area inside the labeled block.
FRACTIONS = (0.05, 0.02, 0.10, 1.0)
#: What each round's record keeps in the run record (diagnostics of the method).
ROUND_KEYS = ("threshold", "losses", "contrastive_weight", "pseudo", "candidate_tiles",
              "pseudo_seconds", "seconds")
#: Metrics kept per test scene (keys of engine.evaluate).
METRICS = ("iou", "f1", "relaxed_f1", "apls", "completeness", "correctness")


def bench_overrides(steps: int, rounds: int) -> dict[str, Any]:
    """Settings shared by every run on top of the ``fast`` profile.

    Every configuration gets the same steps and rounds (no early stop), so a difference is
    the method's and not the compute's; the best round by validation IoU is kept in all.
    Hold-out tiles are 48 px so that a 2 % block still leaves tiles to train on. The
    threshold is the hold-out's single best F1 (tolerance 0), the rule the grid was first
    run with, so that every run of it is alike; ``bench.threshold_rules`` scores the runs
    at every rule.
    """
    return {"steps_per_round": steps, "max_rounds": rounds, "patience_rounds": rounds,
            "min_selection_change": 0.0, "val_tile_px": 48, "threshold_tolerance": 0.0}


def _run_name(fraction: float, config: str, seed: int) -> str:
    return f"f{fraction:g}_{config}_s{seed}"


def run_one(root: Path, fraction: float, config_name: str, seed: int, *, steps: int,
            rounds: int, extra: dict[str, Any] | None = None,
            data: DataConfig | None = None, init: str | None = None) -> dict[str, Any]:
    """Train one configuration, predict and score the test scenes, write ``<run>.json``.

    ``init``: a model file the run starts from (``train --init``); it is part of the run's
    variant (``{"init": <its file name>}`` in the record's ``extra``).

    Returns
    -------
    dict
        The run's record (also written as JSON under ``root / "runs"``).
    """
    import numpy as np
    import torch

    from engine.config import profile_config
    from engine.evaluate import evaluate
    from engine.predict import predict_raster
    from engine.training import TrainJob, train

    data = data or DataConfig()
    scenes = build_scenes(root / "scenes", data)
    variant = with_init(extra, init)
    name = _run_name(fraction, config_name, seed) + variant_tag(variant)
    work = root / "work" / name
    labels = label_block(scenes, fraction, seed, work)
    config = profile_config("fast").updated(bench_overrides(steps, rounds))
    config = config.updated(CONFIGS[config_name]).updated(extra or {}).updated({"seed": seed})
    # The generated truth scores each round's pseudo-labels in its record; never trained on.
    truth = {str(f / "image.tif"): str(f / "truth.tif") for f in scenes.train}
    job = TrainJob(images=labels.images, roads=labels.roads, aoi=labels.aoi,
                   unlabeled=labels.unlabeled, out=str(work / "model.pt"), overwrite=True,
                   diagnostic_truth=truth, init_model=init)
    torch.manual_seed(seed)
    np.random.seed(seed)
    start = time.perf_counter()
    result = train(job, config, device="cpu")
    train_s = time.perf_counter() - start
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for split, folders in scenes.test.items():
        scores[split] = {}
        for folder in folders:
            prob = work / f"{folder.name}_prob.tif"
            predict_raster(result.model_path, folder / "image.tif", prob, device="cpu",
                           overwrite=True)
            metrics = evaluate(str(prob), str(folder / "truth.tif"))
            scores[split][folder.name] = {k: float(metrics[k]) for k in METRICS}
    record = {
        "fraction": fraction, "config": config_name, "seed": seed, "steps": steps,
        "rounds": rounds, "extra": variant, "labeled_px": labels.labeled_px,
        "total_px": labels.total_px, "best_round": result.best_round,
        "validation": [r["metrics"] for r in result.rounds],
        "pseudo_tiles": [r["pseudo_tiles"] for r in result.rounds],
        "rounds_detail": [{k: r.get(k) for k in ROUND_KEYS} for r in result.rounds],
        "train_seconds": train_s, "scores": scores, "data": asdict(data),
        "train_config": config.to_dict(),
        "date": time.strftime("%Y-%m-%d"), "torch_threads": torch.get_num_threads(),
    }
    write_record(root / "runs" / f"{name}.json", record)
    return record


def with_init(extra: dict[str, Any] | None, init: str | None) -> dict[str, Any]:
    """A run's variant: its configuration overrides and, if any, the model it starts from."""
    return {**(extra or {}), **({"init": Path(init).stem} if init else {})}


def variant_tag(extra: dict[str, Any] | None) -> str:
    """The suffix of a variant's run names: its overrides, flattened into a file name."""
    return "" if not extra else "_" + json.dumps(extra, sort_keys=True).translate(
        str.maketrans({c: "" for c in ' {}"'})).replace(":", "-").replace(",", "_")


def _grid(args: argparse.Namespace) -> list[tuple[float, str, int]]:
    # Fraction by fraction, in the order given (5 % first by default: the headline).
    return [(f, c, s) for f in args.fractions for s in args.seeds for c in args.configs]


def _child(args: argparse.Namespace, fraction: float, config: str, seed: int) -> GridRun:
    name = _run_name(fraction, config, seed) + variant_tag(with_init(args.extra, args.init))
    cmd = [sys.executable, "-m", "bench.ablation", "one", "--out", str(args.out),
           "--fraction", str(fraction), "--config", config, "--seed", str(seed),
           "--steps", str(args.steps), "--rounds", str(args.rounds),
           "--threads", str(args.threads)]
    if args.extra:
        cmd += ["--extra", json.dumps(args.extra)]
    if args.init:
        cmd += ["--init", str(args.init)]
    return GridRun(name, args.out / "runs" / f"{name}.json", cmd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ablation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("run", "one"),
                        help="run: the whole grid (skipping finished runs); one: a single run")
    parser.add_argument("--out", type=Path, default=Path("bench-output/ablation"))
    parser.add_argument("--fractions", type=float, nargs="+", default=list(FRACTIONS))
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--fraction", type=float, help="(one) labeled fraction")
    parser.add_argument("--config", choices=list(CONFIGS), help="(one) configuration")
    parser.add_argument("--seed", type=int, help="(one) training seed")
    parser.add_argument("--steps", type=int, default=150, help="steps per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="runs at once")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads per run (0: cores / jobs)")
    parser.add_argument("--init", help="a model file every run starts from (train --init); "
                        "a variant named by its file name")
    parser.add_argument("--extra", type=json.loads, default=None,
                        help="JSON overrides applied to every configuration (a variant)")
    args = parser.parse_args(argv)
    if args.threads <= 0:
        args.threads = max(1, (os.cpu_count() or 1) // args.jobs)
    if args.mode == "one":
        import torch

        torch.set_num_threads(args.threads)
        record = run_one(args.out, args.fraction, args.config, args.seed, steps=args.steps,
                         rounds=args.rounds, extra=args.extra, init=args.init)
        print(json.dumps({k: record[k] for k in ("fraction", "config", "seed", "best_round",
                                                 "train_seconds")}))
        return 0
    build_scenes(args.out / "scenes", DataConfig())  # once, before runs share the folder
    grid = _grid(args)
    print(f"{len(grid)} runs, {args.jobs} at once, {args.threads} torch thread(s) each",
          flush=True)
    for line in run_grid([_child(args, *g) for g in grid], args.jobs):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
