"""The engine runner the dock's tasks use (one place, so that tests can replace it)."""

from __future__ import annotations

from ..runner import EngineRunner
from ..settings import load_settings, plugin_dir, resolve_python

__all__ = ["engine_runner"]


def engine_runner() -> EngineRunner:
    """A runner of the engine the plugin settings choose."""
    return EngineRunner(resolve_python(load_settings()), plugin_dir())
