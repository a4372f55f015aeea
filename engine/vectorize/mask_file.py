"""The road mask on disk, filled by blocks, and its polygons read back in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import shapely
from osgeo import gdal, ogr
from shapely.geometry import Polygon

from engine.errors import CancelledError
from engine.io.windows import Window

__all__ = ["MaskFile", "polygonize_file"]

gdal.UseExceptions()
ogr.UseExceptions()

# Tiles of the mask file (px): blocks that are multiples of it write each tile once.
_TILE_PX = 256
# Polygons read back from the polygonized store at a time.
_BATCH = 2000


class MaskFile:
    """A 0/1 Byte GeoTIFF of the road mask, written block by block.

    It has no georeferencing: its polygons come out in pixel space (x = column, y = row,
    pixel corners at integers), as :func:`engine.vectorize.polygons.mask_to_polygons`
    makes them. Tiles never written (blocks without road) take no space (sparse file).
    """

    def __init__(self, path: str, width: int, height: int) -> None:
        self.path = path
        options = ["TILED=YES", f"BLOCKXSIZE={_TILE_PX}", f"BLOCKYSIZE={_TILE_PX}",
                   "COMPRESS=DEFLATE", "SPARSE_OK=TRUE", "NBITS=1", "BIGTIFF=IF_SAFER"]
        self._ds: gdal.Dataset | None = gdal.GetDriverByName("GTiff").Create(
            path, width, height, 1, gdal.GDT_Byte, options=options)

    def write(self, mask: np.ndarray, window: Window) -> None:
        """Write a block's mask, shape (window.rows, window.cols) bool, at ``window``."""
        assert self._ds is not None  # not after close()
        self._ds.GetRasterBand(1).WriteArray(mask.view(np.uint8), window.col_off,
                                             window.row_off)
        self._ds.FlushCache()  # written tiles leave GDAL's cache

    def close(self) -> None:
        """Finish the file."""
        if self._ds is not None:
            self._ds.FlushCache()
            self._ds = None


def polygonize_file(mask_path: str, store_path: str, *, tolerance_px: float,
                    should_stop: Callable[[], bool],
                    progress: Callable[[float], None]) -> Iterator[list[Polygon]]:
    """Polygons of the 4-connected road regions of a :class:`MaskFile`, in batches.

    GDAL's Polygonize runs over the file row by row into a GeoPackage at ``store_path``
    (only polygons still open across the current row are held in memory), then the
    polygons are read back, simplified (Douglas-Peucker, topology preserved,
    ``tolerance_px``; 0 keeps pixel edges) and yielded in batches, in pixel space.

    Raises
    ------
    CancelledError
        When ``should_stop()`` turns true.
    """
    source = gdal.Open(mask_path)
    band = source.GetRasterBand(1)
    store = ogr.GetDriverByName("GPKG").CreateDataSource(store_path)
    layer = store.CreateLayer("roads", None, ogr.wkbPolygon)

    def callback(fraction: float, *_: object) -> int:
        progress(fraction)
        return 0 if should_stop() else 1

    store.StartTransaction()
    try:
        # 4-connected regions give valid polygons; 8-connected ones would touch themselves.
        gdal.Polygonize(band, band, layer, -1, [], callback=callback)
    except RuntimeError:
        if should_stop():
            raise CancelledError("the run was cancelled") from None
        raise
    store.CommitTransaction()
    band = source = None
    batch: list[bytes] = []
    for feature in layer:
        batch.append(bytes(feature.GetGeometryRef().ExportToWkb()))
        if len(batch) == _BATCH:
            yield _simplified(batch, tolerance_px)
            batch = []
    if batch:
        yield _simplified(batch, tolerance_px)
    layer = store = None


def _simplified(wkbs: list[bytes], tolerance_px: float) -> list[Polygon]:
    polygons = shapely.from_wkb(wkbs)
    if tolerance_px > 0:
        polygons = shapely.simplify(polygons, tolerance_px, preserve_topology=True)
    return [p for p in polygons if not p.is_empty]
