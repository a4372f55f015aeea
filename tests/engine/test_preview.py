"""Tests of engine.preview: stretched pictures and overlays."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.preview import LINE_RGB, render_preview, stretch_to_rgb


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB + NIR
def test_stretch_to_rgb_gives_8bit_rgb(bands):
    image = np.random.default_rng(0).integers(0, 2047, (bands, 20, 30)).astype(np.uint16)
    rgb = stretch_to_rgb(image)
    assert rgb.shape == (20, 30, 3) and rgb.dtype == np.uint8
    assert rgb.max() == 255 and rgb.min() == 0


def test_stretch_to_rgb_blacks_out_invalid_pixels():
    image = np.full((1, 4, 4), 100, np.uint16)
    valid = np.ones((4, 4), bool)
    valid[0, 0] = False
    assert stretch_to_rgb(image, valid)[0, 0].tolist() == [0, 0, 0]


def test_render_preview_tints_roads_and_draws_lines():
    rgb = np.full((10, 10, 3), 100, np.uint8)
    road = np.zeros((10, 10), bool)
    road[5, :] = True
    out = render_preview(rgb, road, [np.array([[0.0, 2.0], [9.0, 2.0]])])
    assert out[5, 0, 0] > out[5, 0, 1]  # reddish road
    assert out[2, 4].tolist() == LINE_RGB.tolist()
    assert out[8, 8].tolist() == [100, 100, 100]
    assert rgb[5, 0].tolist() == [100, 100, 100]  # input untouched


def test_render_preview_rejects_mismatched_mask():
    with pytest.raises(BadInputError, match="does not match"):
        render_preview(np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4), bool), [])
