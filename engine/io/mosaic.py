"""Several rasters as one: a checked VRT mosaic (one CRS, one pixel size)."""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Mapping, Sequence

from osgeo import gdal, osr

from engine.errors import BadInputError, RasterReadError
from engine.io.raster import RasterInfo, read_info

__all__ = ["check_mosaic", "build_vrt", "memory_vrt", "remove_memory_vrt"]

gdal.UseExceptions()
osr.UseExceptions()

# Pixel sizes that differ by less than this share are the same.
_PIXEL_TOLERANCE = 1e-6


def check_mosaic(paths: Sequence[str], *, option: str) -> list[RasterInfo]:
    """Check that rasters can form one mosaic: one CRS, one pixel size, one band count.

    Parameters
    ----------
    paths : sequence of str
        At least one raster.
    option : str
        How messages name the rasters (e.g. ``--image``).

    Returns
    -------
    list of RasterInfo
        In the order given.

    Raises
    ------
    BadInputError
        No raster, the same file twice, or rasters that differ in CRS, pixel size or band
        count (both are named, with their values).
    """
    if not paths:
        raise BadInputError(f"{option} needs at least one raster")
    infos = [read_info(str(path)) for path in paths]
    real = [os.path.realpath(info.path) for info in infos]
    for index, path in enumerate(real):
        if path in real[:index]:
            raise BadInputError(f"{option} names {infos[index].path} twice; give each raster "
                                "once")
    first = infos[0]
    srs = osr.SpatialReference(wkt=first.crs_wkt)
    for info in infos[1:]:
        if not srs.IsSame(osr.SpatialReference(wkt=info.crs_wkt)):
            raise RasterReadError(
                f"{option}: {info.path} is in {osr.SpatialReference(wkt=info.crs_wkt).GetName()}"
                f" but {first.path} in {srs.GetName()}; one mosaic needs one CRS: reproject "
                "them (gdalwarp -t_srs) or run them separately")
        if not all(math.isclose(a, b, rel_tol=_PIXEL_TOLERANCE)
                   for a, b in zip(info.pixel_size, first.pixel_size, strict=True)):
            raise RasterReadError(
                f"{option}: {info.path} has {info.pixel_size[0]:g} x {info.pixel_size[1]:g} "
                f"pixels but {first.path} {first.pixel_size[0]:g} x {first.pixel_size[1]:g}; "
                "one mosaic needs one pixel size: resample them (gdalwarp -tr) or run them "
                "separately")
        if info.band_count != first.band_count:
            raise RasterReadError(
                f"{option}: {info.path} has {info.band_count} band(s) but {first.path} "
                f"{first.band_count}; give rasters with the same bands")
    return infos


def build_vrt(path: str, sources: Sequence[str], *,
              metadata: Mapping[str, str] | None = None) -> str:
    """Write a VRT mosaic of ``sources`` (nodata pixels of a source let the ones below show
    through; where sources overlap, the later one wins), with ``metadata`` items.

    Returns
    -------
    str
        ``path``.
    """
    options = gdal.BuildVRTOptions(resolution="highest")
    ds = gdal.BuildVRT(path, [str(s) for s in sources], options=options)
    if ds is None:
        raise RasterReadError(f"GDAL could not build a mosaic of {', '.join(sources)}")
    for key, value in (metadata or {}).items():
        ds.SetMetadataItem(key, value)
    ds.FlushCache()
    ds = None
    return path


def memory_vrt(sources: Sequence[str], *, metadata: Mapping[str, str] | None = None) -> str:
    """A VRT mosaic of ``sources`` in GDAL's memory file system (remove it when done with
    :func:`remove_memory_vrt`)."""
    return build_vrt(f"/vsimem/mosaic-{uuid.uuid4().hex}.vrt", sources, metadata=metadata)


def remove_memory_vrt(path: str) -> None:
    """Forget a VRT made by :func:`memory_vrt`."""
    gdal.Unlink(path)
