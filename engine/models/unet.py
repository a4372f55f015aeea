"""U-Net backbone that returns full-resolution decoder features for inputs of any size."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import Tensor, nn

from ..errors import BadInputError

__all__ = ["UNet", "pad_to_multiple"]

UPSAMPLE_MODES = ("bilinear", "transposed")


def pad_to_multiple(x: Tensor, multiple: int) -> Tensor:
    """Reflect-pad the bottom and right of an image batch up to a multiple of ``multiple``.

    One reflection adds at most ``size - 1`` pixels, so it is repeated while the pad is
    larger than the current size; a side of a single pixel is replicated instead.

    Parameters
    ----------
    x : Tensor
        (B, C, H, W) float batch.
    multiple : int
        Positive integer that the padded H and W are multiples of.

    Returns
    -------
    Tensor
        (B, C, H', W') with H' = ceil(H / multiple) * multiple (same for W); ``x`` sits in
        the top-left corner, so ``out[..., :H, :W]`` crops it back.
    """
    if multiple < 1:
        raise BadInputError(f"multiple={multiple!r} is invalid: an integer >= 1")
    if x.dim() != 4 or min(x.shape[-2:]) < 1:
        raise BadInputError(f"x must be a (B, C, H, W) batch with H, W >= 1, got {tuple(x.shape)}")
    for dim in (-2, -1):
        missing = -x.shape[dim] % multiple
        while missing > 0:
            step, mode = min(missing, x.shape[dim] - 1), "reflect"
            if step == 0:
                step, mode = missing, "replicate"
            pad = (0, step, 0, 0) if dim == -1 else (0, 0, 0, step)
            x = F.pad(x, pad, mode=mode)
            missing -= step
    return x


class _DoubleConv(nn.Sequential):
    """(conv 3x3 - BN - ReLU) twice."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )


class _Up(nn.Module):
    """Double the resolution, halve the channels, concatenate the skip, double conv."""

    def __init__(self, in_channels: int, out_channels: int, mode: str) -> None:
        super().__init__()
        if mode == "bilinear":
            self.up: nn.Module = nn.Sequential(
                nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                nn.Conv2d(in_channels, out_channels, 1, bias=False),
            )
        else:
            self.up = nn.ConvTranspose2d(in_channels, out_channels, 2, stride=2)
        self.conv = _DoubleConv(2 * out_channels, out_channels)

    def forward(self, x: Tensor, skip: Tensor) -> Tensor:
        return self.conv(torch.cat([self.up(x), skip], dim=1))


class UNet(nn.Module):
    """U-Net whose output is the last decoder feature map, at the input's resolution.

    Parameters
    ----------
    in_channels : int
        Number of input bands.
    base_width : int
        Channels of the first stage; doubled at each of the ``depth`` down-samplings.
    depth : int
        Number of 2x max-pool down-samplings.
    upsample : str
        ``"bilinear"`` (bilinear x2 then 1x1 conv) or ``"transposed"`` (2x2 stride-2
        transposed conv).

    Attributes
    ----------
    out_channels : int
        Channels F of the returned features (= ``base_width``).
    size_multiple : int
        2**depth; inputs are reflect-padded to a multiple of it and the output cropped back.
    """

    def __init__(
        self, in_channels: int, *, base_width: int = 32, depth: int = 4, upsample: str = "bilinear"
    ) -> None:
        super().__init__()
        if in_channels < 1:
            raise BadInputError(f"in_channels={in_channels!r} is invalid: an integer >= 1")
        if base_width < 1 or depth < 1:
            raise BadInputError(
                f"base_width={base_width!r}, depth={depth!r} are invalid: integers >= 1"
            )
        if upsample not in UPSAMPLE_MODES:
            raise BadInputError(f"upsample={upsample!r} is invalid: one of {UPSAMPLE_MODES}")
        widths = [base_width * 2**level for level in range(depth + 1)]
        self.stem = _DoubleConv(in_channels, widths[0])
        self.downs = nn.ModuleList(
            nn.Sequential(nn.MaxPool2d(2), _DoubleConv(widths[i], widths[i + 1]))
            for i in range(depth)
        )
        self.ups = nn.ModuleList(
            _Up(widths[i + 1], widths[i], upsample) for i in reversed(range(depth))
        )
        self.out_channels = base_width
        self.size_multiple = 2**depth

    def forward(self, x: Tensor) -> Tensor:
        """Map (B, C, H, W) float input to (B, base_width, H, W) features."""
        height, width = x.shape[-2:]
        skips = [self.stem(pad_to_multiple(x, self.size_multiple))]
        for down in self.downs:
            skips.append(down(skips[-1]))
        y = skips.pop()
        for up in self.ups:
            y = up(y, skips.pop())
        return y[..., :height, :width]
