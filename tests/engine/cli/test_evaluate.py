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
