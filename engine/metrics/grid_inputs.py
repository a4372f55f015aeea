"""Evaluation inputs read window by window on one grid: road and valid pixels of each."""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np
import shapely
from osgeo import gdal, ogr, osr
from shapely.geometry import LineString

from ..errors import BadInputError, RasterReadError
from ..io.coverage import window_without_data
from ..io.probability import ProbabilityReader
from ..io.raster import RasterInfo, Window, open_raster, read_info, read_valid_mask, read_window
from .sources import Frame, Source, clip_lines, extent_text, read_lines

__all__ = ["GridInput", "PredictionRaster", "TruthRaster", "BurntLines", "grid_input"]

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

logger = logging.getLogger(__name__)

# Value of unlabelled / nodata pixels in a truth mask.
TRUTH_IGNORE = 255


class GridInput(Protocol):
    """One evaluation input on the grid."""

    lines: list[LineString] | None  # a line input's lines clipped to the grid; else None

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Road and valid pixels of a window inside the grid, each (rows, cols) bool."""

    def without_data(self, window: Window) -> bool:
        """Whether the window surely holds no valid pixel (then it need not be read)."""

    def release(self) -> None:
        """Drop what GDAL keeps cached of the pixels read so far."""


class PredictionRaster:
    """A probability raster (or a 0/1 mask), thresholded; it is the grid itself."""

    lines = None

    def __init__(self, source: Source, threshold: float) -> None:
        self._reader = ProbabilityReader(read_info(source.path))
        self._threshold = threshold

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        prob, valid = self._reader.read(window)
        return (prob >= self._threshold) & valid, valid

    def without_data(self, window: Window) -> bool:
        return window_without_data(self._reader.dataset, window,
                                   nodata_overviews=self._reader.tagged)

    def release(self) -> None:
        self._reader.release()


def _same_grid(info: RasterInfo, grid: RasterInfo) -> bool:
    srs = osr.SpatialReference(wkt=info.crs_wkt)
    tolerance = 1e-6 * min(grid.pixel_size)
    return bool(srs.IsSame(osr.SpatialReference(wkt=grid.crs_wkt))
                and (info.width, info.height) == (grid.width, grid.height)
                and np.allclose(info.geotransform, grid.geotransform, rtol=0, atol=tolerance))


def _on_grid(source: Source, grid: RasterInfo) -> gdal.Dataset:
    """The raster itself when on the grid, else a virtual warp onto it (nearest neighbour,
    255 outside), read window by window."""
    info = read_info(source.path)
    if _same_grid(info, grid):
        return open_raster(source.path)
    src, dst = osr.SpatialReference(wkt=info.crs_wkt), osr.SpatialReference(wkt=grid.crs_wkt)
    for srs in (src, dst):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    xmin, ymin, xmax, ymax = osr.CoordinateTransformation(src, dst).TransformBounds(
        *info.bounds, 21)
    gxmin, gymin, gxmax, gymax = grid.bounds
    if xmin >= gxmax or xmax <= gxmin or ymin >= gymax or ymax <= gymin:
        raise BadInputError(
            f"the {source.role} raster {source.path} ({extent_text(info.bounds, info.crs_wkt)}"
            f") does not overlap {grid.path} ({extent_text(grid.bounds, grid.crs_wkt)}); "
            "check that both cover the same place and have the right CRS")
    logger.info("warping %s onto the grid of %s", source.path, grid.path)
    return gdal.Warp("", source.path, format="VRT", outputBounds=grid.bounds,
                     width=grid.width, height=grid.height, dstSRS=grid.crs_wkt,
                     resampleAlg="near", dstNodata=TRUTH_IGNORE)


class TruthRaster:
    """A 0/1 truth mask (255 = not labelled), warped onto the grid when it is on another."""

    lines = None

    def __init__(self, source: Source, grid: RasterInfo) -> None:
        self._source = source
        self._ds = _on_grid(source, grid)
        if self._ds.RasterCount != 1:
            raise RasterReadError(
                f"the {source.role} raster {source.path} has {self._ds.RasterCount} bands; "
                "give a one-band probability or 0/1 mask raster")

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        data = read_window(self._ds, window)
        valid = read_valid_mask(self._ds, window, data=data)
        band = data[0]
        valid &= band != TRUTH_IGNORE
        values = np.unique(band[valid])
        if not np.isin(values, (0, 1)).all():
            shown = ", ".join(f"{v:g}" for v in values[:6])
            raise RasterReadError(
                f"the {self._source.role} raster {self._source.path} holds the values "
                f"{shown}; give a 0/1 mask ({TRUTH_IGNORE} = nodata) or a probability raster "
                "(Byte 0-254 or Float in [0, 1])")
        return (band == 1) & valid, valid

    def without_data(self, window: Window) -> bool:
        return window_without_data(self._ds, window)

    def release(self) -> None:
        self._ds.FlushCache()


class BurntLines:
    """Road lines buffered by half their width and burnt onto each window (pixels whose
    centre is inside a buffer); every pixel is valid."""

    def __init__(self, source: Source, grid: RasterInfo, frame: Frame, width_m: float) -> None:
        lines, widths = read_lines(source, grid.crs_wkt, width_m)
        self.lines = clip_lines(lines, grid, source)
        self._grid = grid
        # Only the data source is kept, and its layer looked up when used: a layer kept
        # beside it could be released after it (GDAL's bindings do not tie them): a crash.
        self._store = ogr.GetDriverByName("Memory").CreateDataSource("")
        srs = osr.SpatialReference(wkt=grid.crs_wkt)
        layer = self._store.CreateLayer("roads", srs, ogr.wkbUnknown)
        for line, width in zip(lines, widths, strict=True):
            if frame is None:
                polygon = line.buffer(width / 2)
            else:
                polygon = shapely.transform(shapely.transform(line, frame[0]).buffer(width / 2),
                                            frame[1])
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkb(polygon.wkb))
            layer.CreateFeature(feature)

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        gt = self._grid.geotransform
        target = gdal.GetDriverByName("MEM").Create("", window.cols, window.rows, 1,
                                                    gdal.GDT_Byte)
        x0, y0 = gt[0] + window.col_off * gt[1], gt[3] + window.row_off * gt[5]
        target.SetGeoTransform((x0, gt[1], 0.0, y0, 0.0, gt[5]))
        target.SetProjection(self._grid.crs_wkt)
        x1, y1 = x0 + window.cols * gt[1], y0 + window.rows * gt[5]
        layer = self._store.GetLayerByName("roads")
        layer.SetSpatialFilterRect(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        gdal.RasterizeLayer(target, [1], layer, burn_values=[1])
        layer.SetSpatialFilter(None)
        road = target.GetRasterBand(1).ReadAsArray().astype(bool)
        return road, np.ones(road.shape, dtype=bool)

    def without_data(self, window: Window) -> bool:
        return False

    def release(self) -> None:
        return None


def grid_input(source: Source, grid: RasterInfo, frame: Frame, *, threshold: float,
               width_m: float) -> GridInput:
    """The reader of one evaluation input on the grid."""
    if source.kind == "lines":
        return BurntLines(source, grid, frame, width_m)
    if source.role == "truth":
        return TruthRaster(source, grid)
    return PredictionRaster(source, threshold)
