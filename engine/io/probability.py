"""Reading a probability raster (Byte 0-254, Float32 in [0, 1], or a 0/1 mask) by windows."""

from __future__ import annotations

import logging

import numpy as np
from osgeo import gdal

from engine.errors import BadInputError
from engine.io.blocks import BlockGrid
from engine.io.raster import RasterInfo, Window, open_raster, read_valid_mask
from engine.io.windows import damaged_raster_error

__all__ = ["BYTE_SCALE", "BYTE_NODATA", "PROBABILITY_TAG", "ProbabilityReader",
           "read_probability"]

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
# Blocks (px) read when an untagged integer raster is scanned for its largest value.
_SCAN_BLOCK_PX = 2048


def _check_type(info: RasterInfo) -> None:
    if info.band_count != 1 or info.dtype not in (*_INT_TYPES, *_FLOAT_TYPES):
        raise BadInputError(
            "a probability raster must be 1 band Byte (0-254) or Float32 in [0, 1], or a "
            f"1-band 0/1 mask; got {info.band_count} band(s) of {info.dtype} in {info.path} "
            "— give the output of `predict`"
        )


def _read_band(ds: gdal.Dataset, dtype: str, window: Window) -> np.ndarray:
    # Float64 is read as float32: a probability needs no more, and memory is halved.
    buf_type = gdal.GDT_Float32 if dtype in _FLOAT_TYPES else None
    try:
        return ds.GetRasterBand(1).ReadAsArray(window.col_off, window.row_off, window.cols,
                                               window.rows, buf_type=buf_type)
    except RuntimeError as err:
        raise damaged_raster_error(ds, err) from err


def _not_a_mask_error(path: str, high: float) -> BadInputError:
    return BadInputError(
        f"{path} holds values up to {high}: an integer raster must be a 0/1 road mask "
        f"or a Byte probability (0-{BYTE_SCALE}, {BYTE_NODATA} nodata) from `predict`")


class ProbabilityReader:
    """Reads windows of a probability raster as probabilities and valid-pixel masks.

    How the pixels are read is decided once, for the whole raster: Byte rasters written
    by ``predict`` (tagged with :data:`PROBABILITY_TAG`) hold ``round(p * 254)`` with 255
    as nodata. Untagged integer rasters whose valid values are only 0 and 1 are 0/1 road
    masks (the band's nodata, e.g. 255, is honoured); an untagged Byte raster with larger
    values is read as a probability x 254. (For untagged integer rasters this takes one
    pass over the raster, by blocks, to find its largest value.) Float rasters hold p in
    [0, 1] with the band's nodata (e.g. -1) and NaN as nodata; each window read is checked.

    Parameters
    ----------
    info : RasterInfo
        The raster's header, from :func:`engine.io.raster.read_info`.

    Raises
    ------
    BadInputError
        Not one band, an unsupported pixel type, or integer values that are neither a
        probability nor a 0/1 mask.
    """

    def __init__(self, info: RasterInfo) -> None:
        _check_type(info)
        self.info = info
        self.dataset = open_raster(info.path)
        self.tagged = self.dataset.GetMetadataItem(PROBABILITY_TAG) is not None
        self.integer = info.dtype in _INT_TYPES
        # 255 is nodata in predict's Byte output, and in an untagged Byte without nodata.
        self._byte_nodata = info.dtype == "uint8" and (self.tagged or info.nodata[0] is None)
        self.is_mask = self.integer and not (info.dtype == "uint8" and self.tagged)
        if self.is_mask:
            self.is_mask = self._mask_or_byte_probability()

    def _raw(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        data = _read_band(self.dataset, self.info.dtype, window)
        valid = read_valid_mask(self.dataset, window, data=data[np.newaxis])
        if self._byte_nodata:
            valid &= data != BYTE_NODATA
        return data, valid

    def _mask_or_byte_probability(self) -> bool:
        """True for a 0/1 mask; False for an untagged Byte probability; else an error."""
        high, low = 0, 0
        for block in BlockGrid(self.info.height, self.info.width, _SCAN_BLOCK_PX, 0):
            data, valid = self._raw(block.core)
            high = max(high, np.max(data, where=valid, initial=0).item())
            low = min(low, np.min(data, where=valid, initial=0).item())
        self.dataset.FlushCache()
        if high > 1 and self.info.dtype == "uint8":
            return False
        if high > 1 or low < 0:
            raise _not_a_mask_error(self.info.path, high)
        logger.info("%s holds only 0 and 1: read as a road mask", self.info.path)
        return True

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and valid pixels of a window inside the raster.

        Parameters
        ----------
        window : Window
            Inside the raster (see :meth:`engine.io.windows.Window.clip`).

        Returns
        -------
        prob : np.ndarray
            Shape (window.rows, window.cols), float32, in [0, 1]; 0 where invalid.
        valid : np.ndarray
            Shape (window.rows, window.cols), bool.

        Raises
        ------
        BadInputError
            Float values outside [0, 1] in the window.
        """
        data, valid = self._raw(window)
        if self.integer:
            prob = (data.astype(np.float32) if self.is_mask
                    else np.divide(data, np.float32(BYTE_SCALE), dtype=np.float32))
            prob[~valid] = 0
            return prob, valid
        low = float(np.min(data, where=valid, initial=np.inf))
        high = float(np.max(data, where=valid, initial=-np.inf))
        if valid.any() and (low < -_FLOAT_SLACK or high > 1 + _FLOAT_SLACK):
            raise BadInputError(
                f"a Float probability raster must hold values in [0, 1] (and nodata); "
                f"{self.info.path} holds {low:g} to {high:g} — give the output of `predict`, "
                "or set its nodata")
        data[~valid] = 0
        return data, valid

    def release(self) -> None:
        """Drop the pixels GDAL keeps cached for this raster (reading by blocks would
        otherwise fill GDAL's cache with the whole raster, up to its limit)."""
        self.dataset.FlushCache()


def read_probability(info: RasterInfo) -> tuple[np.ndarray, np.ndarray]:
    """Read a whole probability raster as probabilities and a valid-pixel mask.

    The raster is read as :class:`ProbabilityReader` reads it.

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
    return ProbabilityReader(info).read(Window.whole(info.width, info.height))
