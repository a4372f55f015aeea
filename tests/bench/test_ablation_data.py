"""The ablation's data: scenes at distinct places, a labeled block of the asked share."""

from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, ogr

from bench.ablation_data import DataConfig, build_scenes, label_block
from engine.io.raster import read_info
from engine.labels import IGNORE, ROAD, LabelSources, rasterize_labels

TINY = DataConfig(scene_px=128, train_seeds=(11, 12), test_seeds=(21,), heldout_seeds=(31,))


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return build_scenes(tmp_path_factory.mktemp("scenes"), TINY)


def _aoi_extent(path):
    ds = ogr.Open(path)  # held: a layer outlives a collected data source only as a crash
    return ds.GetLayer(0).GetExtent()


def _labels(files, image):
    sources = LabelSources(roads=files.roads, aoi=files.aoi, road_width_m=6.0,
                           width_field="width")
    return rasterize_labels(read_info(image), sources)


def test_scenes_have_distinct_places_and_the_held_out_style(scenes):
    folders = list(scenes.train) + [f for fs in scenes.test.values() for f in fs]
    origins = {gdal.Open(str(f / "image.tif")).GetGeoTransform()[:4:3] for f in folders}
    assert len(origins) == len(folders)
    assert [f.name for f in scenes.test["heldout_style"]] == ["heldout_31"]


def test_a_changed_data_configuration_is_refused(scenes):
    root = scenes.train[0].parent
    with pytest.raises(ValueError, match="another data configuration"):
        build_scenes(root, DataConfig(scene_px=128, train_seeds=(99,)))


def test_block_holds_the_share_and_only_its_roads(scenes, tmp_path):
    files = label_block(scenes, 0.1, seed=3, out_dir=tmp_path, min_road_share=0.01)
    side = round(np.sqrt(0.1 * 2 * 128 * 128))
    assert files.labeled_px == side * side and files.total_px == 2 * 128 * 128
    assert files.images == (str(scenes.train[0] / "image.tif"),)
    assert files.unlabeled == (str(scenes.train[1] / "image.tif"),)
    labels = _labels(files, files.images[0])
    x0, ps, _, y0, _, _ = gdal.Open(files.images[0]).GetGeoTransform()
    left, right, bottom, top = _aoi_extent(files.aoi)
    r0, c0 = round((y0 - top) / ps), round((left - x0) / ps)
    assert round((right - left) / ps) == side and round((top - bottom) / ps) == side
    block = np.zeros_like(labels, bool)
    block[r0:r0 + side, c0:c0 + side] = True
    assert np.all(labels[block] != IGNORE) and np.any(labels[block] == ROAD)
    # Road lines were clipped to the block: outside it only the buffer of a line ending at
    # the block's edge is road (half the widest road, 6 m = 12 px), the rest is unlabeled.
    near = np.zeros_like(block)
    near[max(0, r0 - 12):r0 + side + 12, max(0, c0 - 12):c0 + side + 12] = True
    assert not np.any(labels[~near] != IGNORE)
    assert set(np.unique(labels[near & ~block])) <= {ROAD, IGNORE}


def test_seed_moves_the_block(scenes, tmp_path):
    extents = set()
    for seed in range(4):
        files = label_block(scenes, 0.05, seed=seed, out_dir=tmp_path / str(seed),
                            min_road_share=0.0)
        extents.add(_aoi_extent(files.aoi))
    assert len(extents) > 1


def test_full_fraction_labels_every_training_scene(scenes, tmp_path):
    files = label_block(scenes, 1.0, seed=0, out_dir=tmp_path)
    assert files.unlabeled == () and len(files.images) == 2
    for image in files.images:
        assert np.all(_labels(files, image) != IGNORE)


@pytest.mark.parametrize("fraction", [0.0, 1.5])
def test_fraction_out_of_range_is_refused(scenes, tmp_path, fraction):
    with pytest.raises(ValueError, match="labeled fraction"):
        label_block(scenes, fraction, seed=0, out_dir=Path(tmp_path))


def test_block_larger_than_a_scene_is_refused(scenes, tmp_path):
    with pytest.raises(ValueError, match="does not fit"):
        label_block(scenes, 0.9, seed=0, out_dir=tmp_path)
