"""vectorize and extract over several rasters: one GeoPackage for their mosaic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, ogr

from engine.io.raster import write_raster

from .conftest import build_vrt

ogr.UseExceptions()

UTM = "EPSG:32631"


def plus_prob(size: int = 128) -> np.ndarray:
    """A Byte probability: a "+" of two 12 px roads (254) on background (0)."""
    prob = np.zeros((size, size), np.uint8)
    middle = size // 2
    prob[middle - 6:middle + 6, 4:size - 4] = 254
    prob[4:size - 4, middle - 6:middle + 6] = 254
    return prob


def write_halves(folder: Path, prob: np.ndarray, *, crs: str = UTM,
                 right_crs: str | None = None) -> tuple[Path, Path, Path]:
    """The whole raster and its left and right halves, on one 1 m grid."""
    half = prob.shape[1] // 2
    paths = []
    for name, array, x0, srs in (("whole", prob, 500000.0, crs),
                                 ("left", prob[:, :half], 500000.0, crs),
                                 ("right", prob[:, half:], 500000.0 + half, right_crs or crs)):
        path = folder / f"{name}.tif"
        write_raster(str(path), array, geotransform=(x0, 1.0, 0.0, 5000200.0, 0.0, -1.0),
                     crs_wkt=srs, nodata=255)
        paths.append(path)
    return paths[0], paths[1], paths[2]


def layer_rows(path: Path, name: str) -> list[tuple]:
    ds = ogr.Open(str(path))
    rows = sorted((round(f["length_m"], 6), f["start_degree"] + f["end_degree"])
                  for f in ds.GetLayerByName(name))
    ds = None
    return rows


def test_cli_vectorize_several_rasters_as_one(run_cli, tmp_path):
    whole, left, right = write_halves(tmp_path, plus_prob())
    one = run_cli("vectorize", "--prob", whole, "--out", tmp_path / "one.gpkg",
                  "--progress", "json")
    two = run_cli("vectorize", "--prob", left, right, "--out", tmp_path / "two.gpkg",
                  "--progress", "json")
    assert one.code == two.code == 0
    # The cross is cut by the seam between the files and joined again: 4 arms, 1 junction.
    assert layer_rows(tmp_path / "two.gpkg", "centerlines") == layer_rows(
        tmp_path / "one.gpkg", "centerlines")
    assert len(layer_rows(tmp_path / "two.gpkg", "centerlines")) == 4
    done = two.events[-1]
    assert done["event"] == "done" and done["threshold"] == 0.5
    assert gdal.ReadDir("/vsimem/") in (None, [])  # the mosaic in memory is gone


def test_cli_vectorize_refuses_rasters_in_two_crss(run_cli, tmp_path):
    _, left, right = write_halves(tmp_path, plus_prob(), right_crs="EPSG:32632")
    run = run_cli("vectorize", "--prob", left, right, "--out", tmp_path / "r.gpkg",
                  "--progress", "json")
    assert run.code == 2
    assert "one mosaic needs one CRS" in run.error and "right.tif" in run.error
    assert not (tmp_path / "r.gpkg").exists()


def test_cli_vectorize_refuses_two_pixel_sizes(run_cli, tmp_path):
    _, left, _ = write_halves(tmp_path, plus_prob())
    coarse = tmp_path / "coarse.tif"
    write_raster(str(coarse), plus_prob(64), geotransform=(500064.0, 2.0, 0.0, 5000200.0, 0.0,
                                                           -2.0), crs_wkt=UTM, nodata=255)
    run = run_cli("vectorize", "--prob", left, coarse, "--out", tmp_path / "r.gpkg",
                  "--progress", "json")
    assert run.code == 2 and "one mosaic needs one pixel size" in run.error


def test_cli_vectorize_refuses_the_same_raster_twice(run_cli, tmp_path):
    _, left, _ = write_halves(tmp_path, plus_prob())
    run = run_cli("vectorize", "--prob", left, left, "--out", tmp_path / "r.gpkg",
                  "--progress", "json")
    assert run.code == 2 and "names" in run.error and "twice" in run.error


@pytest.mark.parametrize("block", ["8", "0"])  # below the minimum, zero
def test_cli_vectorize_refuses_a_bad_block(run_cli, tmp_path, block):
    whole, _, _ = write_halves(tmp_path, plus_prob())
    run = run_cli("vectorize", "--prob", whole, "--out", tmp_path / "r.gpkg", "--block",
                  block, "--progress", "json")
    assert run.code == 2
    assert f"block_px must be a whole number >= 16; got {block}" in run.error
    assert not (tmp_path / "r.gpkg").exists()


def test_cli_extract_several_rasters(run_cli, tmp_path, scene_factory, cli_model):
    scenes = [scene_factory(tmp_path / name, size_px=96, seed=seed)
              for name, seed in (("a", 1), ("b", 2))]
    images = []
    for index, scene in enumerate(scenes):  # side by side on one grid: rename and move
        ds = gdal.Open(str(scene["image"]))
        gt = list(ds.GetGeoTransform())
        gt[0] += index * 96 * gt[1]
        image = tmp_path / f"tile{index}.tif"
        gdal.Translate(str(image), ds, outputBounds=None).SetGeoTransform(gt)
        images.append(image)
    out = tmp_path / "out"
    out.mkdir()
    run = run_cli("extract", "--model", cli_model, "--image", *images, "--out-dir", out,
                  "--tile", "64", "--device", "cpu", "--progress", "json")
    assert run.code == 0, run.error
    names = sorted(p.name for p in out.iterdir())
    assert names == ["mosaic_preview.png", "mosaic_prob.vrt", "mosaic_roads.gpkg",
                     "tile0_prob.tif", "tile1_prob.tif"]
    mosaic = gdal.Open(str(out / "mosaic_prob.vrt"))
    assert (mosaic.RasterXSize, mosaic.RasterYSize) == (192, 96)
    assert mosaic.GetMetadataItem("ROAD_PROBABILITY_SCALE") == "254"
    done = run.events[-1]
    assert done["files"]["probabilities"] == [str(out / "tile0_prob.tif"),
                                              str(out / "tile1_prob.tif")]
    assert len(done["predict"]) == 2 and "threshold" in done


def test_cli_extract_refuses_two_rasters_of_one_name(run_cli, tmp_path, scene_files, cli_model):
    other = tmp_path / "other"
    other.mkdir()
    copy = build_vrt(other / "image.vrt", scene_files["image"])
    run = run_cli("extract", "--model", cli_model, "--image", scene_files["image"], copy,
                  "--out-dir", tmp_path, "--progress", "json")
    assert run.code == 2 and "two rasters named image" in run.error
