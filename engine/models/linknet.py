"""LinkNet decoder on a torchvision ResNet-18/34 encoder, built offline with random weights."""

from __future__ import annotations

from collections.abc import Callable

from torch import Tensor, nn
from torchvision.models import ResNet, resnet18, resnet34

from ..errors import BadInputError
from .unet import pad_to_multiple

__all__ = ["LinkNet", "ENCODERS"]

#: Encoders by name; always built with weights=None so nothing is ever downloaded.
ENCODERS: dict[str, Callable[..., ResNet]] = {"resnet18": resnet18, "resnet34": resnet34}
STEM_CHANNELS = 64  # output channels of the ResNet stem (conv1)
FEATURE_CHANNELS = 32  # channels F of the full-resolution features given to the heads
SIZE_MULTIPLE = 32  # total down-sampling of a ResNet encoder


class _DecoderBlock(nn.Sequential):
    """LinkNet decoder block: 1x1 reduce, 3x3 stride-2 transposed conv (x2), 1x1 expand."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        mid = in_channels // 4
        super().__init__(
            nn.Conv2d(in_channels, mid, 1, bias=False),
            nn.BatchNorm2d(mid),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(mid, mid, 3, stride=2, padding=1, output_padding=1, bias=False),
            nn.BatchNorm2d(mid),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )


class LinkNet(nn.Module):
    """ResNet encoder with a LinkNet (D-LinkNet style) decoder back to full resolution.

    Parameters
    ----------
    in_channels : int
        Number of input bands; ``conv1`` is replaced by a fresh 7x7 stride-2 conv when it
        is not 3.
    encoder : str
        ``"resnet18"`` or ``"resnet34"``; randomly initialised (``weights=None``).

    Attributes
    ----------
    out_channels : int
        Channels F of the returned features (32).
    size_multiple : int
        32; inputs are reflect-padded to a multiple of it and the output cropped back.
    """

    def __init__(self, in_channels: int, *, encoder: str = "resnet18") -> None:
        super().__init__()
        if in_channels < 1:
            raise BadInputError(f"in_channels={in_channels!r} is invalid: an integer >= 1")
        if encoder not in ENCODERS:
            raise BadInputError(f"encoder={encoder!r} is invalid: one of {sorted(ENCODERS)}")
        net = ENCODERS[encoder](weights=None)
        if in_channels != 3:
            net.conv1 = nn.Conv2d(in_channels, STEM_CHANNELS, 7, stride=2, padding=3, bias=False)
            nn.init.kaiming_normal_(net.conv1.weight, mode="fan_out", nonlinearity="relu")
        self.stem = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)
        self.encoders = nn.ModuleList([net.layer1, net.layer2, net.layer3, net.layer4])
        self.decoders = nn.ModuleList(
            [_DecoderBlock(512, 256), _DecoderBlock(256, 128), _DecoderBlock(128, 64),
             _DecoderBlock(64, STEM_CHANNELS)]
        )
        self.final = nn.Sequential(
            nn.ConvTranspose2d(STEM_CHANNELS, FEATURE_CHANNELS, 3, stride=2, padding=1,
                               output_padding=1, bias=False),
            nn.BatchNorm2d(FEATURE_CHANNELS),
            nn.ReLU(inplace=True),
            nn.Conv2d(FEATURE_CHANNELS, FEATURE_CHANNELS, 3, padding=1, bias=False),
            nn.BatchNorm2d(FEATURE_CHANNELS),
            nn.ReLU(inplace=True),
        )
        self.out_channels = FEATURE_CHANNELS
        self.size_multiple = SIZE_MULTIPLE

    def forward(self, x: Tensor) -> Tensor:
        """Map (B, C, H, W) float input to (B, 32, H, W) features."""
        height, width = x.shape[-2:]
        y = self.stem(pad_to_multiple(x, self.size_multiple))  # 1/4
        skips = []
        for enc in self.encoders:  # 1/4, 1/8, 1/16, 1/32
            y = enc(y)
            skips.append(y)
        y = skips.pop()
        for dec in self.decoders:  # 1/16 + e3, 1/8 + e2, 1/4 + e1, then 1/2
            y = dec(y)
            if skips:
                y = y + skips.pop()
        return self.final(y)[..., :height, :width]
