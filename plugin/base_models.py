"""The bundled base road models, as the plugin sees them: which file serves a band count.

The plugin's one copy of the naming rule; it mirrors engine/base_model.py (the plugin does
not import the engine's modules that need numpy/GDAL/torch), and a test checks that both
agree. The engine resolves ``--model base`` itself; the plugin only looks whether the file
is there, to enable the dock's First guess and to name a missing file before a run.
"""

from __future__ import annotations

import os
from pathlib import Path

from .settings import plugin_dir

__all__ = ["BASE_MODEL_ARG", "BASE_MODELS_ENV", "base_model_path", "base_models_dir",
           "find_base_model"]

#: The ``--model`` value that makes extract/predict use the base model of the raster's bands
#: (engine.base_model.BASE_MODEL_NAME).
BASE_MODEL_ARG = "base"
#: Environment variable naming another folder of base models (engine.base_model
#: .BASE_MODELS_ENV); the engine subprocess inherits it, so both look in the same folder.
BASE_MODELS_ENV = "ROADS_BASE_MODELS_DIR"


def base_models_dir() -> Path:
    """Where the base models are: $ROADS_BASE_MODELS_DIR, else resources/models/."""
    return Path(os.environ.get(BASE_MODELS_ENV) or plugin_dir() / "resources" / "models")


def base_model_path(bands: int) -> Path:
    """The base model file of rasters with ``bands`` bands (``.../base_3band.pt``), whether
    it is there or not."""
    return base_models_dir() / f"base_{bands}band.pt"


def find_base_model(bands: int) -> Path | None:
    """The bundled base model of rasters with ``bands`` bands, or None when none is."""
    path = base_model_path(bands)
    return path if path.is_file() else None
