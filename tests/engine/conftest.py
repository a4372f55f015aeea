"""Fixtures shared by the engine tests: a tiny training configuration and generated scenes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, osr

from engine.config import TrainConfig
from engine.synth import SceneConfig, generate_scene, write_scene

#: A configuration small enough for tests on 2 CPU cores (seconds per round); the plugin
#: tests read the same file.
TINY = json.loads((Path(__file__).parents[1] / "tiny_config.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tiny_config() -> TrainConfig:
    """The tiny training configuration (frozen, so one instance serves every test)."""
    return TrainConfig().updated(TINY)


def make_scene(folder: Path, *, seed: int = 3, size_px: int = 160, bands: int = 3,
               aoi_fraction: float = 0.6) -> dict[str, Path]:
    """Write a generated scene into ``folder`` and return its file paths."""
    config = SceneConfig(size_px=size_px, bands=bands, aoi_fraction=aoi_fraction)
    scene = generate_scene(config, rng=np.random.default_rng(seed))
    folder.mkdir(parents=True, exist_ok=True)
    return write_scene(scene, folder)


@pytest.fixture(scope="session")
def scene_factory():
    """:func:`make_scene`, for tests that need a scene of their own."""
    return make_scene


@pytest.fixture(scope="session")
def scene_files(tmp_path_factory) -> dict[str, Path]:
    """One generated 160 px RGB scene, shared read-only by the tests of a session."""
    return make_scene(tmp_path_factory.mktemp("scene"))


# A 1 m grid in UTM 31N whose top-left corner is (500000, 5000200).
UTM_GT = (500000.0, 1.0, 0.0, 5000200.0, 0.0, -1.0)
_GDAL_TYPES = {"uint8": gdal.GDT_Byte, "uint16": gdal.GDT_UInt16, "int32": gdal.GDT_Int32,
               "float32": gdal.GDT_Float32, "float64": gdal.GDT_Float64}


@pytest.fixture
def write_prob(tmp_path) -> Callable[..., str]:
    """Factory writing an array (rows, cols) or (bands, rows, cols) as a GeoTIFF."""

    def make(array: np.ndarray, *, name: str = "prob.tif", nodata: float | None = None,
             crs_epsg: int = 32631, geotransform: tuple = UTM_GT) -> str:
        array = array if array.ndim == 3 else array[np.newaxis]
        path = str(tmp_path / name)
        ds = gdal.GetDriverByName("GTiff").Create(
            path, array.shape[2], array.shape[1], array.shape[0], _GDAL_TYPES[array.dtype.name])
        ds.SetGeoTransform(geotransform)
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(crs_epsg)
        ds.SetProjection(srs.ExportToWkt())
        for index, band_data in enumerate(array):
            band = ds.GetRasterBand(index + 1)
            if nodata is not None:
                band.SetNoDataValue(nodata)
            band.WriteArray(band_data)
        ds = None
        return path

    return make
