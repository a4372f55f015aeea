"""Smooth random fields for textures, land cover and irregular edges."""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

__all__ = ["fractal_noise", "smooth_noise", "smooth_profile"]


def smooth_noise(
    shape: tuple[int, int], scale_px: float, *, rng: np.random.Generator
) -> np.ndarray:
    """Gaussian-like noise with features of about ``scale_px`` pixels.

    White noise on a coarse grid (one value per ``scale_px``) is interpolated with cubic
    splines, which is much faster than a wide Gaussian filter.

    Parameters
    ----------
    shape : (rows, cols)
        Output shape.
    scale_px : float
        Feature size in pixels; values below 1 give white noise.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray of float32, shape (rows, cols)
        Zero mean, unit standard deviation (approximately).
    """
    rows, cols = shape
    if scale_px <= 1.0:
        return rng.standard_normal(shape).astype(np.float32)
    coarse_shape = (math.ceil(rows / scale_px) + 4, math.ceil(cols / scale_px) + 4)
    coarse = rng.standard_normal(coarse_shape).astype(np.float32)
    # Sample the cubic spline through the coarse values exactly on the output grid, skipping
    # the first coarse cell, where the spline bends towards the mirrored border.
    grid = np.meshgrid(np.arange(rows, dtype=np.float32) / scale_px + 1.0,
                       np.arange(cols, dtype=np.float32) / scale_px + 1.0, indexing="ij")
    field = ndimage.map_coordinates(coarse, grid, order=3, mode="mirror")
    std = float(field.std())
    return (field - field.mean()) / (std if std > 0 else 1.0)


def fractal_noise(
    shape: tuple[int, int],
    scales_px: tuple[float, ...],
    *,
    rng: np.random.Generator,
    decay: float = 0.6,
) -> np.ndarray:
    """Sum of :func:`smooth_noise` fields, coarsest first, each ``decay`` times the previous.

    Returns
    -------
    numpy.ndarray of float32, shape (rows, cols)
        Zero mean, unit standard deviation.
    """
    total = np.zeros(shape, np.float32)
    weight = 1.0
    for scale in sorted(scales_px, reverse=True):
        total += weight * smooth_noise(shape, scale, rng=rng)
        weight *= decay
    std = float(total.std())
    return (total - total.mean()) / (std if std > 0 else 1.0)


def smooth_profile(
    length: int, knots: int, *, rng: np.random.Generator, low: float = 0.0, high: float = 1.0
) -> np.ndarray:
    """Piecewise-linear random profile of ``length`` samples through ``knots`` random values.

    Returns
    -------
    numpy.ndarray of float64, shape (length,)
        Values within [low, high].
    """
    knot_x = np.linspace(0.0, length - 1.0, knots)
    knot_y = rng.uniform(low, high, knots)
    return np.interp(np.arange(length, dtype=np.float64), knot_x, knot_y)
