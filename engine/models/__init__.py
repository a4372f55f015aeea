"""Road networks: ImageNet-encoder U-Nets, the scratch U-Net or ResNet-LinkNet, with heads."""

from __future__ import annotations

import torch

from ..config import ModelConfig
from ..errors import BadInputError
from .encoder_unet import EncoderUNet
from .heads import RoadNet, RoadNetOutput
from .linknet import LinkNet
from .pretrained_weights import WEIGHTS
from .unet import UNet, pad_to_multiple

__all__ = ["build_model", "RoadNet", "RoadNetOutput", "UNet", "LinkNet", "EncoderUNet",
           "pad_to_multiple", "IMAGENET_ARCHS"]

#: Archs whose encoder has ImageNet weights in an installed package.
IMAGENET_ARCHS = tuple(WEIGHTS)


def build_model(config: ModelConfig, in_channels: int, *, seed: int | None = None,
                load_weights: bool = True) -> RoadNet:
    """Build a :class:`RoadNet` for a model configuration.

    Parameters
    ----------
    config : ModelConfig
        ``arch`` picks the backbone: an ImageNet encoder (``"mobilenet_v2"``,
        ``"efficientnet_lite0/1/2"``) with a U-Net decoder of ``base_width``, the scratch
        ``"unet"`` (``base_width``, ``depth``), or ``"resnet18"``/``"resnet34"`` with a
        LinkNet decoder (random weights). Nothing is ever downloaded: ImageNet weights are
        read from installed packages.
    in_channels : int
        Number of input bands (1 pan, 3 RGB, 4 RGB+NIR, ...).
    seed : int or None
        When given, the random weights (the decoder's, and all of a network without
        ImageNet weights) are drawn from a private RNG seeded with it (the global torch
        RNG is left as it was); None draws from the global RNG.
    load_weights : bool
        Read the ImageNet weights when ``config.pretrained`` asks for them; False when a
        model file's weights will replace them anyway.

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
        return _build(config, in_channels, load_weights)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _build(config, in_channels, load_weights)


def _build(config: ModelConfig, in_channels: int, load_weights: bool) -> RoadNet:
    if config.arch in IMAGENET_ARCHS:
        pretrained = config.pretrained and load_weights
        if config.arch == "mobilenet_v2":
            from .mobilenet import MobileNetV2Encoder

            encoder: torch.nn.Module = MobileNetV2Encoder(in_channels, pretrained=pretrained)
        else:
            from .efficientnet_lite import EfficientNetLiteEncoder

            encoder = EfficientNetLiteEncoder(config.arch, in_channels, pretrained=pretrained)
        backbone: torch.nn.Module = EncoderUNet(encoder, in_channels=in_channels,
                                                base_width=config.base_width)
    elif config.arch == "unet":
        backbone = UNet(
            in_channels, base_width=config.base_width, depth=config.depth
        )
    else:
        backbone = LinkNet(in_channels, encoder=config.arch)
    return RoadNet(backbone, in_channels=in_channels, config=config)
