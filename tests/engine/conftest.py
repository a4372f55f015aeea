"""Fixtures shared by the engine tests: a tiny training configuration and generated scenes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, gdal_array, osr

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


#: A 1 m grid in UTM 31N whose top-left corner is (500000, 5000064).
UTM_GEOTRANSFORM = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)
# The probability rasters of the vectorize tests sit on a grid whose corner is (500000, 5000200).
UTM_GT = (500000.0, 1.0, 0.0, 5000200.0, 0.0, -1.0)


def epsg_wkt(code: int) -> str:
    """The WKT of an EPSG code."""
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(code)
    return srs.ExportToWkt()


@pytest.fixture
def make_raster(tmp_path) -> Callable[..., str]:
    """Factory writing an array (rows, cols) or (bands, rows, cols) as a GeoTIFF, with GDAL
    directly (not with the code under test)."""

    def make(array: np.ndarray, *, name: str = "image.tif", nodata: float | None = None,
             crs_epsg: int | None = 32631, geotransform: tuple = UTM_GEOTRANSFORM,
             options: tuple[str, ...] = ()) -> str:
        array = array if array.ndim == 3 else array[np.newaxis]
        path = str(tmp_path / name)
        code = gdal_array.NumericTypeCodeToGDALTypeCode(array.dtype)
        ds = gdal.GetDriverByName("GTiff").Create(
            path, array.shape[2], array.shape[1], array.shape[0], code, options=list(options))
        ds.SetGeoTransform(geotransform)
        if crs_epsg is not None:
            ds.SetProjection(epsg_wkt(crs_epsg))
        for index, band_data in enumerate(array):
            band = ds.GetRasterBand(index + 1)
            if nodata is not None:
                band.SetNoDataValue(nodata)
            band.WriteArray(band_data)
        ds = None
        return path

    return make


@pytest.fixture
def write_prob(make_raster) -> Callable[..., str]:
    """:func:`make_raster` named ``prob.tif`` on the vectorize tests' grid."""

    def make(array: np.ndarray, *, name: str = "prob.tif", geotransform: tuple = UTM_GT,
             **kwargs) -> str:
        return make_raster(array, name=name, geotransform=geotransform, **kwargs)

    return make


@pytest.fixture(scope="session")
def scene_iou() -> Callable[..., float]:
    """IoU of a model against a scene's true mask over every valid pixel (labeled or not)."""
    from engine.inference import predict_probability
    from engine.io.raster import Window, open_raster, read_info, read_window
    from engine.metrics import pixel_scores
    from engine.normalization import normalize

    def score(model, files: dict, stats) -> float:
        info = read_info(str(files["image"]))
        whole = Window(0, 0, info.height, info.width)
        image = normalize(read_window(open_raster(info.path), whole), stats)
        truth = read_window(open_raster(str(files["truth"])), whole)[0]
        prob = predict_probability(model, image, tile_px=64)
        return pixel_scores(prob >= 0.5, truth == 1, valid=truth != 255).iou

    return score
