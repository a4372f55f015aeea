"""MobileNetV2 encoder (torchvision's network, ImageNet weights from an installed package)."""

from __future__ import annotations

from torch import Tensor, nn
from torchvision.models import mobilenet_v2

from ..errors import ModelLoadError
from .encoder_unet import imagenet_input_filters
from .pretrained_weights import load_weights

__all__ = ["MobileNetV2Encoder"]

#: Ends (exclusive) of the slices of ``features`` whose outputs are at strides 2, 4, 8,
#: 16 and 32; the last 1x1 conv to 1280 channels (a classifier's) is left out.
_STAGE_ENDS = (2, 4, 7, 14, 18)


class MobileNetV2Encoder(nn.Module):
    """MobileNetV2's feature layers as five stages (strides 2, 4, 8, 16, 32).

    Parameters
    ----------
    in_channels : int
        Input bands; the first convolution is adapted with
        :func:`~engine.models.encoder_unet.imagenet_input_filters`.
    pretrained : bool
        Start from the ImageNet weights (checked and read from the installed package);
        False builds random weights (a model file's weights are loaded over them).

    Attributes
    ----------
    channels : tuple of int
        Channels of the five outputs: (16, 24, 32, 96, 320).
    """

    def __init__(self, in_channels: int, *, pretrained: bool) -> None:
        super().__init__()
        net = mobilenet_v2(weights=None)
        if pretrained:
            try:
                net.load_state_dict(load_weights("mobilenet_v2"), strict=True)
            except RuntimeError as err:
                raise ModelLoadError(f"the MobileNetV2 weights do not fit torchvision's "
                                     f"network: {err}") from err
        first: nn.Conv2d = net.features[0][0]
        if in_channels != 3:
            conv = nn.Conv2d(in_channels, first.out_channels, first.kernel_size,
                             stride=first.stride, padding=first.padding, bias=False)
            conv.weight.data.copy_(imagenet_input_filters(first.weight.data, in_channels))
            net.features[0][0] = conv
        starts = (0,) + _STAGE_ENDS[:-1]
        self.stages = nn.ModuleList(net.features[a:b] for a, b in zip(starts, _STAGE_ENDS,
                                                                        strict=True))
        self.channels = (16, 24, 32, 96, 320)

    def forward(self, x: Tensor) -> list[Tensor]:
        """Five feature maps of (B, C, H, W) input, H and W multiples of 32."""
        out = []
        for stage in self.stages:
            x = stage(x)
            out.append(x)
        return out
