"""Tests of bench.real_base: what a real base model learns from and what it is scored on."""

from __future__ import annotations

import numpy as np
from osgeo import gdal

from bench.real_base import MASS_LICENCE, _grey, training_images, zero_shot_sites
from bench.real_tiles_data import _mass_cut


def _manifest(tmp_path) -> dict:
    """Two Massachusetts-like source tiles cut like the real ones: one pool, one test."""
    rng = np.random.default_rng(0)
    size = 1000
    cuts = []
    for k, stem in enumerate(("pool", "test")):
        image = rng.integers(0, 200, (3, size, size), dtype=np.uint8)
        image[:, :, :30] = 255  # white: nodata
        road = np.zeros((size, size), bool)
        road[:, 600 + 40 * k:612 + 40 * k] = True
        cuts.append(_mass_cut(tmp_path / "tiles", stem, image, road, 4 * k))
    return {"mass": {"pool": cuts[0], "test": cuts[1]}, "epfl": {"pool": [], "test": []}}


def test_training_images_never_hold_a_test_tile_and_carry_the_credit(tmp_path) -> None:
    (tmp_path / "tiles").mkdir()
    manifest = _manifest(tmp_path)
    images = training_images(manifest, tmp_path / "work", 3, spacenet=False)
    assert len(images) == len(manifest["mass"]["pool"]) == 4
    used = {f for image, _, _ in images for f in gdal.Open(image).GetFileList()}
    assert {t["image"] for t in manifest["mass"]["pool"]} <= used
    assert not used & {t["image"] for t in manifest["mass"]["test"]}
    roads = images[0][1]
    assert gdal.OpenEx(roads, gdal.OF_VECTOR).GetMetadataItem("LICENSE") == MASS_LICENCE
    # every other cut is read at half the pixel side, so no ground is seen at both sizes
    sides = [gdal.Open(image).GetGeoTransform()[1] for image, _, _ in images]
    assert sides == [1.0, 0.5, 1.0, 0.5]


def test_grey_is_the_mean_of_the_bands_and_keeps_the_nodata_mask(tmp_path) -> None:
    (tmp_path / "tiles").mkdir()
    tile = _manifest(tmp_path)["mass"]["pool"][0]
    grey = gdal.Open(_grey(tile["image"], tmp_path / "grey.tif"))
    rgb = gdal.Open(tile["image"]).ReadAsArray().astype(np.float32)
    assert grey.RasterCount == 1
    assert np.abs(grey.ReadAsArray() - rgb.mean(axis=0)).max() <= 0.5
    mask = grey.GetRasterBand(1).GetMaskBand().ReadAsArray()
    assert not mask[:, :30].any() and mask[:, 30:].all()
    assert grey.GetGeoTransform() == gdal.Open(tile["image"]).GetGeoTransform()


def test_zero_shot_sites_of_one_band_are_grey_test_tiles(tmp_path) -> None:
    (tmp_path / "tiles").mkdir()
    manifest = _manifest(tmp_path)
    sites = zero_shot_sites(manifest, tmp_path / "work", 1, spacenet=False)
    assert [t["name"] for t in sites["mass"]] == [t["name"] for t in manifest["mass"]["test"]]
    assert all(gdal.Open(t["image"]).RasterCount == 1 for t in sites["mass"])
    assert sites["mass"][0]["truth"] == manifest["mass"]["test"][0]["truth"]
