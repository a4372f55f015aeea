"""'Where to label next': the tiles where the round's prediction is least certain.

This is prediction uncertainty (mean of 1 - |2p - 1| over a tile's pixels outside the
labeled areas), not yet the engine's positive-pair disagreement, which the engine does not
export. Plain numpy + GDAL/OGR, no Qt: it runs on the round task's worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal, ogr, osr

__all__ = ["TileScore", "score_tiles", "write_tiles"]

#: Probability rasters from the engine: Byte p x 254, 255 = nodata.
PROB_SCALE = 254.0
PROB_NODATA = 255
#: A tile counts only when this share of its pixels is valid and unlabeled.
MIN_SHARE = 0.25


@dataclass(frozen=True)
class TileScore:
    """One tile: its bounds in the raster's CRS and its uncertainty (0 sure .. 1 unsure)."""

    bounds: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax
    score: float
    row: int
    col: int


def _labeled_mask(ds: gdal.Dataset, aoi_path: str | None) -> np.ndarray:
    """1 where a labeled-area polygon covers the pixel, on the raster's grid."""
    mask = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1,
                                              gdal.GDT_Byte)
    mask.SetGeoTransform(ds.GetGeoTransform())
    mask.SetProjection(ds.GetProjection())
    if aoi_path:
        vector = gdal.OpenEx(aoi_path, gdal.OF_VECTOR)
        gdal.RasterizeLayer(mask, [1], vector.GetLayer(0), burn_values=[1])
    return mask.GetRasterBand(1).ReadAsArray()


def score_tiles(prob_path: str, *, aoi_path: str | None, tile_px: int,
                top_k: int) -> list[TileScore]:
    """The ``top_k`` most uncertain tiles of ``tile_px`` pixels, most uncertain first."""
    if tile_px < 8 or top_k < 1:
        raise ValueError(f"tile_px {tile_px} must be >= 8 and top_k {top_k} >= 1")
    ds = gdal.Open(prob_path)
    prob = ds.GetRasterBand(1).ReadAsArray().astype(np.float32)
    valid = (prob != PROB_NODATA) & (_labeled_mask(ds, aoi_path) == 0)
    uncertainty = 1.0 - np.abs(2.0 * prob / PROB_SCALE - 1.0)
    x0, dx, _, y0, _, dy = ds.GetGeoTransform()
    tiles = []
    for row in range(0, ds.RasterYSize, tile_px):
        for col in range(0, ds.RasterXSize, tile_px):
            keep = valid[row:row + tile_px, col:col + tile_px]
            if keep.mean() < MIN_SHARE:
                continue
            score = float(uncertainty[row:row + tile_px, col:col + tile_px][keep].mean())
            rows, cols = keep.shape
            xs, ys = (x0 + col * dx, x0 + (col + cols) * dx), (y0 + row * dy,
                                                               y0 + (row + rows) * dy)
            tiles.append(TileScore((min(xs), min(ys), max(xs), max(ys)), score, row, col))
    return sorted(tiles, key=lambda t: -t.score)[:top_k]


def write_tiles(tiles: list[TileScore], path: Path, *, crs_wkt: str) -> None:
    """Write the tiles as a polygon GeoPackage with the fields ``score``, ``rank``."""
    driver = ogr.GetDriverByName("GPKG")
    if path.exists():
        driver.DeleteDataSource(str(path))
    ds = driver.CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromWkt(crs_wkt)
    layer = ds.CreateLayer("label_next", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("score", ogr.OFTReal))
    layer.CreateField(ogr.FieldDefn("rank", ogr.OFTInteger))
    for rank, tile in enumerate(tiles, start=1):
        xmin, ymin, xmax, ymax = tile.bounds
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("score", round(tile.score, 4))
        feature.SetField("rank", rank)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(
            f"POLYGON(({xmin} {ymin},{xmax} {ymin},{xmax} {ymax},{xmin} {ymax},{xmin} {ymin}))"))
        layer.CreateFeature(feature)
    layer, ds = None, None  # closes the file
