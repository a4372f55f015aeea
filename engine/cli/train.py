"""The ``train`` and ``info`` sub-commands."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from ..events import Reporter
from .common import (
    add_common,
    add_distributed,
    claimed,
    distributed_run,
    profile_train_config,
)

__all__ = ["add_train", "run_train", "add_info", "run_info"]


def add_train(sub: Any) -> argparse.ArgumentParser:
    """Register ``train``."""
    p = sub.add_parser("train", help="train the semi-supervised road model",
                       description="Train on labeled rasters plus unlabeled imagery, in rounds.")
    p.add_argument("--image", action="append", required=True, metavar="IMG",
                   help="a labeled raster (repeat for several)")
    p.add_argument("--roads", required=True, metavar="VEC",
                   help="road centerlines (buffered by width) or road polygons")
    p.add_argument("--aoi", metavar="VEC", help="labeled-area polygons: inside, what is "
                   "not road is background")
    p.add_argument("--background", metavar="VEC", help="background polygons")
    p.add_argument("--road-width", type=float, metavar="METRES",
                   help="width of road lines without a width value (default 6)")
    p.add_argument("--width-field", default="width",
                   help="road-line field holding the width in metres (default: width)")
    p.add_argument("--unlabeled", action="append", nargs="+", default=[], metavar="IMG",
                   help="extra unlabeled rasters (trained on with --semi-supervised)")
    p.add_argument("--semi-supervised", action="store_true",
                   help="also learn from the unlabeled imagery: from round 2, pseudo-labels "
                   "of its most consistent tiles (off by default: its gain is within the "
                   "benchmark's spread; see the README)")
    p.add_argument("--out", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--rounds", type=int, metavar="N", help="maximum number of rounds")
    p.add_argument("--steps", type=int, metavar="N", help="training steps per round")
    p.add_argument("--profile", choices=("fast", "full"), default="full",
                   help="fast: small model for CPUs; full: paper-scale for a GPU")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--config", metavar="FILE", help="JSON or TOML overrides of TrainConfig")
    p.add_argument("--init", default="none", metavar="auto|none|MODEL",
                   help="starting weights: none (random, the default until base models are "
                   "benchmarked), auto (the bundled base model of the rasters' band count, "
                   "if any) or a model file (its network is kept, its first layer adapted to "
                   "another band count)")
    p.add_argument("--resume", action="store_true",
                   help="continue from the last finished round of --out")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    add_distributed(p)
    add_common(p)
    return p


@dataclasses.dataclass
class _ResumeLine:
    """Passes every event on, and prints the line saying what --resume continues from (a
    progress bar's line vanishes with the bar; this one is wanted afterwards too)."""

    sink: Any

    def emit(self, event: dict[str, Any]) -> None:
        if event["event"] == "progress" and "resume_from" in event:
            print(event["stage"], flush=True)
        self.sink.emit(event)


def _train_config(args: argparse.Namespace) -> Any:
    config = profile_train_config(args.profile, args.config)
    flags = {"max_rounds": args.rounds, "steps_per_round": args.steps, "seed": args.seed,
             "road_width_m": args.road_width}
    if args.semi_supervised:
        # the pseudo-label rounds only: the contrastive branch lowered IoU on real tiles in
        # every form tried (bench/RESULTS.md, section 10); a config file can still turn it on
        flags.update(pseudo={"enabled": True})
    return config.updated({k: v for k, v in flags.items() if v is not None})


def run_train(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Train and summarise the best round."""
    from ..io.atomic import removing_if_left_empty
    from ..io.paths import refuse_inputs
    from ..training import TrainJob, rounds_dir, train

    config = _train_config(args)
    if args.progress != "json":  # JSON readers have the event itself
        reporter = dataclasses.replace(reporter, sink=_ResumeLine(reporter.sink))
    init = None if args.init == "none" else args.init
    unlabeled = tuple(p for group in args.unlabeled for p in group)
    # train() refuses an --out that is one of its own inputs; the --config file is the
    # one input only this command knows of.
    refuse_inputs({"--out": args.out}, {"--config": args.config})
    if args.profile == "full" and args.device in ("auto", "cpu"):
        import torch

        if args.device == "cpu" or not torch.cuda.is_available():
            reporter.warning("the full profile is meant for a GPU; on a CPU it takes hours "
                             "(use --profile fast)")
    job = TrainJob(images=tuple(args.image), roads=args.roads, out=args.out, aoi=args.aoi,
                   background=args.background,
                   unlabeled=unlabeled,
                   width_field=args.width_field or None, resume=args.resume,
                   overwrite=args.overwrite, init_model=init)
    # The claim of --out covers its rounds folder, which is named after it.
    with claimed({"--out": args.out}), distributed_run(args) as (dist, device), \
            removing_if_left_empty(rounds_dir(args.out), enabled=dist.is_main):
        result = train(job, config, device=device, reporter=reporter, dist=dist)
    if args.progress == "bar":
        print(f"model written to {result.model_path} (best round {result.best_round}, "
              f"stopped: {result.stop_reason})")
    return {"model": result.model_path, "best_round": result.best_round,
            "rounds": len(result.rounds), "stop_reason": result.stop_reason,
            "metrics": result.rounds[result.best_round - 1]["metrics"],
            "init_model": result.init_model}


def add_info(sub: Any) -> argparse.ArgumentParser:
    """Register ``info``."""
    p = sub.add_parser("info", help="print a model file's metadata as JSON")
    p.add_argument("model", metavar="MODEL")
    add_common(p)
    return p


def run_info(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Print the metadata (as an event in JSON mode)."""
    from ..model_file import read_model_file

    _, meta = read_model_file(args.model)
    if args.progress != "json":
        print(json.dumps(meta, indent=2))
    return {"metadata": meta}
