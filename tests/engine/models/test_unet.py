"""Tests of the U-Net backbone and the padding helper."""

from __future__ import annotations

import pytest
import torch

from engine.errors import BadInputError
from engine.models.unet import UNet, pad_to_multiple


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
@pytest.mark.parametrize(
    "size",
    [
        (37, 53),  # odd, not a multiple of 2**depth
        (1, 1),  # smallest input: replicate padding
        (5, 3),  # smaller than 2**depth: repeated reflection
        (16, 24),  # already a multiple: no padding
    ],
)
def test_unet_output_shape_any_size(bands: int, size: tuple[int, int]) -> None:
    net = UNet(bands, base_width=4, depth=3)
    out = net(torch.rand(2, bands, *size))
    assert out.shape == (2, 4, *size)


def test_unet_transposed_upsample_output_shape() -> None:
    net = UNet(3, base_width=4, depth=2, upsample="transposed")
    assert net(torch.rand(1, 3, 13, 9)).shape == (1, 4, 13, 9)


def test_unet_exposes_out_channels_and_size_multiple() -> None:
    net = UNet(3, base_width=6, depth=3)
    assert (net.out_channels, net.size_multiple) == (6, 8)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"in_channels": 0}, "in_channels=0"),
        ({"in_channels": 3, "base_width": 0}, "base_width=0"),
        ({"in_channels": 3, "depth": 0}, "depth=0"),
        ({"in_channels": 3, "upsample": "nearest"}, "upsample='nearest'"),
    ],
)
def test_unet_rejects_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(BadInputError, match=match):
        UNet(**kwargs)


def test_pad_to_multiple_keeps_input_top_left() -> None:
    x = torch.rand(1, 2, 7, 10)
    out = pad_to_multiple(x, 8)
    assert out.shape == (1, 2, 8, 16)
    assert torch.equal(out[..., :7, :10], x)


def test_pad_to_multiple_reflects() -> None:
    x = torch.arange(4.0).reshape(1, 1, 1, 4).expand(1, 1, 2, 4)
    out = pad_to_multiple(x, 8)
    assert out[0, 0, 0].tolist() == [0, 1, 2, 3, 2, 1, 0, 1]


def test_pad_to_multiple_replicates_single_pixel() -> None:
    out = pad_to_multiple(torch.full((1, 1, 1, 1), 3.0), 4)
    assert torch.equal(out, torch.full((1, 1, 4, 4), 3.0))


def test_pad_to_multiple_rejects_bad_multiple() -> None:
    with pytest.raises(BadInputError, match="multiple=0"):
        pad_to_multiple(torch.rand(1, 1, 4, 4), 0)


def test_pad_to_multiple_rejects_non_batch() -> None:
    with pytest.raises(BadInputError, match=r"\(4, 4\)"):
        pad_to_multiple(torch.rand(4, 4), 2)
