"""Pieces shared by the sub-commands: common options and the command table type."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..events import Reporter

__all__ = ["Command", "add_common", "add_distributed", "claimed", "distributed_run",
           "label_files", "label_sources", "profile_train_config"]

#: A sub-command: registers its parser, then runs with the parsed arguments.
Command = tuple[Callable[[Any], argparse.ArgumentParser],
                Callable[[argparse.Namespace, Reporter], dict[str, Any]]]


def add_common(p: argparse.ArgumentParser) -> None:
    """Options every sub-command has."""
    p.add_argument("--progress", choices=("bar", "json", "none"), default="bar",
                   help="bar: progress bars for people; json: one JSON event per line on "
                        "stdout (for the plugin); none: quiet")
    p.add_argument("--log-level", default="WARNING",
                   choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="engine log level")


def add_distributed(p: argparse.ArgumentParser) -> None:
    """Options of the sub-commands that run under torchrun."""
    p.add_argument("--dist-timeout-min", type=float, default=30.0, metavar="MIN",
                   help="under torchrun: how long a process waits for the others in a "
                        "collective before giving up (30)")


@contextlib.contextmanager
def distributed_run(args: argparse.Namespace) -> Iterator[tuple[Any, str]]:
    """Join torchrun's process group, when started by torchrun, for the block.

    Yields the :class:`~engine.distributed.DistributedContext` and the device of this
    process: ``--device`` itself with one process, ``cuda:LOCAL_RANK`` or ``cpu`` with
    several. torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK) are read here only.
    """
    from ..distributed import context_from_env, process_group, rank_device

    ctx = context_from_env(os.environ, device=args.device)
    device = str(rank_device(ctx, args.device)) if ctx.is_distributed else args.device
    with process_group(ctx, timeout_min=args.dist_timeout_min) as joined:
        yield joined, device


@contextlib.contextmanager
def claimed(outputs: Mapping[str, str | Path]) -> Iterator[None]:
    """Claim the outputs for the block (:func:`engine.io.claim.claimed_outputs`): a second
    run given one of them at the same time is refused.

    Under torchrun rank 0 alone claims: it writes the outputs (the other ranks' part files
    are named after it), and a claim of every rank would refuse the ranks after the first.
    """
    from ..io.claim import claimed_outputs

    if int(os.environ.get("RANK", "0")) != 0:
        yield
        return
    with claimed_outputs(outputs):
        yield


def label_files(args: argparse.Namespace) -> dict[str, str | None]:
    """The label files given (``--roads``, ``--aoi``, ``--background``), by option."""
    return {"--roads": args.roads, "--aoi": args.aoi, "--background": args.background}


def label_sources(args: argparse.Namespace) -> Any:
    """The :class:`~engine.labels.LabelSources` of the label options (checked now), or None
    without ``--roads``."""
    from ..labels import LabelSources

    if not args.roads:
        return None
    return LabelSources(roads=args.roads, aoi=args.aoi, background=args.background,
                        road_width_m=args.road_width, width_field=args.width_field or None)


def profile_train_config(profile: str, config_file: str | None) -> Any:
    """The TrainConfig of ``--profile`` with the overrides of ``--config`` (if given)."""
    from ..config import load_config_file, profile_config
    from ..errors import BadInputError

    config = profile_config(profile)
    if config_file:
        try:
            config = config.updated(load_config_file(config_file))
        except BadInputError as err:
            raise BadInputError(f"--config {config_file}: {err}") from err
    return config
