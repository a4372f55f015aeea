"""Command line of the engine: ``python -m engine train | info | synth``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import EngineError
from .events import EventSink, JsonLinesSink, NullSink, Reporter

__all__ = ["main", "build_parser"]

log = logging.getLogger("engine")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", choices=("bar", "json", "none"), default="bar",
                   help="bar: progress bars for people; json: one JSON event per line on "
                        "stdout (for the plugin); none: quiet")
    p.add_argument("--log-level", default="WARNING",
                   choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="engine log level")


def _add_train(sub: argparse._SubParsersAction) -> None:
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
                   help="extra unlabeled rasters")
    p.add_argument("--out", required=True, metavar="MODEL", help="model file to write")
    p.add_argument("--rounds", type=int, metavar="N", help="maximum number of rounds")
    p.add_argument("--steps", type=int, metavar="N", help="training steps per round")
    p.add_argument("--profile", choices=("fast", "full"), default="full",
                   help="fast: small model for CPUs; full: paper-scale for a GPU")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--config", metavar="FILE", help="JSON or TOML overrides of TrainConfig")
    p.add_argument("--init", metavar="MODEL", help="fine-tune from this model's weights")
    p.add_argument("--resume", action="store_true",
                   help="continue from the last finished round of --out")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    _add_common(p)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m engine",
                                     description="Semi-supervised road extraction engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_train(sub)
    p = sub.add_parser("info", help="print a model file's metadata as JSON")
    p.add_argument("model", metavar="MODEL")
    _add_common(p)
    p = sub.add_parser("synth", help="write a generated scene with its true roads")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", type=int, default=512, metavar="PX")
    p.add_argument("--style", choices=("suburban", "rural"), default="suburban")
    p.add_argument("--bands", type=int, choices=(1, 3, 4), default=3)
    p.add_argument("--dtype", choices=("uint8", "uint16", "float32"), default="uint8")
    p.add_argument("--overwrite", action="store_true")
    _add_common(p)
    return parser


def _train_config(args: argparse.Namespace) -> Any:
    from .config import load_config_file, profile_config

    config = profile_config(args.profile)
    if args.config:
        config = config.updated(load_config_file(args.config))
    flags = {"max_rounds": args.rounds, "steps_per_round": args.steps, "seed": args.seed,
             "road_width_m": args.road_width}
    return config.updated({k: v for k, v in flags.items() if v is not None})


def _run_train(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    from .training import TrainJob, train

    config = _train_config(args)
    if args.profile == "full" and args.device in ("auto", "cpu"):
        import torch

        if args.device == "cpu" or not torch.cuda.is_available():
            reporter.warning("the full profile is meant for a GPU; on a CPU it takes hours "
                             "(use --profile fast)")
    job = TrainJob(images=tuple(args.image), roads=args.roads, out=args.out, aoi=args.aoi,
                   background=args.background,
                   unlabeled=tuple(p for group in args.unlabeled for p in group),
                   width_field=args.width_field or None, resume=args.resume,
                   overwrite=args.overwrite, init_model=args.init)
    result = train(job, config, device=args.device, reporter=reporter)
    return {"model": result.model_path, "best_round": result.best_round,
            "rounds": len(result.rounds), "stop_reason": result.stop_reason,
            "metrics": result.rounds[result.best_round - 1]["metrics"]}


def _run_info(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    from .model_file import read_model_file

    _, meta = read_model_file(args.model)
    if args.progress != "json":
        print(json.dumps(meta, indent=2))
    return {"metadata": meta}


def _run_synth(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    import numpy as np

    from .synth import SceneConfig, generate_scene, write_scene

    config = SceneConfig(size_px=args.size, style=args.style, bands=args.bands,
                         dtype=args.dtype)
    reporter.progress("generating scene", 0, 1)
    scene = generate_scene(config, rng=np.random.default_rng(args.seed))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    paths = write_scene(scene, args.out, overwrite=args.overwrite)
    reporter.progress("generating scene", 1, 1)
    for kind, path in paths.items():
        reporter.artifact(kind, str(path))
    return {"files": {k: str(v) for k, v in paths.items()}}


COMMANDS: dict[str, Callable[[argparse.Namespace, Reporter], dict[str, Any]]] = {
    "train": _run_train, "info": _run_info, "synth": _run_synth,
}


def _sink(mode: str) -> EventSink:
    if mode == "json":
        return JsonLinesSink(sys.stdout)
    if mode == "bar":
        from .progress_bar import BarSink

        return BarSink()
    return NullSink()


def _install_cancel() -> threading.Event:
    """SIGTERM / SIGINT ask the run to stop at the next check instead of dying mid-write."""
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return 0 on success, 2 on bad input, 1 on an internal failure."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    stop = _install_cancel()
    reporter = Reporter(_sink(args.progress), should_stop=stop.is_set)
    try:
        result = COMMANDS[args.command](args, reporter)
    except EngineError as err:
        reporter.error(str(err), error_type=type(err).__name__, exit_code=err.exit_code)
        if args.progress != "json":
            print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except Exception as err:  # the CLI boundary: report any crash as an event, exit 1
        tb = traceback.format_exc()
        log.debug("%s", tb)
        reporter.error(f"internal error: {err!r}\n{tb}", error_type=type(err).__name__,
                       exit_code=1)
        if args.progress != "json":
            print(tb, file=sys.stderr)
        return 1
    reporter.done(**result)
    if args.command == "train" and args.progress == "bar":
        print(f"model written to {result['model']} (best round {result['best_round']}, "
              f"stopped: {result['stop_reason']})")
    return 0
