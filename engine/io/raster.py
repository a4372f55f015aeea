"""Raster headers (RasterInfo) and opening; the raster API in one import path."""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

from osgeo import gdal, osr

from engine.errors import RasterReadError
from engine.io.geotiff import write_raster
from engine.io.paths import check_input_file
from engine.io.windows import (
    Window,
    dataset_dtype,
    raster_is_all_nodata,
    read_valid_mask,
    read_window,
    sample_valid_pixels,
    window_is_empty,
)

# Window and the pixel functions are re-exported: the whole raster API is importable from here.
__all__ = [
    "Window",
    "RasterInfo",
    "open_raster",
    "read_info",
    "read_window",
    "read_valid_mask",
    "write_raster",
    "sample_valid_pixels",
    "raster_is_all_nodata",
    "window_is_empty",
    "dataset_dtype",
]

gdal.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RasterInfo:
    """What the engine needs to know about a raster, read once from its header."""

    path: str  # as given by the caller
    width: int  # columns
    height: int  # rows
    band_count: int
    dtype: str  # numpy dtype name of the first band, e.g. "uint16"
    geotransform: tuple[float, float, float, float, float, float]  # GDAL order, north-up
    crs_wkt: str  # WKT of the raster's CRS, never empty
    nodata: tuple[float | None, ...]  # per band, None where unset
    is_geographic: bool  # True when the CRS is in degrees (lon/lat)
    pixel_size: tuple[float, float]  # (x, y), absolute, in CRS units
    pixel_size_m: float  # approximate metres per pixel, mean of x and y, at the centre
    bounds: tuple[float, float, float, float]  # (xmin, ymin, xmax, ymax) in CRS units

    def to_dict(self) -> dict:
        """A JSON-ready dictionary of every field."""
        return asdict(self)


def open_raster(path: str) -> gdal.Dataset:
    """Open a raster read-only.

    Parameters
    ----------
    path : str
        Any file GDAL reads as a raster (GeoTIFF, VRT, JP2, ...).

    Returns
    -------
    gdal.Dataset
        Keep a reference to it for as long as its bands are used.

    Raises
    ------
    RasterReadError
        When the file is missing, unreadable, or has no band.
    """
    check_input_file(path, "raster", error=RasterReadError)
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_RASTER | gdal.OF_READONLY)
    except RuntimeError as err:
        raise RasterReadError(
            f"cannot read {path} as a raster ({err}); give a file GDAL reads, "
            "such as a GeoTIFF, VRT or JP2"
        ) from err
    if ds is None or ds.RasterCount == 0:
        raise RasterReadError(f"{path} has no raster band; give an image file")
    return ds


def read_info(path: str) -> RasterInfo:
    """Read and check a raster's header.

    Parameters
    ----------
    path : str
        The raster file.

    Returns
    -------
    RasterInfo

    Raises
    ------
    RasterReadError
        Missing or unreadable file, no CRS, or a rotated geotransform.
    """
    ds = open_raster(path)
    crs_wkt = ds.GetProjection()
    if not crs_wkt:
        raise RasterReadError(
            f"{path} has no coordinate reference system; assign one, "
            "e.g. gdal_edit.py -a_srs EPSG:xxxx"
        )
    gt = tuple(float(v) for v in ds.GetGeoTransform())
    if gt[2] != 0.0 or gt[4] != 0.0:
        raise RasterReadError(
            f"{path} has a rotated geotransform {gt}, which is not supported; warp it "
            "north-up first, e.g. gdalwarp in.tif out.tif"
        )
    width, height = ds.RasterXSize, ds.RasterYSize
    srs = osr.SpatialReference(wkt=crs_wkt)
    xs = (gt[0], gt[0] + width * gt[1])
    ys = (gt[3], gt[3] + height * gt[5])
    bounds = (min(xs), min(ys), max(xs), max(ys))
    pixel_size = (abs(gt[1]), abs(gt[5]))
    return RasterInfo(
        path=str(path),
        width=width,
        height=height,
        band_count=ds.RasterCount,
        dtype=dataset_dtype(ds).name,
        geotransform=gt,  # type: ignore[arg-type]
        crs_wkt=crs_wkt,
        nodata=tuple(ds.GetRasterBand(i + 1).GetNoDataValue() for i in range(ds.RasterCount)),
        is_geographic=bool(srs.IsGeographic()),
        pixel_size=pixel_size,
        pixel_size_m=_pixel_size_m(srs, pixel_size, bounds),
        bounds=bounds,
    )


def _pixel_size_m(
    srs: osr.SpatialReference,
    pixel_size: tuple[float, float],
    bounds: tuple[float, float, float, float],
) -> float:
    """Mean of the x and y pixel sizes in metres; geographic CRSs use the centre latitude."""
    if not srs.IsGeographic():
        metres_per_unit = srs.GetLinearUnits()
        return float((pixel_size[0] + pixel_size[1]) / 2 * metres_per_unit)
    radius_m = srs.GetSemiMajor()
    radians_per_unit = srs.GetAngularUnits()
    centre_lat = math.radians((bounds[1] + bounds[3]) / 2 * math.degrees(radians_per_unit))
    x_m = pixel_size[0] * radians_per_unit * radius_m * math.cos(centre_lat)
    y_m = pixel_size[1] * radians_per_unit * radius_m
    return float((x_m + y_m) / 2)


