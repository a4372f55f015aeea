"""Tests of the packaged ImageNet weights: found, pinned, checked before loading."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from engine.errors import BadInputError, MissingDependencyError, ModelLoadError
from engine.models import pretrained_weights
from engine.models.pretrained_weights import WEIGHTS, load_weights, weights_path


@pytest.mark.parametrize("arch", sorted(WEIGHTS))  # every encoder with ImageNet weights
def test_weights_path_finds_the_pinned_file_of_each_encoder(arch: str) -> None:
    path = weights_path(arch)
    assert path.is_file() and path.name.endswith(".pth")


def test_load_weights_gives_the_imagenet_tensors() -> None:
    state = load_weights("mobilenet_v2")
    # torchvision's MobileNetV2 has a 1000-class classifier
    assert state["classifier.1.weight"].shape == (1000, 1280)


def test_weights_path_refuses_a_file_whose_sha256_differs(monkeypatch) -> None:
    spec = dataclasses.replace(WEIGHTS["mobilenet_v2"], sha256="0" * 64)
    monkeypatch.setitem(pretrained_weights.WEIGHTS, "mobilenet_v2", spec)
    with pytest.raises(ModelLoadError, match="sha256 b0353104.*not the pinned 0000"):
        weights_path("mobilenet_v2")


def test_weights_path_names_the_install_command_when_the_package_is_missing(monkeypatch
                                                                             ) -> None:
    spec = dataclasses.replace(WEIGHTS["efficientnet_lite0"], distribution="no-such-weights")
    monkeypatch.setitem(pretrained_weights.WEIGHTS, "efficientnet_lite0", spec)
    with pytest.raises(MissingDependencyError, match="no-such-weights.*requirements/weights"):
        weights_path("efficientnet_lite0")


def test_weights_path_refuses_another_version(monkeypatch) -> None:
    spec = dataclasses.replace(WEIGHTS["mobilenet_v2"], version="9.9")
    monkeypatch.setitem(pretrained_weights.WEIGHTS, "mobilenet_v2", spec)
    with pytest.raises(MissingDependencyError, match=r"==9\.9 \(found 1\.0\.1\)"):
        weights_path("mobilenet_v2")


def test_weights_path_refuses_an_arch_without_weights() -> None:
    with pytest.raises(BadInputError, match="model.arch='unet' has no pretrained weights"):
        weights_path("unet")


def test_load_weights_reads_with_weights_only(monkeypatch) -> None:
    seen = {}
    real_load = torch.load

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(pretrained_weights.torch, "load", spy)
    load_weights("mobilenet_v2")
    assert seen["weights_only"] is True
