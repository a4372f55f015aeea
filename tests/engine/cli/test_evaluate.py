"""Tests of engine.cli.evaluate: hold-out label rasters."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cli.evaluate import holdout_only
from engine.errors import BadInputError


def test_holdout_only_keeps_the_windows_of_this_image(tmp_path):
    image, other = tmp_path / "a.tif", tmp_path / "b.tif"
    image.write_bytes(b"")
    other.write_bytes(b"")
    labels = np.zeros((10, 10), np.uint8)
    labels[2, :] = 1
    holdout = [{"image": str(image), "window": [0, 0, 4, 5]},
               {"image": str(other), "window": [5, 5, 5, 5]}]
    out = holdout_only(labels, str(image), holdout)
    np.testing.assert_array_equal(out[:4, :5], labels[:4, :5])
    assert np.all(out[4:, :] == 255) and np.all(out[:, 5:] == 255)


def test_holdout_only_rejects_an_image_the_model_never_held_out(tmp_path):
    image = tmp_path / "a.tif"
    image.write_bytes(b"")
    with pytest.raises(BadInputError, match="held out no tile"):
        holdout_only(np.zeros((4, 4), np.uint8), str(image), [])


def test_labels_holdout_of_a_model_trained_without_a_holdout_says_so(run_cli, tmp_path,
                                                                     scene_files, tiny_config):
    from engine.model_file import read_model_file, save_model
    from engine.models import build_model

    from .conftest import write_model

    path = write_model(tmp_path / "m.pt", tiny_config)
    _, meta = read_model_file(path)
    meta["holdout"] = []
    meta["holdout_split"] = {"tile_px": None, "fraction": 0.0}
    meta["decision_threshold"] = {"value": 0.5, "rule": "f1", "source": "training labels"}
    save_model(path, build_model(tiny_config.model, 3, seed=0), meta)
    run = run_cli("labels", "--image", scene_files["image"], "--roads", scene_files["roads"],
                  "--aoi", scene_files["aoi"], "--holdout-of", path, "--out",
                  tmp_path / "h.tif", "--progress", "none")
    assert run.code == 2
    assert "was trained without a hold-out" in run.error and "m.pt" in run.error
    assert not (tmp_path / "h.tif").exists()
