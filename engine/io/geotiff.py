"""Atomic writing of tiled, compressed GeoTIFFs."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
from osgeo import gdal, osr

from engine.errors import BadInputError
from engine.io.atomic import atomic_output
from engine.io.crs import spatial_reference

__all__ = ["write_raster", "gtiff_options", "BLOCK_PX"]

gdal.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)

# numpy dtype name -> GDAL data type that write_raster accepts (GDAL 3.6 has no Int8).
_GDAL_TYPES = {
    "uint8": gdal.GDT_Byte,
    "uint16": gdal.GDT_UInt16,
    "int16": gdal.GDT_Int16,
    "uint32": gdal.GDT_UInt32,
    "int32": gdal.GDT_Int32,
    "float32": gdal.GDT_Float32,
    "float64": gdal.GDT_Float64,
}
#: Side of the square tiles of written GeoTIFFs, in pixels.
BLOCK_PX = 256


def gtiff_options(*, floating: bool) -> list[str]:
    """Creation options of every GeoTIFF the engine writes: tiled, DEFLATE, BigTIFF if needed.

    Parameters
    ----------
    floating : bool
        Float pixels use the floating-point predictor (3), integers the horizontal one (2).
    """
    return ["TILED=YES", f"BLOCKXSIZE={BLOCK_PX}", f"BLOCKYSIZE={BLOCK_PX}",
            "COMPRESS=DEFLATE", f"PREDICTOR={3 if floating else 2}", "BIGTIFF=IF_SAFER"]


def _as_bands(array: np.ndarray, dtype: str | np.dtype | None) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[np.newaxis]
    if array.ndim != 3 or 0 in array.shape:
        raise BadInputError(
            f"array must have shape (bands, rows, cols) or (rows, cols); got {array.shape}"
        )
    target = np.dtype(np.uint8 if array.dtype == bool else (dtype or array.dtype))
    if target.name not in _GDAL_TYPES:
        raise BadInputError(
            f"dtype {target.name} cannot be written; use one of {', '.join(_GDAL_TYPES)}"
        )
    return array.astype(target, copy=False)


def write_raster(
    path: str,
    array: np.ndarray,
    *,
    geotransform: Sequence[float],
    crs_wkt: str,
    nodata: float | Sequence[float | None] | None = None,
    dtype: str | np.dtype | None = None,
    overwrite: bool = False,
) -> None:
    """Write a tiled, DEFLATE-compressed GeoTIFF atomically.

    Parameters
    ----------
    path : str
        Output file; written to a temporary file in the same folder, then renamed.
    array : np.ndarray
        Shape (bands, rows, cols) or (rows, cols); bool is written as uint8.
    geotransform : sequence of 6 float
        GDAL geotransform of the output grid.
    crs_wkt : str
        CRS of the output (WKT, or anything osr's SetFromUserInput accepts).
    nodata : float or sequence of float or None
        One value for every band, or one per band (None leaves a band without nodata).
    dtype : str or np.dtype, optional
        Pixel type written; defaults to the array's dtype.
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    OutputWriteError
        The file exists and overwrite is False, the folder is missing or not writable,
        or the disk is full; no temporary file is left behind.
    """
    bands = _as_bands(array, dtype)
    if len(geotransform) != 6:
        raise BadInputError(f"geotransform must have 6 numbers; got {tuple(geotransform)}")
    if nodata is None or np.isscalar(nodata):
        nodata = [nodata] * bands.shape[0]  # type: ignore[list-item]
    if len(nodata) != bands.shape[0]:  # type: ignore[arg-type]
        raise BadInputError(f"nodata has {len(nodata)} values for {bands.shape[0]} bands")
    srs = spatial_reference(crs_wkt)
    with atomic_output(path, overwrite=overwrite, suffix=".tif") as tmp:
        _write_gtiff(tmp, bands, tuple(geotransform), srs.ExportToWkt(), list(nodata))
    logger.debug("wrote %s %s %s", path, bands.shape, bands.dtype)


def _write_gtiff(
    tmp: str,
    bands: np.ndarray,
    geotransform: tuple[float, ...],
    crs_wkt: str,
    nodata: list[float | None],
) -> None:
    count, rows, cols = bands.shape
    options = gtiff_options(floating=bool(np.issubdtype(bands.dtype, np.floating)))
    driver = gdal.GetDriverByName("GTiff")
    ds = driver.Create(tmp, cols, rows, count, _GDAL_TYPES[bands.dtype.name], options=options)
    try:
        ds.SetGeoTransform(geotransform)
        ds.SetProjection(crs_wkt)
        _write_bands(ds, bands, nodata)
        ds.FlushCache()
    finally:
        ds = None  # closes the file (last blocks, header), also before a failed file is removed
    check = gdal.Open(tmp)  # raises if closing failed to produce a readable file
    if (check.RasterXSize, check.RasterYSize, check.RasterCount) != (cols, rows, count):
        raise RuntimeError(f"the written file {tmp} is incomplete")


def _write_bands(ds: gdal.Dataset, bands: np.ndarray, nodata: list[float | None]) -> None:
    for index, band_data in enumerate(bands):
        band = ds.GetRasterBand(index + 1)
        if nodata[index] is not None:
            band.SetNoDataValue(float(nodata[index]))
        band.WriteArray(band_data)
