"""Pieces shared by the sub-commands: common options and the command table type."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..events import Reporter

__all__ = ["Command", "add_common"]

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
