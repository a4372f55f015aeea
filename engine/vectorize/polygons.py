"""Road polygons: GDAL's Polygonize of the mask, simplified, in map coordinates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from osgeo import gdal, gdal_array, ogr
from shapely.geometry import Polygon

from engine.errors import BadInputError

__all__ = ["mask_to_polygons", "pixel_to_map", "polygonize_mask", "finish_polygons"]

gdal.UseExceptions()
ogr.UseExceptions()


def pixel_to_map(geometries: np.ndarray, geotransform: Sequence[float]) -> np.ndarray:
    """Move geometries from pixel space (x = column, y = row, corners at integers) to map.

    Parameters
    ----------
    geometries : np.ndarray
        Shape (n,), shapely geometries in pixel space.
    geotransform : sequence of 6 float
        GDAL geotransform.

    Returns
    -------
    np.ndarray
        Shape (n,), the geometries in the geotransform's map coordinates.
    """
    gt = [float(v) for v in geotransform]

    def move(xy: np.ndarray) -> np.ndarray:
        # Element-wise, not a matrix product: the same point always maps to the same bits.
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([gt[0] + x * gt[1] + y * gt[2], gt[3] + x * gt[4] + y * gt[5]])

    return shapely.transform(geometries, move)


def polygonize_mask(mask: np.ndarray, *, offset_px: tuple[int, int] = (0, 0)) -> list[Polygon]:
    """Outlines of the 4-connected True regions of a bool mask, in pixel space.

    Parameters
    ----------
    mask : np.ndarray
        Shape (H, W), bool.
    offset_px : (int, int)
        (row, col) of the mask's first pixel in a larger grid: the outlines are placed
        there (x = column, y = row, pixel corners at integers).

    Returns
    -------
    list of shapely Polygon
    """
    pixels = np.ascontiguousarray(mask).view(np.uint8)
    # OpenArray wraps the array's memory: no copy of the whole mask.
    source = gdal_array.OpenArray(pixels)
    store = ogr.GetDriverByName("Memory").CreateDataSource("")
    try:
        band = source.GetRasterBand(1)
        layer = store.CreateLayer("roads", None, ogr.wkbPolygon)
        # 4-connected regions give valid polygons; 8-connected ones would touch themselves.
        gdal.Polygonize(band, band, layer, -1, [])
        wkbs = [bytes(feature.GetGeometryRef().ExportToWkb()) for feature in layer]
    finally:
        layer = band = None  # before their datasets, which are closed next
        store = source = None
    if not wkbs:
        return []
    polygons = shapely.from_wkb(wkbs)
    if offset_px != (0, 0):
        shift = np.array([offset_px[1], offset_px[0]], dtype=np.float64)
        polygons = shapely.transform(polygons, lambda xy: xy + shift)
    return list(polygons)


def finish_polygons(polygons: Sequence[Polygon], tolerance_px: float) -> list[Polygon]:
    """Outlines made ready to write: collinear vertices dropped, rings in a canonical order
    (so that an outline joined from blocks simplifies exactly as the whole one), then
    simplified (Douglas-Peucker, topology preserved; 0 keeps pixel edges); empty ones out.
    """
    if not len(polygons):
        return []
    # Dropping collinear vertices only (tolerance 0) cannot make an outline invalid.
    array = shapely.normalize(shapely.simplify(np.asarray(polygons, dtype=object), 0.0,
                                               preserve_topology=False))
    if tolerance_px > 0:
        array = shapely.simplify(array, tolerance_px, preserve_topology=True)
    return [p for p in array if not p.is_empty]


def mask_to_polygons(
    mask: np.ndarray, geotransform: Sequence[float], *, tolerance_px: float = 0.0
) -> list[Polygon]:
    """Polygons of the road mask, in map coordinates.

    Parameters
    ----------
    mask : np.ndarray
        Shape (H, W), bool, True on road.
    geotransform : sequence of 6 float
        GDAL geotransform of the mask's grid.
    tolerance_px : float
        Douglas-Peucker tolerance in pixels (topology preserved); 0 keeps pixel edges.

    Returns
    -------
    list of shapely Polygon
        One per 4-connected road region, with its holes; empty when no road.

    Raises
    ------
    BadInputError
        A mask that is not 2-D bool, a geotransform without 6 numbers, tolerance < 0.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype != bool:
        raise BadInputError(f"mask must be a 2-D bool array; got {mask.dtype} {mask.shape}")
    if len(geotransform) != 6:
        raise BadInputError(f"geotransform must have 6 numbers; got {tuple(geotransform)}")
    if tolerance_px < 0:
        raise BadInputError(f"tolerance_px must be >= 0; got {tolerance_px!r}")
    if not mask.any():
        return []
    polygons = finish_polygons(polygonize_mask(mask), tolerance_px)
    return list(pixel_to_map(np.asarray(polygons, dtype=object), geotransform))
