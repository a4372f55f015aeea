"""Entry point of the command line: parse, run one sub-command, report, exit code."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import EngineError
from ..events import EventSink, JsonLinesSink, NullSink, Reporter, WarningLogHandler, WarningSink
from .common import Command
from .evaluate import add_evaluate, add_labels, run_evaluate, run_labels
from .extract import add_extract, run_extract
from .label_next import add_label_next, run_label_next
from .pretrain import add_pretrain, run_pretrain
from .roads import add_predict, add_vectorize, run_predict, run_vectorize
from .synth import add_synth, run_synth
from .train import add_info, add_train, run_info, run_train

__all__ = ["main", "build_parser"]

log = logging.getLogger("engine")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m engine",
                                     description="Semi-supervised road extraction engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (add, _) in COMMANDS.items():
        add(sub).set_defaults(command=name)
    return parser


#: Every sub-command by name.
COMMANDS: dict[str, Command] = {
    "train": (add_train, run_train),
    "pretrain": (add_pretrain, run_pretrain),
    "info": (add_info, run_info),
    "synth": (add_synth, run_synth),
    "predict": (add_predict, run_predict),
    "vectorize": (add_vectorize, run_vectorize),
    "extract": (add_extract, run_extract),
    "evaluate": (add_evaluate, run_evaluate),
    "labels": (add_labels, run_labels),
    "label-next": (add_label_next, run_label_next),
}


def _sink(mode: str) -> EventSink:
    if mode == "json":
        return JsonLinesSink(sys.stdout)
    if mode == "bar":
        from ..progress_bar import BarSink

        return BarSink()
    return WarningSink()  # quiet, but warnings still reach stderr


def _install_cancel() -> threading.Event:
    """SIGTERM / SIGINT ask the run to stop at the next check instead of dying mid-write."""
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
    return stop


@contextlib.contextmanager
def _warnings_as_events(reporter: Reporter, log_level: str) -> Iterator[None]:
    """For the run, the engine's logged warnings become the reporter's warning events.

    The ``engine`` logger stops passing records to the root logger meanwhile (they would
    be printed twice); records below WARNING still go to stderr at ``--log-level``.
    """
    engine_log = logging.getLogger("engine")
    bridge = WarningLogHandler(reporter)
    diagnostics = logging.StreamHandler(sys.stderr)
    diagnostics.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    diagnostics.addFilter(lambda record: record.levelno < logging.WARNING)
    engine_log.setLevel(log_level)
    engine_log.addHandler(bridge)
    engine_log.addHandler(diagnostics)
    engine_log.propagate = False
    try:
        yield
    finally:
        engine_log.propagate = True
        engine_log.removeHandler(bridge)
        engine_log.removeHandler(diagnostics)
        engine_log.setLevel(logging.NOTSET)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return 0 on success, 2 on bad input, 1 on an internal failure."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    stop = _install_cancel()
    # Under torchrun (which sets RANK), rank 0 alone speaks: the others share its stdout.
    rank = int(os.environ.get("RANK", "0"))
    reporter = Reporter(_sink(args.progress) if rank == 0 else NullSink(),
                        should_stop=stop.is_set)
    with _warnings_as_events(reporter, args.log_level):
        return _run(args, reporter, rank)


def _run(args: argparse.Namespace, reporter: Reporter, rank: int) -> int:
    """Run the sub-command and turn its outcome into events and an exit code."""
    try:
        result = COMMANDS[args.command][1](args, reporter)
    except EngineError as err:
        reporter.error(str(err), error_type=type(err).__name__, exit_code=err.exit_code)
        if args.progress != "json" or rank != 0:
            print(f"error (rank {rank}): {err}" if rank else f"error: {err}", file=sys.stderr)
        return err.exit_code
    except Exception as err:  # the CLI boundary: report any crash as an event, exit 1
        tb = traceback.format_exc()
        log.debug("%s", tb)
        reporter.error(f"internal error: {err!r}\n{tb}", error_type=type(err).__name__,
                       exit_code=1)
        if args.progress != "json" or rank != 0:
            print(tb, file=sys.stderr)
        return 1
    reporter.done(**result)
    return 0
