"""Tests of RoadNet, its heads and build_model."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from engine.config import ModelConfig
from engine.errors import BadInputError
from engine.losses.supervised import supervised_loss
from engine.models import RoadNet, build_model

TINY = ModelConfig(arch="unet", base_width=4, depth=2, embed_dim=8)  # smallest useful U-Net


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
def test_build_model_output_shapes_odd_size(bands: int) -> None:
    out = build_model(TINY, bands)(torch.rand(2, bands, 37, 53))
    assert out.logits.shape == (2, 1, 37, 53)
    assert out.embedding is not None and out.embedding.shape == (2, 8, 37, 53)


def test_build_model_resnet_arch_output_shapes() -> None:
    model = build_model(ModelConfig(arch="resnet18", embed_dim=4), 4).eval()
    with torch.no_grad():
        out = model(torch.rand(1, 4, 33, 35))
    assert out.logits.shape == (1, 1, 33, 35)
    assert out.embedding is not None and out.embedding.shape == (1, 4, 33, 35)


def test_build_model_seed_is_reproducible_and_private() -> None:
    state = torch.random.get_rng_state()
    a, b = build_model(TINY, 3, seed=7), build_model(TINY, 3, seed=7)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_build_model_rejects_bad_in_channels() -> None:
    with pytest.raises(BadInputError, match="in_channels=0"):
        build_model(TINY, 0)


def test_build_model_rejects_non_config() -> None:
    with pytest.raises(BadInputError, match="config must be a ModelConfig, got dict"):
        build_model({"arch": "unet"}, 3)  # type: ignore[arg-type]


def test_roadnet_embedding_has_unit_norm() -> None:
    out = build_model(TINY, 3)(torch.rand(1, 3, 20, 24))
    norms = out.embedding.norm(dim=1)
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5)


def test_roadnet_without_embedding_returns_none() -> None:
    out = build_model(TINY, 3)(torch.rand(1, 3, 16, 16), with_embedding=False)
    assert out.embedding is None and out.logits.shape == (1, 1, 16, 16)


@pytest.mark.parametrize("arch", ["unet", "resnet18"])  # both backbones' features
def test_roadnet_project_of_chosen_pixels_equals_the_embedding_map(arch: str) -> None:
    model = build_model(ModelConfig(arch=arch, base_width=4, depth=2, embed_dim=6),
                        in_channels=3, seed=0).eval()
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    out = model(x, with_features=True)
    pixels = torch.tensor([0, 17, 500, 1023])
    rows = out.features[1].flatten(1)[:, pixels].T
    expected = out.embedding[1].flatten(1)[:, pixels].T
    torch.testing.assert_close(model.project(rows), expected, rtol=1e-5, atol=1e-5)


def test_roadnet_exposes_in_channels_and_config() -> None:
    model = build_model(TINY, 4)
    assert (model.in_channels, model.config) == (4, TINY)


def test_roadnet_input_not_modified() -> None:
    x = torch.rand(1, 3, 9, 11)
    before = x.clone()
    build_model(TINY, 3)(x)
    assert torch.equal(x, before)


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (torch.rand(2, 4, 8, 8), r"\(B, 3, H, W\).*\(2, 4, 8, 8\)"),  # wrong band count
        (torch.rand(3, 8, 8), r"\(3, 8, 8\)"),  # no batch dimension
        (torch.rand(1, 3, 0, 8), r"\(1, 3, 0, 8\)"),  # empty image
        (torch.zeros(1, 3, 8, 8, dtype=torch.uint8), "torch.uint8"),  # integer input
    ],
)
def test_roadnet_rejects_bad_input(x: torch.Tensor, match: str) -> None:
    with pytest.raises(BadInputError, match=match):
        build_model(TINY, 3)(x)


def test_roadnet_rejects_backbone_without_out_channels() -> None:
    with pytest.raises(BadInputError, match="Identity must have an integer out_channels"):
        RoadNet(nn.Identity(), in_channels=3, config=TINY)


def test_roadnet_overfits_stripe_mask() -> None:
    gen = torch.Generator().manual_seed(0)
    labels = torch.zeros(1, 32, 32, dtype=torch.uint8)
    labels[:, :, 12:18] = 1
    x = 0.2 * torch.rand(1, 3, 32, 32, generator=gen) + labels[:, None].float() * 0.5
    model = build_model(ModelConfig(arch="unet", base_width=8, depth=2, embed_dim=4), 3, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(60):
        loss = supervised_loss(model(x, with_embedding=False).logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


ENCODER_EMBED = ModelConfig(arch="mobilenet_v2", base_width=8, embed_dim=4, embed_from="encoder")


def test_embedding_from_the_encoder_is_its_stride_8_features_at_full_resolution() -> None:
    model = build_model(ENCODER_EMBED, 3, seed=0, load_weights=False).eval()
    with torch.no_grad():
        out = model(torch.rand(1, 3, 70, 66), with_features=True)
    assert out.logits.shape == (1, 1, 70, 66)
    channels = model.backbone.encoder.channels[2]  # stride 8
    assert out.features is not None and out.features.shape == (1, channels, 70, 66)
    assert out.embedding is not None and out.embedding.shape == (1, 4, 70, 66)
    rows = out.features.flatten(2)[0].T[[0, 777, 4619]]
    expected = out.embedding.flatten(2)[0].T[[0, 777, 4619]]
    torch.testing.assert_close(model.project(rows), expected)


def test_embedding_from_the_encoder_trains_the_encoder_not_the_decoder() -> None:
    model = build_model(ENCODER_EMBED, 3, seed=0, load_weights=False)
    out = model(torch.rand(2, 3, 64, 64), with_features=True)
    model.project(out.features.flatten(2).transpose(1, 2).reshape(-1, out.features.shape[1])
                  ).sum().backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.backbone.encoder.parameters())
    assert all(p.grad is None or p.grad.abs().sum() == 0
               for p in model.backbone.stages.parameters())


def test_embedding_from_the_encoder_needs_an_imagenet_encoder() -> None:
    with pytest.raises(BadInputError, match="model.embed_from"):
        build_model(ModelConfig(arch="unet", base_width=4, depth=2, embed_from="encoder"), 3)
    with pytest.raises(BadInputError, match="model.embed_from"):
        ModelConfig(embed_from="middle")
