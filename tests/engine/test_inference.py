"""Tests of engine.inference: window layout and blended sliding-window prediction."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.config import ModelConfig
from engine.errors import BadInputError
from engine.inference import hann_window, predict_probability, window_starts
from engine.models import build_model

#: A tiny scratch U-Net, quick to build and run.
TINY_UNET = ModelConfig(arch="unet", base_width=4, depth=2, embed_dim=4)


def test_window_starts_cover_the_length_and_end_flush():
    starts = window_starts(300, 128, 96)
    assert starts[0] == 0 and starts[-1] == 300 - 128
    assert all(b - a <= 96 for a, b in zip(starts, starts[1:], strict=False))


def test_hann_window_is_positive_and_peaks_in_the_centre():
    w = hann_window(64)
    assert w.min() > 0
    assert w[32, 32] == w.max()


def test_predict_probability_matches_a_single_forward_when_one_window_fits():
    model = build_model(TINY_UNET, 2, seed=0).eval()
    image = np.random.default_rng(0).normal(size=(2, 64, 64)).astype(np.float32)
    prob = predict_probability(model, image, tile_px=64)
    with torch.no_grad():
        direct = torch.sigmoid(model(torch.from_numpy(image)[None]).logits)[0, 0].numpy()
    np.testing.assert_allclose(prob, direct, atol=1e-5)


@pytest.mark.parametrize("shape", [(1, 50, 70), (3, 130, 97)])  # smaller and larger than a tile
def test_predict_probability_returns_the_input_grid_in_unit_range(shape):
    model = build_model(TINY_UNET, shape[0], seed=0).eval()
    image = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    prob = predict_probability(model, image, tile_px=64, overlap=0.5, batch_size=3)
    assert prob.shape == shape[1:]
    assert prob.dtype == np.float32
    assert np.all((prob >= 0) & (prob <= 1))


def test_predict_probability_rejects_bad_arguments():
    model = build_model(TINY_UNET, 1, seed=0).eval()
    with pytest.raises(BadInputError, match="must be \\(C, H, W\\)"):
        predict_probability(model, np.zeros((8, 8), np.float32), tile_px=64)
    with pytest.raises(BadInputError, match="overlap must be in"):
        predict_probability(model, np.zeros((1, 8, 8), np.float32), tile_px=64, overlap=0.95)
