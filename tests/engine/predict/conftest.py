"""Fixtures of the prediction tests: tiny model files and small hand-made rasters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from osgeo import osr

from engine.config import TrainConfig
from engine.io.geotiff import write_raster
from engine.io.raster import open_raster
from engine.model_file import save_model
from engine.models import build_model
from engine.normalization import BandStats

#: Ground pixel of the test rasters and of the models' training data, in metres.
PIXEL_M = 0.5


def utm_wkt() -> str:
    """WKT of UTM zone 31N (metres), the CRS of every test raster."""
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32631)
    return srs.ExportToWkt()


def write_image(path: Path, array: np.ndarray, *, nodata: float | None = 0,
                pixel_m: float = PIXEL_M) -> Path:
    """Write a (bands, rows, cols) array as a GeoTIFF with square pixels of ``pixel_m``."""
    geotransform = (448000.0, pixel_m, 0.0, 5411000.0, 0.0, -pixel_m)
    write_raster(str(path), array, geotransform=geotransform, crs_wkt=utm_wkt(), nodata=nodata)
    return path


def _calibrate(model: torch.nn.Module, pixels: np.ndarray) -> None:
    """Set batch-norm statistics from ``pixels`` (bands, rows, cols), normalised.

    A freshly initialised network has running statistics (mean 0, variance 1) far from its
    activations, so its output is nearly constant; calibrated, it varies over the image,
    which tests of blending need.
    """
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # a plain average over the calibration pass
    model.train()
    with torch.no_grad():
        model(torch.from_numpy(pixels[None]).float(), with_embedding=False)
    model.eval()


def make_model_file(path: Path, config: TrainConfig, *, bands: int,
                    pixel_size_m: float = PIXEL_M, seed: int = 0,
                    calibration: np.ndarray | None = None) -> Path:
    """Save a tiny model with the metadata training writes.

    ``calibration`` (bands, rows, cols) uint8 pixels set its batch-norm statistics.
    """
    model = build_model(config.model, bands, seed=seed)
    if calibration is not None:
        _calibrate(model, calibration.astype(np.float32) / 255.0)
    meta = {
        "bands": {"count": bands, "dtype": "uint8", "nodata": [0.0] * bands},
        "normalization": BandStats(low=(0.0,) * bands, high=(255.0,) * bands).to_dict(),
        "architecture": config.to_dict()["model"],
        "pixel_size_m": pixel_size_m,
        "config": config.to_dict(),
    }
    save_model(path, model, meta)
    return path


@pytest.fixture(scope="session")
def model_rgb(tmp_path_factory, tiny_config, scene_pixels) -> Path:
    """A tiny 3-band model file (0.5 m pixels) whose output varies over the scene."""
    return make_model_file(tmp_path_factory.mktemp("model") / "rgb.pt", tiny_config, bands=3,
                           calibration=scene_pixels)


@pytest.fixture(scope="session")
def scene_pixels(scene_factory, tmp_path_factory) -> np.ndarray:
    """A generated 256 px RGB scene, (3, 256, 256) uint8 without nodata (values >= 1)."""
    paths = scene_factory(tmp_path_factory.mktemp("scene256"), seed=5, size_px=256, bands=3)
    return open_raster(str(paths["image"])).ReadAsArray()


@pytest.fixture
def image_150x200(tmp_path, scene_pixels) -> Path:
    """A 150-row, 200-column RGB raster: neither side is a multiple of the stride."""
    return write_image(tmp_path / "image.tif", scene_pixels[:, :150, :200])
