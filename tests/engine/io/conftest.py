"""Tiny generated rasters for the engine.io tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from osgeo import gdal, osr

gdal.UseExceptions()

# A 1 m grid in UTM 31N whose top-left corner is (500000, 5000064).
UTM_GEOTRANSFORM = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)


def epsg_wkt(code: int) -> str:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(code)
    return srs.ExportToWkt()


@pytest.fixture
def make_raster(tmp_path) -> Callable[..., str]:
    """Factory writing a GeoTIFF with GDAL directly (not with the code under test)."""

    def make(
        array: np.ndarray,
        *,
        name: str = "image.tif",
        nodata: float | None = None,
        crs_epsg: int | None = 32631,
        geotransform: tuple = UTM_GEOTRANSFORM,
        options: tuple[str, ...] = (),
    ) -> str:
        array = array if array.ndim == 3 else array[np.newaxis]
        path = str(tmp_path / name)
        code = gdal.GetDataTypeByName(
            {"uint8": "Byte", "uint16": "UInt16", "float32": "Float32", "int16": "Int16"}[
                array.dtype.name
            ]
        )
        ds = gdal.GetDriverByName("GTiff").Create(
            path, array.shape[2], array.shape[1], array.shape[0], code, options=list(options)
        )
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
def scene() -> Callable[[int, str], np.ndarray]:
    """Factory of a seeded 64 x 64 scene with ``bands`` bands of ``dtype``, values >= 1."""

    def make(bands: int = 3, dtype: str = "uint16") -> np.ndarray:
        rng = np.random.default_rng(42)
        return rng.integers(1, 200, size=(bands, 64, 64)).astype(dtype)

    return make
