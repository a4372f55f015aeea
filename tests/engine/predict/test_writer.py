"""Tests of the output writer: pixel encoding, whole rows of tiles, streamed overviews."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from engine.predict.overviews import BandRows, halve, overview_levels
from engine.predict.writer import RowWriter, encode_rows


def _gtiff(path, width: int, height: int, levels: list[int]) -> gdal.Dataset:
    ds = gdal.GetDriverByName("GTiff").Create(
        str(path), width, height, 1, gdal.GDT_Byte,
        options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"])
    ds.GetRasterBand(1).SetNoDataValue(255)
    if levels:
        ds.BuildOverviews("NONE", levels)
    return ds


def test_encode_rows_scales_bytes_to_254_and_marks_nodata():
    prob = np.array([[0.0, 0.5, 1.0, 0.3]], np.float32)
    valid = np.array([[True, True, True, False]])
    assert encode_rows(prob, valid, "byte").tolist() == [[0, 127, 254, 255]]
    assert encode_rows(prob, valid, "float32").tolist() == [[0.0, 0.5, 1.0, -1.0]]


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_halve_averages_two_by_two_ignoring_nodata(dtype):
    nodata = 255 if dtype == np.uint8 else -1.0
    rows = np.array([[10, 20, 30],
                     [nodata, 40, nodata],
                     [nodata, nodata, 7]], dtype)
    expected = np.array([[np.rint(70 / 3) if dtype == np.uint8 else 70 / 3, 30],
                         [nodata, 7]], dtype)
    np.testing.assert_allclose(halve(rows, nodata), expected, rtol=1e-6)


def test_band_rows_writes_whole_rows_of_tiles_before_the_end(tmp_path):
    ds = _gtiff(tmp_path / "a.tif", 64, 700, [])
    rows = BandRows(ds.GetRasterBand(1), 255, [])
    for value in range(7):  # 7 chunks of 100 rows
        rows.push(np.full((100, 64), value, np.uint8))
        assert rows.rows_written == (value + 1) * 100 // 256 * 256  # whole tile rows only
    assert rows.rows_written == 512  # written before the end, not all at once
    rows.finish()
    got = ds.GetRasterBand(1).ReadAsArray()
    np.testing.assert_array_equal(got[:, 0], np.repeat(np.arange(7), 100))


def test_row_writer_overviews_match_gdal_average(tmp_path):
    # Sides divisible by 4: GDAL scales by the size ratio, which drifts from exact 2 x 2
    # blocks when an overview side is rounded up.
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (704, 1024), dtype=np.uint8)  # 254 max, some 255 nodata
    base[:300, :200] = 255
    levels = overview_levels(1024, 704)
    assert levels == [2, 4]
    ours = _gtiff(tmp_path / "ours.tif", 1024, 704, levels)
    writer = RowWriter(ours, 255)
    for start in range(0, 704, 90):  # chunks that do not line up with the tiles
        writer.write(base[start:start + 90])
    writer.close()
    writer.abort()
    theirs = _gtiff(tmp_path / "theirs.tif", 1024, 704, [])
    theirs.GetRasterBand(1).WriteArray(base)
    theirs.BuildOverviews("AVERAGE", levels)
    for i in range(len(levels)):
        a = ours.GetRasterBand(1).GetOverview(i).ReadAsArray().astype(int)
        b = theirs.GetRasterBand(1).GetOverview(i).ReadAsArray().astype(int)
        assert a.shape == b.shape
        np.testing.assert_array_equal(a == 255, b == 255)  # the same nodata
        assert np.abs(a - b).max() <= 1 + i  # rounding at each level, which cascades here


def test_overview_levels_stop_near_256_px():
    assert overview_levels(16384, 8192) == [2, 4, 8, 16, 32, 64]
    assert overview_levels(300, 200) == []


@pytest.mark.parametrize("output_dtype", ["byte", "float32"])
def test_create_output_tags_the_raster_as_a_probability(tmp_path, output_dtype):
    # Without the tag, a byte probability holding only 0 and 1 would read as a 0/1 mask.
    from engine.io.probability import PROBABILITY_TAG
    from engine.io.raster import RasterInfo
    from engine.predict.writer import create_output

    info = RasterInfo(path="in.tif", width=64, height=48, band_count=1, dtype="uint8",
                      geotransform=(500000.0, 1.0, 0.0, 5000000.0, 0.0, -1.0),
                      crs_wkt="EPSG:32631", nodata=(None,), is_geographic=False,
                      pixel_size=(1.0, 1.0), pixel_size_m=1.0,
                      bounds=(500000.0, 4999952.0, 500064.0, 5000000.0))
    ds = create_output(str(tmp_path / "p.tif"), info, output_dtype)
    assert ds.GetMetadataItem(PROBABILITY_TAG) == ("254" if output_dtype == "byte" else "1")
    ds = None


@pytest.mark.parametrize("shape", [(4, 6), (5, 7)])  # even and odd sides
def test_halve_of_an_empty_area_is_nodata_of_the_same_size(shape):
    empty = np.full(shape, 255, np.uint8)
    some = empty.copy()
    some[0, 0] = 3
    assert halve(empty, 255).shape == halve(some, 255).shape
    assert (halve(empty, 255) == 255).all()


def test_encode_rows_of_an_empty_area_is_nodata():
    prob = np.full((2, 3), 0.7, np.float32)
    valid = np.zeros((2, 3), bool)
    assert (encode_rows(prob, valid, "byte") == 255).all()
    assert encode_rows(prob, valid, "float32").dtype == np.float32
    assert (encode_rows(prob, valid, "float32") == -1.0).all()


def test_create_output_leaves_empty_tiles_unwritten(tmp_path):
    # A mosaic's empty areas take no disk, and GDAL reports them empty to vectorize.
    from engine.io.raster import RasterInfo
    from engine.predict.writer import create_output

    info = RasterInfo(path="in.tif", width=1024, height=768, band_count=3, dtype="uint8",
                      geotransform=(500000.0, 0.5, 0.0, 5000000.0, 0.0, -0.5),
                      crs_wkt="EPSG:32631", nodata=(0.0, 0.0, 0.0), is_geographic=False,
                      pixel_size=(0.5, 0.5), pixel_size_m=0.5,
                      bounds=(500000.0, 4999616.0, 500512.0, 5000000.0))
    path = str(tmp_path / "prob.tif")
    ds = create_output(path, info, "byte")
    writer = RowWriter(ds, 255)
    rows = np.full((768, 1024), 255, np.uint8)
    rows[:256, :256] = 100  # one tile with data
    writer.write(rows)
    writer.close()
    writer.abort()
    ds = None
    ds = gdal.Open(path)  # kept: its band is used below
    band = ds.GetRasterBand(1)
    flags, _ = band.GetDataCoverageStatus(512, 256, 512, 512)
    assert flags & gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY and not (
        flags & gdal.GDAL_DATA_COVERAGE_STATUS_DATA)
    assert band.ReadAsArray(512, 512, 4, 4).tolist() == [[255] * 4] * 4  # reads as nodata
