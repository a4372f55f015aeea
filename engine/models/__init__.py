"""Road networks: U-Net or ResNet-LinkNet backbones with road and projection heads."""

from __future__ import annotations

import torch

from ..config import ModelConfig
from ..errors import BadInputError
from .heads import RoadNet, RoadNetOutput
from .linknet import LinkNet
from .unet import UNet, pad_to_multiple

__all__ = ["build_model", "RoadNet", "RoadNetOutput", "UNet", "LinkNet", "pad_to_multiple"]


def build_model(config: ModelConfig, in_channels: int, *, seed: int | None = None) -> RoadNet:
    """Build a randomly initialised :class:`RoadNet` for a model configuration.

    Parameters
    ----------
    config : ModelConfig
        ``arch`` picks the backbone: ``"unet"`` (``base_width``, ``depth``) or
        ``"resnet18"``/``"resnet34"`` with a LinkNet decoder (``base_width`` and ``depth``
        do not apply). No pretrained weights are used, so nothing is downloaded.
    in_channels : int
        Number of input bands (1 pan, 3 RGB, 4 RGB+NIR, ...).
    seed : int or None
        When given, the initial weights are drawn from a private RNG seeded with it (the
        global torch RNG is left as it was); None draws from the global RNG.

    Returns
    -------
    RoadNet
        The network, in training mode, on the CPU.
    """
    if not isinstance(config, ModelConfig):
        raise BadInputError(f"config must be a ModelConfig, got {type(config).__name__}")
    if isinstance(in_channels, bool) or not isinstance(in_channels, int) or in_channels < 1:
        raise BadInputError(f"in_channels={in_channels!r} is invalid: an integer >= 1")
    if seed is None:
        return _build(config, in_channels)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _build(config, in_channels)


def _build(config: ModelConfig, in_channels: int) -> RoadNet:
    if config.arch == "unet":
        backbone: torch.nn.Module = UNet(
            in_channels, base_width=config.base_width, depth=config.depth
        )
    else:
        backbone = LinkNet(in_channels, encoder=config.arch)
    return RoadNet(backbone, in_channels=in_channels, config=config)
