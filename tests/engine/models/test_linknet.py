"""Tests of the ResNet-LinkNet backbone."""

from __future__ import annotations

import pytest
import torch

from engine.errors import BadInputError
from engine.models.linknet import LinkNet


def _no_download(*args: object, **kwargs: object) -> None:
    raise AssertionError("a download was attempted")


@pytest.mark.parametrize("encoder", ["resnet18", "resnet34"])
def test_linknet_builds_offline_with_four_bands(
    encoder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", _no_download)
    monkeypatch.setattr(torch.hub, "download_url_to_file", _no_download)
    net = LinkNet(4, encoder=encoder)
    assert net.stem[0].in_channels == 4


@pytest.mark.parametrize("bands", [1, 3, 4])  # pan, RGB, RGB+NIR
def test_linknet_output_shape_odd_size(bands: int) -> None:
    net = LinkNet(bands).eval()
    with torch.no_grad():
        out = net(torch.rand(1, bands, 37, 53))
    assert out.shape == (1, net.out_channels, 37, 53)


def test_linknet_keeps_resnet_conv1_for_three_bands() -> None:
    conv1 = LinkNet(3).stem[0]
    assert (conv1.in_channels, conv1.kernel_size, conv1.stride) == (3, (7, 7), (2, 2))


def test_linknet_rejects_unknown_encoder() -> None:
    with pytest.raises(BadInputError, match="encoder='resnet50'"):
        LinkNet(3, encoder="resnet50")


def test_linknet_rejects_bad_in_channels() -> None:
    with pytest.raises(BadInputError, match="in_channels=0"):
        LinkNet(0)
