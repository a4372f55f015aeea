"""The bundled base road models: where they live and which one serves a band count."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ModelLoadError
from .io.raster import read_info

__all__ = ["BASE_MODELS_DIR", "BASE_MODELS_ENV", "BASE_MODEL_NAME", "base_model_name",
           "find_base_model", "require_base_model", "model_for_raster"]

#: Folder of the base models shipped with the plugin (resources/models/ of the checkout).
BASE_MODELS_DIR = Path(__file__).resolve().parents[1] / "resources" / "models"
#: Environment variable naming another folder of base models (tests, a shared model store);
#: the QGIS plugin reads it too (plugin/base_models.py), so both look in the same folder.
BASE_MODELS_ENV = "ROADS_BASE_MODELS_DIR"
#: The word that names the base model in ``--model`` (a file named so is given as ./base).
BASE_MODEL_NAME = "base"


def base_model_name(bands: int) -> str:
    """File name of the base model of rasters with ``bands`` bands (``base_3band.pt``)."""
    return f"base_{bands}band.pt"


def _folder(folder: str | Path | None) -> Path:
    # Read at call time, so that tests (and a caller) may point the module elsewhere.
    if folder is not None:
        return Path(folder)
    return Path(os.environ.get(BASE_MODELS_ENV) or BASE_MODELS_DIR)


def find_base_model(bands: int, *, folder: str | Path | None = None) -> Path | None:
    """The bundled base model for ``bands`` bands, or None when none is bundled.

    Parameters
    ----------
    bands : int
        Band count of the rasters (1 panchromatic, 3 RGB).
    folder : str or Path, optional
        Where base models are looked for; when omitted, the folder the environment variable
        :data:`BASE_MODELS_ENV` names, else :data:`BASE_MODELS_DIR`.
    """
    path = _folder(folder) / base_model_name(bands)
    return path if path.is_file() else None


def require_base_model(bands: int, *, folder: str | Path | None = None,
                       option: str = "--model base") -> Path:
    """Like :func:`find_base_model`, but a missing base model is an error naming the file.

    Raises
    ------
    ModelLoadError
        No base model for ``bands`` bands is bundled in ``folder``.
    """
    path = find_base_model(bands, folder=folder)
    if path is None:
        raise ModelLoadError(
            f"{option}: no base model for {bands}-band rasters is bundled yet (looked for "
            f"{_folder(folder) / base_model_name(bands)}); train one with `python -m engine "
            f"pretrain --bands {bands} --out MODEL.pt` and give its path, or train on labels")
    return path


def model_for_raster(model: str, image: str, *, folder: str | Path | None = None,
                     option: str = "--model") -> str:
    """The model file to predict ``image`` with: ``model`` itself, or for ``base`` the
    bundled base model of the raster's band count."""
    if model != BASE_MODEL_NAME:
        return model
    bands = read_info(image).band_count
    return str(require_base_model(bands, folder=folder, option=f"{option} base"))
