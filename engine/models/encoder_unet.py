"""A U-Net decoder over a pretrained ImageNet encoder, with the input scaling it expects."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import Tensor, nn

from ..errors import BadInputError
from .unet import pad_to_multiple

__all__ = ["EncoderUNet", "imagenet_input_filters", "imagenet_input_scaling",
           "IMAGENET_MEAN", "IMAGENET_STD"]

#: ImageNet's per-channel mean and standard deviation (RGB, images scaled to [0, 1]): what
#: torchvision's and the EfficientNet-Lite weights were trained on.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
#: For a band that is not one of R, G, B (pan, NIR): the mean of the three.
_GREY_MEAN = sum(IMAGENET_MEAN) / 3
_GREY_STD = sum(IMAGENET_STD) / 3
#: Total down-sampling of every encoder here (strides 2, 4, 8, 16, 32).
SIZE_MULTIPLE = 32


def imagenet_input_scaling(bands: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-band mean and std that map our [0, 1]-stretched bands to ImageNet's inputs.

    Three or more bands are read as R, G, B (then extra bands such as NIR); one or two
    bands are grey, scaled by the mean of ImageNet's three channels (their filters are
    summed over R, G, B: :func:`imagenet_input_filters`).

    Returns
    -------
    mean, std : tuple of float, one per band
    """
    if bands < 1:
        raise BadInputError(f"bands={bands!r} is invalid: an integer >= 1")
    if bands < 3:
        return (_GREY_MEAN,) * bands, (_GREY_STD,) * bands
    extra = bands - 3
    return IMAGENET_MEAN + (_GREY_MEAN,) * extra, IMAGENET_STD + (_GREY_STD,) * extra


def imagenet_input_filters(weight: Tensor, bands: int) -> Tensor:
    """First-layer filters of an RGB network for ``bands`` input bands.

    One or two bands (pan): each band's filter is the sum of the R, G and B filters divided
    by the band count, so a grey image gives the response the RGB network gives to it.
    Three bands: unchanged. More: R, G, B unchanged and each extra band's filter zero, so
    the network starts as the pretrained one and learns what the extra bands add.

    Parameters
    ----------
    weight : Tensor, shape (out, 3, kh, kw)
    bands : int

    Returns
    -------
    Tensor, shape (out, bands, kh, kw)
    """
    if weight.dim() != 4 or weight.shape[1] != 3:
        raise BadInputError(f"weight must be RGB filters (out, 3, kh, kw), got "
                            f"{tuple(weight.shape)}")
    if bands < 1:
        raise BadInputError(f"bands={bands!r} is invalid: an integer >= 1")
    if bands < 3:
        return (weight.sum(dim=1, keepdim=True) / bands).repeat(1, bands, 1, 1).contiguous()
    extra = weight.new_zeros((weight.shape[0], bands - 3) + tuple(weight.shape[2:]))
    return torch.cat([weight, extra], dim=1).contiguous()


def _conv(in_channels: int, out_channels: int) -> list[nn.Module]:
    return [nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]


class _Stage(nn.Sequential):
    """Concatenated (upsampled, skip) features through one or two 3x3 conv-BN-ReLU."""

    def __init__(self, in_channels: int, out_channels: int, convs: int) -> None:
        layers = _conv(in_channels, out_channels)
        for _ in range(convs - 1):
            layers += _conv(out_channels, out_channels)
        super().__init__(*layers)


def _up(x: Tensor, like: Tensor) -> Tensor:
    return F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=False)


class EncoderUNet(nn.Module):
    """U-Net decoder over an encoder's features at strides 2 to 32, to full resolution.

    The decoder rises one stride at a time, joining the encoder's features of that
    stride (down to stride 2), then the (scaled) input bands at full resolution, so thin
    roads keep their edges. The scaling ImageNet weights expect is part of the network
    (buffers ``input_mean`` and ``input_std``), so every caller feeds the same
    [0, 1]-stretched bands as to any other network here.

    Parameters
    ----------
    encoder : nn.Module
        Maps (B, C, H, W), H and W multiples of 32, to five feature maps at strides 2, 4,
        8, 16 and 32; its ``channels`` attribute gives their channel counts.
    in_channels : int
        Input bands C.
    base_width : int
        Channels of the full-resolution stage (the features given to the heads); the
        stages at strides 2, 4, 8 and 16 have 1.5, 2, 3 and 4 times as many.

    Attributes
    ----------
    out_channels : int
        ``base_width``.
    size_multiple : int
        32; inputs are reflect-padded to a multiple of it and the output cropped back.
    """

    def __init__(self, encoder: nn.Module, *, in_channels: int, base_width: int) -> None:
        super().__init__()
        channels: Sequence[int] = getattr(encoder, "channels", ())
        if len(channels) != 5:
            raise BadInputError(f"encoder {type(encoder).__name__} must give 5 feature maps "
                                f"(strides 2 to 32), it declares {channels!r}")
        if base_width < 4:
            raise BadInputError(f"base_width={base_width!r} is invalid: an integer >= 4")
        self.encoder = encoder
        mean, std = imagenet_input_scaling(in_channels)
        self.register_buffer("input_mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("input_std", torch.tensor(std).view(1, -1, 1, 1))
        b = base_width
        widths = (b, int(1.5 * b), 2 * b, 3 * b, 4 * b)  # strides 1, 2, 4, 8, 16
        stages, below = [], channels[4]
        for level in (3, 2, 1, 0):  # strides 16, 8, 4, 2
            convs = 1 if level == 0 else 2  # one conv where the maps are large
            stages.append(_Stage(below + channels[level], widths[level + 1], convs))
            below = widths[level + 1]
        self.stages = nn.ModuleList(stages)
        self.full = _Stage(below + in_channels, widths[0], 1)
        self.out_channels = b
        self.size_multiple = SIZE_MULTIPLE

    def scale_input(self, x: Tensor) -> Tensor:
        """Our stretched bands as the ImageNet-normalised input the encoder expects."""
        return (x - self.input_mean) / self.input_std

    def forward(self, x: Tensor) -> Tensor:
        """Map (B, C, H, W) float input to (B, base_width, H, W) features."""
        return self._run(x, keep_stride8=False)[0]

    def forward_with_encoder(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """The decoder's features and the encoder's stride-8 features, both (B, ., H, W).

        The stride-8 map (``encoder.channels[2]`` channels) is upsampled bilinearly to
        the input's pixels, so that a pixel's row in either map is found the same way.
        """
        features, stride8 = self._run(x, keep_stride8=True)
        assert stride8 is not None
        return features, stride8

    def _run(self, x: Tensor, *, keep_stride8: bool) -> tuple[Tensor, Tensor | None]:
        height, width = x.shape[-2:]
        x = self.scale_input(pad_to_multiple(x, self.size_multiple))
        skips = list(self.encoder(x))
        stride8 = _up(skips[2], x)[..., :height, :width] if keep_stride8 else None
        y = skips.pop()
        for stage in self.stages:
            skip = skips.pop()
            y = stage(torch.cat([_up(y, skip), skip], dim=1))
        y = self.full(torch.cat([_up(y, x), x], dim=1))
        return y[..., :height, :width], stride8
