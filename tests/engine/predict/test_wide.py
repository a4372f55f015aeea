"""A wide raster that is mostly empty (a mosaic's gaps): the rows of a prediction cost
memory only where windows were added, and are blended, encoded and written as before."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from osgeo import gdal

from engine.predict import WindowLayout
from engine.predict import blend as blend_module
from engine.predict import overviews as overviews_module
from engine.predict.blend import RowBand
from engine.predict.overviews import BandRows, halve
from engine.predict.writer import encode_rows

WIDE = 200_000  # columns, as a 100 km mosaic at 0.5 m
MB = 2**20


def _peak_of(call) -> int:
    """The most bytes numpy and Python held at once during ``call()`` (tracemalloc)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_band_over_a_wide_raster_holds_only_the_columns_windows_reached():
    layout = WindowLayout.for_grid(2048, WIDE, tile_px=512, overlap=0.25)
    tile = np.full((512, 512), 0.5, np.float32), np.ones((512, 512), bool)
    band = None

    def one_window() -> None:
        nonlocal band
        band = RowBand(layout)
        band.add(0, 100_032, *tile)

    # 9 bytes x 512 rows x 200000 columns (922 MB) before; now the two blocks of 2048
    # columns that the window reached.
    assert _peak_of(one_window) < 30 * MB
    rows = list(band.advance_to(512))
    assert band.nbytes == 0  # the rows with data have slid out: nothing is held
    valid = np.concatenate([v for _, v in rows])
    assert valid.shape == (512, WIDE)
    assert valid[:, 100_032:100_544].all() and valid.sum() == 512 * 512


@pytest.mark.parametrize("block_cols", [100, 2048])
def test_a_band_in_blocks_blends_as_one_buffer(monkeypatch, block_cols):
    monkeypatch.setattr(blend_module, "_BLOCK_COLS", block_cols)
    rng = np.random.default_rng(0)
    layout = WindowLayout.for_grid(300, 730, tile_px=64, overlap=0.25)
    rows, cols = layout.padded_shape
    acc, norm = np.zeros((rows, cols), np.float32), np.zeros((rows, cols), np.float32)
    seen = np.zeros((rows, cols), bool)
    weights = RowBand(layout).weights
    band, got = RowBand(layout), []
    for _, row, col in layout.offsets():
        if rng.random() < 0.3:  # a window left out: an empty area
            continue
        prob = rng.random((64, 64), dtype=np.float32)
        valid = rng.random((64, 64)) < 0.9
        got += list(band.advance_to(row))
        band.add(row, col, prob, valid)
        acc[row:row + 64, col:col + 64] += prob * weights
        norm[row:row + 64, col:col + 64] += weights
        seen[row:row + 64, col:col + 64] |= valid
    got += list(band.advance_to(layout.height))
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(norm > 0, acc / norm, np.float32(0))[:300, :730]
    np.testing.assert_array_equal(np.concatenate([p for p, _ in got]), expected)
    np.testing.assert_array_equal(np.concatenate([v for _, v in got]),
                                  (seen & (norm > 0))[:300, :730])


def test_encoding_a_wide_chunk_computes_only_where_it_is_valid():
    prob = np.zeros((64, WIDE), np.float32)
    valid = np.zeros((64, WIDE), bool)
    prob[:, 5000:5512] = 0.25
    valid[:, 5000:5512] = True
    out = None

    def encode() -> None:
        nonlocal out
        out = encode_rows(prob, valid, "byte")

    assert _peak_of(encode) < 20 * MB  # the output (12.8 MB), not float copies of 51 MB
    assert (out[:, 5000:5512] == 64).all()  # rint(0.25 x 254) = 64
    assert (out[:, :5000] == 255).all() and (out[:, 5512:] == 255).all()


def _reference_halve(rows: np.ndarray, nodata: float) -> np.ndarray:
    """2 x 2 means ignoring nodata, written plainly."""
    n, w = rows.shape
    out = np.full(((n + 1) // 2, (w + 1) // 2), nodata, np.float64)
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            block = rows[2 * r:2 * r + 2, 2 * c:2 * c + 2]
            values = block[block != nodata]
            if len(values):
                out[r, c] = np.rint(values.mean()) if rows.dtype == np.uint8 else values.mean()
    return out.astype(rows.dtype)


@pytest.mark.parametrize("width", [37, 40])  # odd and even, across parts of 8 columns
def test_halve_by_parts_of_columns_equals_the_whole(monkeypatch, width):
    monkeypatch.setattr(overviews_module, "_COLUMNS", 8)
    rng = np.random.default_rng(1)
    rows = rng.integers(0, 256, (6, width)).astype(np.uint8)  # 255: nodata
    rows[:, 16:24] = 255  # a part without data
    np.testing.assert_array_equal(halve(rows, 255), _reference_halve(rows, 255))


def test_halving_a_wide_row_of_tiles_keeps_its_temporaries_small():
    rows = np.full((256, WIDE), 255, np.uint8)
    rows[:, 9000:9500] = 100
    half = None

    def run() -> None:
        nonlocal half
        half = halve(rows, 255)

    assert _peak_of(run) < 40 * MB  # the output (12.8 MB) and the temporaries of one part
    assert (half[:, 4500:4750] == 100).all() and (half[:, :4500] == 255).all()


def test_the_empty_parts_of_a_row_of_tiles_are_left_unwritten(tmp_path):
    path = str(tmp_path / "wide.tif")
    ds = gdal.GetDriverByName("GTiff").Create(
        path, 40_000, 512, 1, gdal.GDT_Byte,
        options=["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                 "SPARSE_OK=TRUE"])
    ds.GetRasterBand(1).SetNoDataValue(255)
    band_rows = BandRows(ds.GetRasterBand(1), 255, [])
    rows = np.full((512, 40_000), 255, np.uint8)
    rows[:, 20_000:20_300] = 7
    band_rows.push(rows)
    band_rows.finish()
    ds = None
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    np.testing.assert_array_equal(band.ReadAsArray(), rows)
    empty, _ = band.GetDataCoverageStatus(0, 0, 16_384, 512)
    assert empty & gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY
    assert not empty & gdal.GDAL_DATA_COVERAGE_STATUS_DATA
    written = [ds.GetRasterBand(1).GetMetadataItem(f"BLOCK_OFFSET_{c}_0", "TIFF")
               for c in range(40_000 // 256 + 1)]
    assert sum(1 for offset in written if offset) == 2  # the two tiles with data


@pytest.mark.slow
def test_predict_on_a_wide_mostly_empty_mosaic_needs_little_more_than_on_a_narrow_one(
        tmp_path, scene_files, tiny_config):
    """Peak memory of `predict` on a 200000 x 1024 px VRT with one scene in it, against a
    4096 px wide one: the rows of a prediction used to cost about 9 KB a column."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.engine.cli.conftest import write_model

    model = write_model(tmp_path / "m.pt", tiny_config)
    gt = gdal.Info(str(scene_files["image"]), format="json")["geoTransform"]
    peaks = {}
    for width in (4096, WIDE):
        vrt = tmp_path / f"w{width}.vrt"
        x0, y0 = gt[0] - (width // 2) * gt[1], gt[3] + 512 * gt[1]
        gdal.BuildVRT(str(vrt), [str(scene_files["image"])], outputBounds=(
            x0, y0 - 1024 * gt[1], x0 + width * gt[1], y0)).FlushCache()
        code = ("import resource, sys; from engine.cli.main import main; "
                "code = main(sys.argv[1:]); "
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(code)")
        done = subprocess.run(
            [sys.executable, "-c", code, "predict", "--model", str(model), "--image", str(vrt),
             "--out", str(tmp_path / f"p{width}.tif"), "--device", "cpu", "--progress",
             "none"], cwd=Path(__file__).resolve().parents[3], capture_output=True,
            text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        peaks[width] = int(done.stdout.split()[-1]) * 1024  # ru_maxrss: KiB
    assert peaks[WIDE] - peaks[4096] < 300 * MB  # was about 1.8 GB
