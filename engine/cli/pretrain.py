"""The ``pretrain`` sub-command: a base road model from generated scenes."""

from __future__ import annotations

import argparse
from typing import Any

from ..events import Reporter
from .common import add_common, claimed, profile_train_config

__all__ = ["add_pretrain", "run_pretrain"]


def add_pretrain(sub: Any) -> argparse.ArgumentParser:
    """Register ``pretrain``."""
    p = sub.add_parser("pretrain", help="train a base road model on generated scenes",
                       description="Train a normal model file on domain-randomised scenes of "
                       "engine.synth, optionally with real labelled images beside them; "
                       "train --init starts from it.")
    p.add_argument("--out", required=True, metavar="MODEL", help="model file to write "
                   "(rewritten after every chunk of scenes)")
    p.add_argument("--profile", choices=("fast", "full"), default="full",
                   help="fast: small network and scenes for CPUs; full: for a GPU (the same "
                   "networks as train's profiles, so train --init accepts the model)")
    p.add_argument("--bands", type=int, choices=(1, 3), default=3,
                   help="1: panchromatic scenes; 3: RGB scenes (3)")
    p.add_argument("--steps", type=int, metavar="N", help="optimiser steps in all "
                   "(profile: fast 3000, full 20000)")
    p.add_argument("--scenes-per-chunk", type=int, metavar="N", help="new scenes generated "
                   "for each chunk of steps (profile: fast 24, full 64)")
    p.add_argument("--seed", type=int, help="random seed of scenes, crops and weights (0)")
    p.add_argument("--styles", nargs="+", choices=("suburban", "rural"),
                   help="scene styles drawn from (both); one style leaves the other unseen, "
                   "to measure how the model does on a style it never saw")
    p.add_argument("--real", nargs="+", action="append", metavar="FILE",
                   help="IMAGE ROADS [AOI]: a real raster with the --bands band count and "
                   "its road labels (and labelled area), trained on beside the scenes; "
                   "repeat for more images. Never the labels of an image you will score on")
    p.add_argument("--real-share", type=float, metavar="SHARE",
                   help="share of the crops drawn from the --real images (0.5); 1 trains on "
                   "them alone and generates no scene")
    p.add_argument("--config", metavar="FILE", help="JSON or TOML overrides of TrainConfig "
                   "(the network, batch, crops, learning rate)")
    p.add_argument("--cache", metavar="DIR", help="keep the generated scenes in this folder "
                   "and read them back on later runs with the same settings")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--resume", action="store_true",
                   help="continue the run that --out holds, from its last chunk")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    add_common(p)
    return p


def _real_image(files: list[str]) -> Any:
    from ..errors import BadInputError
    from ..pretrain import RealImage

    if len(files) not in (2, 3):
        raise BadInputError(f"--real takes IMAGE ROADS [AOI]; got {len(files)} file(s): "
                            f"{' '.join(files)}")
    return RealImage(*files)


def run_pretrain(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Pretrain and summarise."""
    from ..io.paths import refuse_inputs
    from ..pretrain import PretrainJob, pretrain, pretrain_profile

    train_config = profile_train_config(args.profile, args.config)
    if args.seed is not None:
        train_config = train_config.updated({"seed": args.seed})
    real = [_real_image(files) for files in args.real or []]
    config = pretrain_profile(args.profile).updated(
        {"bands": args.bands, "steps": args.steps, "seed": args.seed,
         "scenes_per_chunk": args.scenes_per_chunk, "real_images": real or None,
         "real_share": args.real_share, "styles": args.styles})
    refuse_inputs({"--out": args.out},
                  {"--config": args.config,
                   "--real": [path for r in real for path in (r.image, r.roads, r.aoi) if path]})
    job = PretrainJob(out=args.out, resume=args.resume, overwrite=args.overwrite,
                      cache_dir=args.cache)
    with claimed({"--out": args.out}):
        result = pretrain(job, config, train_config, device=args.device, reporter=reporter)
    if args.progress == "bar":
        state = "already finished" if result.already_finished else "written"
        print(f"base model {state}: {result.model_path} ({result.steps} steps, "
              f"{result.scenes} generated scenes, {len(real)} real image(s), "
              f"{result.seconds:.0f} s)")
    return {"model": result.model_path, "steps": result.steps, "scenes": result.scenes,
            "seconds": result.seconds, "already_finished": result.already_finished}
