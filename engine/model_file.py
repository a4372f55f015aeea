"""The model file: weights plus JSON metadata in one torch file, written atomically."""

from __future__ import annotations

import errno
import json
import logging
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any

import torch

from . import __version__
from .config import ModelConfig
from .errors import BadInputError, ModelLoadError
from .io.atomic import atomic_output
from .io.paths import check_input_file
from .models import RoadNet, build_model
from .normalization import BandStats

__all__ = ["FORMAT", "FORMAT_VERSION", "save_model", "read_model_file", "load_model"]

FORMAT = "road-extraction-model"
FORMAT_VERSION = 1

log = logging.getLogger(__name__)


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
            "engine_version": __version__, **_input_scaling(model)}
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "metadata_json": json.dumps(meta), "state_dict": state}
    with atomic_output(str(path), overwrite=True, suffix=".pt") as tmp:
        torch.save(payload, tmp)


#: What to give instead of a file this engine cannot load.
_GIVE_INSTEAD = "give a model file written by `train` or `pretrain` (their --out)"
#: The first bytes of a zip archive (a model file is one) and of a Python pickle.
_ZIP_MAGIC, _PICKLE_MAGIC = b"PK", b"\x80"


def _input_scaling(model: RoadNet) -> dict[str, Any]:
    """The ImageNet scaling an encoder network applies after the per-band stretch, for a
    reader of the metadata (the network itself holds it as buffers)."""
    backbone = model.backbone
    if not hasattr(backbone, "input_mean"):
        return {}
    return {"input_scaling": {
        "mean": [float(v) for v in backbone.input_mean.flatten()],
        "std": [float(v) for v in backbone.input_std.flatten()],
        "applied": "inside the network, to the bands after `normalization`: (x - mean) / std"}}


def _refusal(path: Path, err: BaseException) -> ModelLoadError:
    """Why torch could not read ``path``, in our words.

    torch's message is never repeated: for a file it cannot load safely it advises loading
    it again with ``weights_only=False``, which would run whatever code the file holds.
    It goes to the debug log, for whoever looks into a damaged file.
    """
    log.debug("torch could not load %s: %r", path, err)
    blocked = sorted(set(re.findall(r"GLOBAL ([\w.]+)", str(err))))
    if isinstance(err, pickle.UnpicklingError) and blocked:
        return ModelLoadError(
            f"{path} holds Python objects that a model file never contains "
            f"({', '.join(blocked)}); it was not loaded, since loading them could run code; "
            f"{_GIVE_INSTEAD}")
    return ModelLoadError(f"{path} is not a readable model file: {_what_it_is(path, err)}; "
                          f"this engine loads only its own model files: {_GIVE_INSTEAD}")


def _what_it_is(path: Path, err: BaseException) -> str:
    """What ``path`` holds instead of a model, told by its first bytes."""
    if isinstance(err, OSError) and err.errno != errno.EINVAL:  # EINVAL: torch on bad bytes
        return f"reading it failed ({err.strerror or err})"
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as read_err:
        return f"reading it failed ({read_err.strerror or read_err})"
    if not head:
        return "it is empty"
    if head.startswith(_ZIP_MAGIC):
        if zipfile.is_zipfile(path):
            return "it is a zip archive that does not hold a model"
        return "it is a damaged or incomplete zip archive (a model file cut short?)"
    if head.startswith(_PICKLE_MAGIC):
        return "it is a Python pickle, not a model file"
    return "its contents are not those of a model file (another kind of file, or damaged)"


def _is_count(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _metadata_of(payload: dict[str, Any], path: Path) -> dict[str, Any]:
    """The checked metadata of a loaded payload; ModelLoadError naming what is wrong."""
    text = payload.get("metadata_json")
    if not text or not isinstance(text, str):
        raise ModelLoadError(f"{path} has no metadata (metadata_json); it was not written by "
                             "`train`")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelLoadError(f"{path}: its metadata is not valid JSON ({err})") from err
    if not isinstance(meta, dict):
        raise ModelLoadError(f"{path}: its metadata is a {type(meta).__name__}, not a JSON "
                             "object")
    version = meta.get("format_version", 0)
    if not _is_count(version, 0):
        raise ModelLoadError(f"{path}: its format_version {version!r} is not a whole number")
    if version > FORMAT_VERSION:
        raise ModelLoadError(
            f"{path} was written by a newer engine (format {version}, engine "
            f"{meta.get('engine_version')}); update the plugin to read it")
    _check_contents(meta, payload.get("state_dict"), path)
    return meta


def _check_contents(meta: dict[str, Any], state: Any, path: Path) -> None:
    """Bands, normalisation, configuration and weights: what every reader relies on."""
    bands = meta.get("bands")
    count = bands.get("count") if isinstance(bands, dict) else None
    if not _is_count(count, 1):
        raise ModelLoadError(f"{path}: its bands.count {count!r} is not a whole number >= 1")
    if "normalization" not in meta:
        raise ModelLoadError(f"{path} has no normalization statistics in its metadata")
    try:
        stats = BandStats.from_dict(meta["normalization"])
    except (BadInputError, TypeError, ValueError, AttributeError) as err:
        raise ModelLoadError(f"{path}: its normalization is not usable ({err})") from err
    if len(stats.low) != count:
        raise ModelLoadError(f"{path}: its normalization has {len(stats.low)} band(s) for "
                             f"bands.count {count}")
    config = meta.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict):
        raise ModelLoadError(f"{path}: its config.model is not a table of the network's "
                             "settings")
    if not isinstance(state, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise ModelLoadError(f"{path}: its weights (state_dict) are not a table of tensors")


def read_model_file(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Load a model file safely (``weights_only=True``) and check what it holds.

    Returns
    -------
    state_dict : dict of str to Tensor
    metadata : dict
        With a whole-number ``bands.count``, usable ``normalization`` for that many bands
        and a ``config.model`` table.

    Raises
    ------
    ModelLoadError
        A missing file or a folder, a file torch cannot read, one holding Python objects
        (refused unread, since loading them could run code), or one whose metadata or
        weights are missing or malformed; the message says which.
    """
    p = Path(check_input_file(path, "model file", error=ModelLoadError))
    try:
        payload = torch.load(p, map_location="cpu", weights_only=True)
    # torch's loader fails on foreign bytes with any of these (a text file: KeyError).
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError, KeyError,
            IndexError, TypeError, AttributeError) as err:
        raise _refusal(p, err) from err
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelLoadError(f"{p} is not a road-extraction model file")
    meta = _metadata_of(payload, p)
    return payload["state_dict"], meta


def load_model(path: str | Path, *, device: torch.device | None = None
               ) -> tuple[RoadNet, dict[str, Any]]:
    """Rebuild the network described by a model file and load its weights (eval mode)."""
    state, meta = read_model_file(path)
    try:
        config = ModelConfig(**meta["config"]["model"])
        model = build_model(config, in_channels=int(meta["bands"]["count"]),
                            load_weights=False)
        model.load_state_dict(state)
    except (KeyError, TypeError, RuntimeError) as err:
        raise ModelLoadError(f"{str(path)!r} does not describe a usable model: {err}") from err
    return model.to(device or torch.device("cpu")).eval(), meta
