"""The probability rasters of several inputs: their names, and one VRT mosaic of them."""

from __future__ import annotations

from pathlib import Path

from osgeo import gdal

__all__ = ["probability_paths", "write_mosaic", "MOSAIC_TAGS"]

#: Metadata items the engine's predict writes (probability scale, decision threshold); the
#: mosaic keeps those that every raster shares, so Vectorize reads the mosaic as predict's.
MOSAIC_TAGS = ("ROAD_PROBABILITY_SCALE", "ROAD_DECISION_THRESHOLD")


def probability_paths(output: str, rasters: list[str]) -> tuple[list[str], str]:
    """The probability raster of each input, and the path the algorithm returns.

    One input: ``output`` itself. Several: ``<output stem>_<raster stem>.tif`` beside
    ``output``, and the VRT mosaic ``<output stem>.vrt`` that is returned.
    """
    if len(rasters) == 1:
        return [output], output
    target = Path(output)
    stems = [Path(raster).stem for raster in rasters]
    paths = [str(target.with_name(f"{target.stem}_{stem}.tif")) for stem in stems]
    return paths, str(target.with_suffix(".vrt"))


def write_mosaic(vrt: str, sources: list[str]) -> str:
    """Write a VRT mosaic of ``sources`` at ``vrt`` with the tags they all share."""
    gdal.UseExceptions()
    ds = gdal.BuildVRT(vrt, sources)
    for tag in MOSAIC_TAGS:
        values = set()
        for source in sources:
            opened = gdal.Open(source)
            values.add(opened.GetMetadataItem(tag))
            opened = None
        if len(values) == 1 and None not in values:
            ds.SetMetadataItem(tag, values.pop())
    ds.FlushCache()
    ds = None
    return vrt
