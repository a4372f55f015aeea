"""GDAL's block cache held small for the length of a block-by-block pass."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from osgeo import gdal

__all__ = ["limited_gdal_cache", "BLOCK_PASS_CACHE_BYTES"]

#: Cache of a pass that reads or writes a raster by blocks: a few blocks' worth of tiles.
BLOCK_PASS_CACHE_BYTES = 64 * 2**20


@contextmanager
def limited_gdal_cache(max_bytes: int = BLOCK_PASS_CACHE_BYTES) -> Iterator[None]:
    """Keep GDAL's block cache at most ``max_bytes`` inside the block, then restore it.

    GDAL keeps every tile it reads or writes in one cache for the whole process, up to 5 %
    of the machine's memory by default: a pass over a large raster by blocks would fill it
    with pixels it no longer needs, so that memory would follow the raster's size up to
    that limit. The cache is process-wide; this is meant for the engine's own processes.
    """
    previous = gdal.GetCacheMax()
    gdal.SetCacheMax(min(previous, int(max_bytes)))
    try:
        yield
    finally:
        gdal.SetCacheMax(previous)
