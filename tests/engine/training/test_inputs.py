"""Loading what the rounds need (engine.training.inputs)."""

from __future__ import annotations

import gc

import numpy as np

from engine.events import Reporter
from engine.training import TrainJob
from engine.training.inputs import prepare_training_data


def _holdout(data) -> list[tuple[int, int, int, int, int]]:
    return [(t.source, t.window.row_off, t.window.col_off, t.window.rows, t.window.cols)
            for t in data.holdout]


def test_giving_unlabeled_rasters_does_not_change_which_labels_are_held_out(
        scene_files, tiny_config, make_raster, tmp_path):
    # The unlabeled rasters enter the band statistics; the hold-out must not depend on
    # how many random draws those took, or a semi-supervised run would be scored on
    # other tiles, and trained on other labels, than the supervised run it is compared to.
    rng = np.random.default_rng(5)
    extra = [make_raster(rng.integers(0, 255, (3, 96 + 32 * k, 128), dtype=np.uint8),
                         name=f"unlabeled{k}.tif") for k in range(3)]
    common = dict(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                  aoi=str(scene_files["aoi"]), out=str(tmp_path / "m.pt"))
    for seed in range(4):
        config = tiny_config.updated({"seed": seed, "norm_sample_px": 400})
        alone = prepare_training_data(TrainJob(**common), config, reporter=Reporter())
        with_extra = prepare_training_data(TrainJob(**common, unlabeled=tuple(extra)), config,
                                           reporter=Reporter())
        assert alone.holdout and _holdout(with_extra) == _holdout(alone), seed
        assert np.array_equal(with_extra.train_labels[0], alone.train_labels[0])
        assert with_extra.train_labels[1:] == [None] * 3
        del alone, with_extra
        gc.collect()  # close the GDAL readers before the next seed opens them again
