"""Whether a window of a raster holds no data, told without reading its pixels."""

from __future__ import annotations

import logging
import math

import numpy as np
from osgeo import gdal

from engine.io.windows import Window, window_is_empty

__all__ = ["window_without_data"]

gdal.UseExceptions()

logger = logging.getLogger(__name__)

# An overview is used when a window spans at least this many of its pixels per side.
_MIN_OVERVIEW_PX = 4


def _overview_for(band: gdal.Band, window: Window) -> tuple[gdal.Band, float] | None:
    """The coarsest overview over which the window still spans a few pixels, and its
    factor; None without overviews."""
    best = None
    for index in range(band.GetOverviewCount()):
        overview = band.GetOverview(index)
        # Each level halves the one above, rounding up: a power of two, whatever the size.
        factor = 2.0 ** round(math.log2(band.XSize / overview.XSize))
        if min(window.rows, window.cols) / factor >= _MIN_OVERVIEW_PX and (
                best is None or factor > best[1]):
            best = (overview, factor)
    return best


def _overview_all_nodata(band: gdal.Band, window: Window) -> bool:
    found = _overview_for(band, window)
    nodata = band.GetNoDataValue()
    if found is None or nodata is None or math.isnan(nodata):
        return False
    overview, factor = found
    # Every overview pixel touching the window, so no valid pixel can hide beside it.
    col0, row0 = int(window.col_off // factor), int(window.row_off // factor)
    col1 = min(math.ceil((window.col_off + window.cols) / factor), overview.XSize)
    row1 = min(math.ceil((window.row_off + window.rows) / factor), overview.YSize)
    try:
        data = overview.ReadAsArray(col0, row0, col1 - col0, row1 - row0)
    except RuntimeError as err:  # the pixels themselves will tell what is wrong
        logger.debug("cannot read an overview of %s: %s", band.GetDescription(), err)
        return False
    return bool(np.all(data == nodata))


def window_without_data(ds: gdal.Dataset, window: Window, *,
                        nodata_overviews: bool = False) -> bool:
    """Whether a window of a one-band raster surely holds no valid pixel.

    First GDAL's data coverage (:func:`engine.io.windows.window_is_empty`: outside a VRT's
    sources, tiles never written in a sparse GeoTIFF); then, when ``nodata_overviews``
    says the raster's overviews are nodata only where all their pixels are (the
    averages ``predict`` writes), the coarsest overview over the window. False when
    neither can tell: the pixels must be read.

    Parameters
    ----------
    ds : gdal.Dataset
        Open raster; its first band is looked at for overviews.
    window : Window
        Inside the raster.
    nodata_overviews : bool
        Trust the overviews as above (not so for overviews made by nearest neighbour).

    Returns
    -------
    bool
    """
    if window_is_empty(ds, window):
        return True
    if nodata_overviews and ds.RasterCount == 1:
        return _overview_all_nodata(ds.GetRasterBand(1), window)
    return False
