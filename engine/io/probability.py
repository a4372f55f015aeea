"""Reading a probability raster (Byte 0-254, Float32 in [0, 1], or a 0/1 mask) whole."""

from __future__ import annotations

import logging

import numpy as np
from osgeo import gdal

from engine.errors import BadInputError
from engine.io.raster import RasterInfo, Window, open_raster, read_valid_mask
from engine.io.windows import damaged_raster_error

__all__ = ["BYTE_SCALE", "BYTE_NODATA", "PROBABILITY_TAG", "read_probability"]

gdal.UseExceptions()

logger = logging.getLogger(__name__)

#: A Byte probability raster stores round(p * BYTE_SCALE); BYTE_NODATA marks no data.
BYTE_SCALE = 254
BYTE_NODATA = 255
#: Metadata item ``predict`` writes on its output, so that a Byte probability raster that
#: happens to hold only 0 and 1 is never mistaken for a 0/1 mask (and vice versa).
PROBABILITY_TAG = "ROAD_PROBABILITY_SCALE"
# Float probabilities may overshoot [0, 1] by this much (resampling, rounding) and pass.
_FLOAT_SLACK = 1e-3
_FLOAT_TYPES = ("float32", "float64")
_INT_TYPES = ("uint8", "uint16", "int16", "uint32", "int32")


def _check_type(info: RasterInfo) -> None:
    if info.band_count != 1 or info.dtype not in (*_INT_TYPES, *_FLOAT_TYPES):
        raise BadInputError(
            "a probability raster must be 1 band Byte (0-254) or Float32 in [0, 1], or a "
            f"1-band 0/1 mask; got {info.band_count} band(s) of {info.dtype} in {info.path} "
            "— give the output of `predict`"
        )


def _read_band(ds: gdal.Dataset, dtype: str) -> np.ndarray:
    # Float64 is read as float32: a probability needs no more, and memory is halved.
    buf_type = gdal.GDT_Float32 if dtype in _FLOAT_TYPES else None
    try:
        band = ds.GetRasterBand(1)
        return band.ReadAsArray() if buf_type is None else band.ReadAsArray(buf_type=buf_type)
    except RuntimeError as err:
        raise damaged_raster_error(ds, err) from err


def _integer_probability(data: np.ndarray, valid: np.ndarray, tagged: bool,
                         path: str) -> np.ndarray:
    """Probabilities of an integer raster: tagged/0-254 Byte probability, or a 0/1 mask."""
    high = np.max(data, where=valid, initial=0)
    if data.dtype == np.uint8 and (tagged or high > 1):
        return np.divide(data, np.float32(BYTE_SCALE), dtype=np.float32)
    if high > 1 or np.min(data, where=valid, initial=0) < 0:
        raise BadInputError(
            f"{path} holds values up to {high}: an integer raster must be a 0/1 road mask "
            f"or a Byte probability (0-{BYTE_SCALE}, {BYTE_NODATA} nodata) from `predict`")
    logger.info("%s holds only 0 and 1: read as a road mask", path)
    return data.astype(np.float32)


def read_probability(info: RasterInfo) -> tuple[np.ndarray, np.ndarray]:
    """Read a whole probability raster as probabilities and a valid-pixel mask.

    Byte rasters written by ``predict`` (tagged with :data:`PROBABILITY_TAG`) hold
    ``round(p * 254)`` with 255 as nodata. Untagged integer rasters whose valid values
    are only 0 and 1 are 0/1 road masks (the band's nodata, e.g. 255, is honoured); an
    untagged Byte raster with larger values is read as a probability x 254. Float rasters
    hold p in [0, 1] with the band's nodata (e.g. -1) and NaN as nodata.

    Parameters
    ----------
    info : RasterInfo
        The raster's header, from :func:`engine.io.raster.read_info`.

    Returns
    -------
    prob : np.ndarray
        Shape (H, W), float32, in [0, 1]; 0 where invalid.
    valid : np.ndarray
        Shape (H, W), bool.

    Raises
    ------
    BadInputError
        Not one band, an unsupported pixel type, integer values that are neither a
        probability nor a 0/1 mask, or float values outside [0, 1].
    """
    _check_type(info)
    ds = open_raster(info.path)
    data = _read_band(ds, info.dtype)
    valid = read_valid_mask(ds, Window.whole(info.width, info.height), data=data[np.newaxis])
    if info.dtype in _INT_TYPES:
        tagged = ds.GetMetadataItem(PROBABILITY_TAG) is not None
        if info.dtype == "uint8" and (tagged or info.nodata[0] is None):
            valid &= data != BYTE_NODATA
        prob = _integer_probability(data, valid, tagged, info.path)
        prob[~valid] = 0
        return prob, valid
    low = float(np.min(data, where=valid, initial=np.inf))
    high = float(np.max(data, where=valid, initial=-np.inf))
    if valid.any() and (low < -_FLOAT_SLACK or high > 1 + _FLOAT_SLACK):
        raise BadInputError(
            f"a Float probability raster must hold values in [0, 1] (and nodata); {info.path} "
            f"holds {low:g} to {high:g} — give the output of `predict`, or set its nodata"
        )
    data[~valid] = 0
    return data, valid
