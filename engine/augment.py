"""Photometric augmentation and invertible D4 transforms of image batches."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .config import AugmentConfig

__all__ = ["photometric", "D4", "random_d4", "apply_d4", "invert_d4", "random_scale",
           "resize_crop"]

#: One of the 8 symmetries of the square: ``k`` quarter turns after an optional flip.
D4 = tuple[int, bool]


def _uniform(n: int, low: float, high: float, generator: torch.Generator,
             device: torch.device) -> torch.Tensor:
    return torch.rand(n, 1, 1, 1, generator=generator).to(device) * (high - low) + low


def photometric(x: torch.Tensor, config: AugmentConfig, *,
                generator: torch.Generator) -> torch.Tensor:
    """Randomly change brightness, contrast, gamma, noise and blur, per sample.

    Parameters
    ----------
    x : Tensor, shape (B, C, H, W), float
        Normalised images (about 0-1).
    config : AugmentConfig
        Strengths of each change.
    generator : torch.Generator
        CPU generator; the only source of randomness.

    Returns
    -------
    Tensor, shape (B, C, H, W)
        A new tensor; ``x`` is not modified.
    """
    if x.ndim != 4:
        raise ValueError(f"photometric expects (B, C, H, W), got shape {tuple(x.shape)}")
    b, dev = x.shape[0], x.device
    gamma = _uniform(b, 1 - config.gamma, 1 + config.gamma, generator, dev)
    # Gamma on the [0, 1] part only; values outside (clipped stretch) keep their sign.
    out = x.clamp(min=0).pow(gamma) + (x - x.clamp(min=0))
    mean = out.mean(dim=(1, 2, 3), keepdim=True)
    contrast = _uniform(b, 1 - config.contrast, 1 + config.contrast, generator, dev)
    out = (out - mean) * contrast + mean
    out = out + _uniform(b, -config.brightness, config.brightness, generator, dev)
    if config.noise_std > 0:
        noise = torch.randn(out.shape, generator=generator).to(dev)
        out = out + noise * config.noise_std
    blur = torch.rand(b, generator=generator) < config.blur_probability
    if bool(blur.any()):
        out = out.clone()
        out[blur.to(dev)] = _blur3(out[blur.to(dev)])
    return out


def _blur3(x: torch.Tensor) -> torch.Tensor:
    kernel = torch.tensor([1.0, 2.0, 1.0], device=x.device, dtype=x.dtype)
    kernel = (kernel[:, None] * kernel[None, :]) / 16.0
    c = x.shape[1]
    weight = kernel.expand(c, 1, 3, 3)
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), weight, groups=c)


def random_d4(generator: torch.Generator, *, enabled: bool = True) -> D4:
    """Draw one of the 8 square symmetries; the identity when not ``enabled``.

    ``enabled`` is :attr:`engine.config.AugmentConfig.geometric`.
    """
    if not enabled:
        return 0, False
    k = int(torch.randint(0, 4, (1,), generator=generator))
    flip = bool(torch.randint(0, 2, (1,), generator=generator))
    return k, flip


def apply_d4(x: torch.Tensor, transform: D4) -> torch.Tensor:
    """Apply a D4 transform to the last two dimensions (flip columns, then rotate)."""
    k, flip = transform
    if flip:
        x = x.flip(-1)
    return torch.rot90(x, k, dims=(-2, -1))


def invert_d4(x: torch.Tensor, transform: D4) -> torch.Tensor:
    """Undo :func:`apply_d4`, so outputs line up with the untransformed input."""
    k, flip = transform
    x = torch.rot90(x, -k, dims=(-2, -1))
    return x.flip(-1) if flip else x


def random_scale(generator: torch.Generator, scale: float) -> float:
    """A zoom factor s, log-uniform in [1 / (1 + scale), 1 + scale]; 1 when ``scale`` is 0
    (and then nothing is drawn, so the generator's stream is unchanged)."""
    if scale <= 0:
        return 1.0
    span = math.log1p(scale)
    return math.exp((float(torch.rand(1, generator=generator)) * 2 - 1) * span)


def resize_crop(image: torch.Tensor, labels: torch.Tensor, size_px: int
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Resize a crop and its labels to ``size_px`` square.

    Parameters
    ----------
    image : Tensor, shape (C, H, W), float
    labels : Tensor, shape (H, W), uint8
        Class codes; resized by nearest neighbour so that no new code appears.
    size_px : int

    Returns
    -------
    image : Tensor, shape (C, size_px, size_px)
        Bilinear, antialiased when shrinking.
    labels : Tensor, shape (size_px, size_px), uint8
    """
    if image.shape[-2:] == (size_px, size_px):
        return image, labels
    shrink = image.shape[-1] > size_px
    out = F.interpolate(image[None], size=(size_px, size_px), mode="bilinear",
                        align_corners=False, antialias=shrink)[0]
    lab = F.interpolate(labels[None, None].float(), size=(size_px, size_px),
                        mode="nearest-exact")[0, 0].to(labels.dtype)
    return out, lab
