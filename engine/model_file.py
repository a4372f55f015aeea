"""The model file: weights plus JSON metadata in one torch file, written atomically."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import torch

from . import __version__
from .config import ModelConfig
from .errors import ModelLoadError
from .io.atomic import atomic_output
from .models import RoadNet, build_model

__all__ = ["FORMAT", "FORMAT_VERSION", "save_model", "read_model_file", "load_model"]

FORMAT = "road-extraction-model"
FORMAT_VERSION = 1


def save_model(path: str | Path, model: RoadNet, metadata: dict[str, Any]) -> None:
    """Write weights and metadata to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        Destination; replaced when it exists (callers decide whether that is allowed).
    model : RoadNet
    metadata : dict
        JSON-serialisable description (bands, normalisation, config, metrics, ...);
        the engine version and format are added here.
    """
    meta = {**metadata, "format": FORMAT, "format_version": FORMAT_VERSION,
            "engine_version": __version__}
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "metadata_json": json.dumps(meta), "state_dict": state}
    with atomic_output(str(path), overwrite=True, suffix=".pt") as tmp:
        torch.save(payload, tmp)


def read_model_file(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Load a model file safely (``weights_only=True``).

    Returns
    -------
    state_dict : dict of str to Tensor
    metadata : dict
    """
    p = Path(path)
    if not p.is_file():
        raise ModelLoadError(f"model file {str(p)!r} does not exist")
    try:
        payload = torch.load(p, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as err:
        raise ModelLoadError(f"{str(p)!r} is not a readable model file: {err}") from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelLoadError(f"{str(p)!r} is not a road-extraction model file")
    meta = json.loads(payload["metadata_json"])
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ModelLoadError(
            f"{str(p)!r} was written by a newer engine (format {meta['format_version']}, "
            f"engine {meta.get('engine_version')}); update the plugin to read it")
    return payload["state_dict"], meta


def load_model(path: str | Path, *, device: torch.device | None = None
               ) -> tuple[RoadNet, dict[str, Any]]:
    """Rebuild the network described by a model file and load its weights (eval mode)."""
    state, meta = read_model_file(path)
    try:
        config = ModelConfig(**meta["config"]["model"])
        model = build_model(config, in_channels=int(meta["bands"]["count"]))
        model.load_state_dict(state)
    except (KeyError, TypeError, RuntimeError) as err:
        raise ModelLoadError(f"{str(path)!r} does not describe a usable model: {err}") from err
    return model.to(device or torch.device("cpu")).eval(), meta
