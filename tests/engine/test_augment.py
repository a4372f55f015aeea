"""Tests of engine.augment: D4 transforms invert exactly; photometric keeps shape and input."""

from __future__ import annotations

import pytest
import torch

from engine.augment import apply_d4, invert_d4, photometric
from engine.config import AugmentConfig


@pytest.mark.parametrize("k", range(4))
@pytest.mark.parametrize("flip", [False, True])
def test_invert_d4_undoes_apply_d4(k, flip):
    x = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).reshape(2, 3, 5, 5)
    assert torch.equal(invert_d4(apply_d4(x, (k, flip)), (k, flip)), x)


def test_photometric_changes_values_but_not_shape_or_input():
    x = torch.rand(4, 3, 16, 16)
    before = x.clone()
    out = photometric(x, AugmentConfig(), generator=torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    assert torch.equal(x, before)
    assert not torch.allclose(out, x)


def test_photometric_is_identity_when_every_strength_is_zero():
    x = torch.rand(2, 1, 8, 8)
    cfg = AugmentConfig(brightness=0, contrast=0, gamma=0, noise_std=0, blur_probability=0)
    out = photometric(x, cfg, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(out, x)


def test_photometric_rejects_non_batched_input():
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        photometric(torch.rand(3, 8, 8), AugmentConfig(), generator=torch.Generator())


def test_random_scale_is_one_and_draws_nothing_when_off():
    from engine.augment import random_scale

    g = torch.Generator().manual_seed(0)
    state = g.get_state()
    assert random_scale(g, 0.0) == 1.0
    assert torch.equal(g.get_state(), state)


def test_random_scale_stays_within_its_range():
    from engine.augment import random_scale

    g = torch.Generator().manual_seed(0)
    factors = [random_scale(g, 0.25) for _ in range(200)]
    assert min(factors) >= 1 / 1.25 - 1e-9 and max(factors) <= 1.25 + 1e-9
    assert min(factors) < 0.9 and max(factors) > 1.1  # both zooms happen


def test_resize_crop_keeps_label_codes_and_sizes():
    from engine.augment import resize_crop

    image = torch.rand(3, 40, 40)
    labels = torch.zeros(40, 40, dtype=torch.uint8)
    labels[:, 18:22] = 1
    labels[:5] = 255  # ignored pixels
    out, lab = resize_crop(image, labels, 32)
    assert out.shape == (3, 32, 32) and lab.shape == (32, 32) and lab.dtype == torch.uint8
    assert set(lab.unique().tolist()) == {0, 1, 255}
