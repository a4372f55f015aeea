"""'Where to label next': the most uncertain unlabeled tiles of a probability raster."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal, ogr, osr
from road_extraction.plugin.dock.label_next import score_tiles, write_tiles


def write_probability(path, values):
    ds = gdal.GetDriverByName("GTiff").Create(str(path), values.shape[1], values.shape[0], 1,
                                              gdal.GDT_Byte)
    ds.SetGeoTransform((500_000.0, 1.0, 0.0, 4_000_000.0, 0.0, -1.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(values)
    ds.GetRasterBand(1).SetNoDataValue(255)
    ds = None
    return str(path)


def test_score_tiles_ranks_the_uncertain_tile_first(tmp_path):
    values = np.zeros((32, 32), np.uint8)  # sure background...
    values[16:, 16:] = 127  # ...except one tile at p = 0.5
    tiles = score_tiles(write_probability(tmp_path / "p.tif", values), aoi_path=None,
                        tile_px=16, top_k=2)
    assert (tiles[0].row, tiles[0].col) == (16, 16) and tiles[0].score > 0.99
    assert len(tiles) == 2 and tiles[1].score < 0.01
    assert tiles[0].bounds == (500_016.0, 3_999_968.0, 500_032.0, 3_999_984.0)


def test_score_tiles_leaves_out_labeled_areas(tmp_path):
    values = np.full((32, 32), 127, np.uint8)
    prob = write_probability(tmp_path / "p.tif", values)
    aoi = tmp_path / "aoi.gpkg"
    write_tiles(score_tiles(prob, aoi_path=None, tile_px=32, top_k=1), aoi,
                crs_wkt=gdal.Open(prob).GetProjection())
    assert score_tiles(prob, aoi_path=str(aoi), tile_px=16, top_k=4) == []


def test_write_tiles_writes_score_and_rank(tmp_path):
    values = np.zeros((32, 32), np.uint8)
    prob = write_probability(tmp_path / "p.tif", values)
    out = tmp_path / "next.gpkg"
    write_tiles(score_tiles(prob, aoi_path=None, tile_px=16, top_k=3), out,
                crs_wkt=gdal.Open(prob).GetProjection())
    ds = ogr.Open(str(out))
    layer = ds.GetLayer(0)
    assert layer.GetFeatureCount() == 3
    assert [f.GetField("rank") for f in layer] == [1, 2, 3]


def test_score_tiles_refuses_a_tiny_tile(tmp_path):
    prob = write_probability(tmp_path / "p.tif", np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match="tile_px 4"):
        score_tiles(prob, aoi_path=None, tile_px=4, top_k=1)
