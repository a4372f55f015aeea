"""Sunlight on a surface model: slope shading and cast shadows."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["cast_shadows", "slope_shading"]

#: Heights (m) below which a shadow test difference is ignored, against rounding noise.
_SHADOW_TOLERANCE_M = 0.05


def _shifted(values: np.ndarray, d_row: int, d_col: int) -> np.ndarray:
    """``out[r, c] = values[r + d_row, c + d_col]``, zero where that falls outside."""
    rows, cols = values.shape
    out = np.zeros_like(values)
    if abs(d_row) >= rows or abs(d_col) >= cols:
        return out
    src_r = slice(max(d_row, 0), rows + min(d_row, 0))
    dst_r = slice(max(-d_row, 0), rows + min(-d_row, 0))
    src_c = slice(max(d_col, 0), cols + min(d_col, 0))
    dst_c = slice(max(-d_col, 0), cols + min(-d_col, 0))
    out[dst_r, dst_c] = values[src_r, src_c]
    return out


def cast_shadows(
    dsm: np.ndarray, *, azimuth_rad: float, elevation_rad: float, pixel_size_m: float
) -> np.ndarray:
    """Pixels that a higher point of the surface model hides from the sun.

    Parameters
    ----------
    dsm : (rows, cols) float
        Heights above ground in metres; row 0 is north.
    azimuth_rad : float
        Direction of the sun, clockwise from north.
    elevation_rad : float
        Height of the sun above the horizon, in (0, pi/2).

    Returns
    -------
    numpy.ndarray of bool, shape (rows, cols)
    """
    top = float(dsm.max())
    if top <= 0:
        return np.zeros(dsm.shape, bool)
    slope = math.tan(elevation_rad) * pixel_size_m  # rise of the sun ray per pixel
    reach = min(int(math.ceil(top / slope)) + 1, sum(dsm.shape))
    toward_sun = (-math.cos(azimuth_rad), math.sin(azimuth_rad))  # (d_row, d_col)
    offsets = {
        (round(t * toward_sun[0]), round(t * toward_sun[1]))
        for t in np.arange(0.7, reach, 0.7)
    } - {(0, 0)}
    shadow = np.zeros(dsm.shape, bool)
    for d_row, d_col in sorted(offsets):
        drop = math.hypot(d_row, d_col) * slope
        shadow |= _shifted(dsm, d_row, d_col) - drop > dsm + _SHADOW_TOLERANCE_M
    return shadow


def slope_shading(
    dsm: np.ndarray, *, azimuth_rad: float, elevation_rad: float, pixel_size_m: float
) -> np.ndarray:
    """Brightness factor of each pixel from its slope towards the sun; flat ground is 1.

    Returns
    -------
    numpy.ndarray of float32, shape (rows, cols)
        Within [0.3, 1.6].
    """
    d_row, d_col = np.gradient(dsm.astype(np.float32), pixel_size_m)
    east, north = d_col, -d_row  # slopes dz/dx and dz/dy
    norm = np.sqrt(east * east + north * north + 1.0)
    sun = (
        math.sin(azimuth_rad) * math.cos(elevation_rad),
        math.cos(azimuth_rad) * math.cos(elevation_rad),
        math.sin(elevation_rad),
    )
    lit = (-east * sun[0] - north * sun[1] + sun[2]) / norm / sun[2]
    return np.clip(lit, 0.3, 1.6).astype(np.float32)
