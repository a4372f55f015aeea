"""Command line of the engine: ``python -m engine <command>``."""

from .main import build_parser, main

__all__ = ["main", "build_parser"]
