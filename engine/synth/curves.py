"""Smooth road curves from integrated random curvature, and their rasterisation."""

from __future__ import annotations

import math

import numpy as np
from osgeo import ogr
from skimage import draw

__all__ = [
    "clip_polyline",
    "curvature_waves",
    "rasterize_band",
    "tangents",
    "trace_curve",
]

#: Number of sine waves summed into a road's curvature.
_WAVES = 3
#: Centerline segments per polygon when a band is filled.
_CHUNK = 16


def curvature_waves(
    *,
    curvature_max_px: float,
    wavelength_px: tuple[float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw the sine waves whose sum is a road's curvature.

    Returns
    -------
    numpy.ndarray of float64, shape (3, 3)
        One row per wave: amplitude (1/px), wavelength (px), phase (rad). The amplitudes sum
        to at most ``curvature_max_px``, so the road's radius never falls below its inverse.
    """
    weights = rng.uniform(0.3, 1.0, _WAVES)
    amplitudes = weights / weights.sum() * curvature_max_px * rng.uniform(0.4, 1.0)
    wavelengths = rng.uniform(*wavelength_px, _WAVES)
    phases = rng.uniform(0.0, 2 * math.pi, _WAVES)
    return np.stack([amplitudes, wavelengths, phases], axis=1)


def trace_curve(
    anchor_px: np.ndarray, heading: float, waves: np.ndarray, *, s_px: np.ndarray
) -> np.ndarray:
    """Integrate a curve through ``anchor_px`` from its curvature waves.

    Parameters
    ----------
    anchor_px : (2,) float
        (col, row) where arc length is 0; the curve's heading there is ``heading`` (radians,
        0 = +col, pi/2 = +row).
    waves : (3, 3) float
        From :func:`curvature_waves`.
    s_px : (N,) float
        Increasing arc lengths at which to sample, evenly spaced, containing 0.

    Returns
    -------
    numpy.ndarray of float64, shape (N, 2)
        (col, row) positions in continuous pixel coordinates (pixel (r, c) spans c..c+1).
    """
    amp, wavelength, phase = (waves[:, k, None] for k in range(3))
    omega = 2 * math.pi / wavelength
    # Heading is the integral of curvature a*sin(omega*s + phase), zero at s = 0.
    theta = heading - (amp / omega * (np.cos(omega * s_px + phase) - np.cos(phase))).sum(0)
    step = np.diff(s_px, append=s_px[-1] + (s_px[-1] - s_px[-2]))
    delta = np.stack([np.cos(theta), np.sin(theta)], axis=1) * step[:, None]
    position = np.concatenate([[[0.0, 0.0]], np.cumsum(delta[:-1], axis=0)])
    zero = int(np.argmin(np.abs(s_px)))
    return anchor_px + position - position[zero]


def tangents(points: np.ndarray) -> np.ndarray:
    """Unit tangents of a polyline, shape (N, 2), from central differences."""
    grad = np.gradient(points, axis=0)
    norm = np.linalg.norm(grad, axis=1, keepdims=True)
    return grad / np.maximum(norm, 1e-9)


def rasterize_band(
    points: np.ndarray, half_width_px: float, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels whose centres lie within ``half_width_px`` of a smooth polyline.

    The band is filled as polygons between the two offset curves, with round caps; the
    pixels under the polyline itself are always included, however narrow the band.

    Parameters
    ----------
    points : (N, 2) float
        (col, row) in continuous pixel coordinates; its radius of curvature should exceed
        ``half_width_px`` (true of every road the generator traces).
    half_width_px : float
    shape : (rows, cols)

    Returns
    -------
    rows, cols : numpy.ndarray of intp
        Unique indices of the covered pixels inside ``shape``.
    """
    normal = tangents(points)[:, ::-1] * np.array([-1.0, 1.0])
    left, right = points + normal * half_width_px, points - normal * half_width_px
    parts_r, parts_c = [], []
    # One polygon per short, overlapping run of points: filling cost grows with the polygon's
    # vertices times its bounding box, so a single long outline would be slow.
    for start in range(0, len(points) - 1, _CHUNK):
        stop = min(start + _CHUNK + 2, len(points))  # overlap: no crack between runs
        outline = np.concatenate([left[start:stop], right[start:stop][::-1]])
        # skimage puts pixel centres at integer coordinates; ours are at +0.5.
        rr, cc = draw.polygon(outline[:, 1] - 0.5, outline[:, 0] - 0.5, shape)
        parts_r.append(rr)
        parts_c.append(cc)
    for end in (points[0], points[-1]):
        dr, dc = draw.disk((end[1] - 0.5, end[0] - 0.5), half_width_px, shape=shape)
        parts_r.append(dr)
        parts_c.append(dc)
    under = np.floor(points).astype(np.intp)
    inside = (under[:, 0] >= 0) & (under[:, 0] < shape[1]) & (under[:, 1] >= 0)
    inside &= under[:, 1] < shape[0]
    parts_r.append(under[inside, 1])
    parts_c.append(under[inside, 0])
    flat = np.unique(np.ravel_multi_index((np.concatenate(parts_r), np.concatenate(parts_c)),
                                          shape))
    return np.unravel_index(flat, shape)


def clip_polyline(points: np.ndarray, polygon: ogr.Geometry) -> list[np.ndarray]:
    """Clip a polyline to a polygon with OGR; a line may leave and re-enter, giving parts.

    Parameters
    ----------
    points : (N, 2) float
        Vertices, in the polygon's coordinates.
    polygon : ogr.Geometry
        A polygon or multipolygon.

    Returns
    -------
    list of numpy.ndarray of float64, shape (M, 2)
        The parts inside the polygon, each with at least two distinct vertices.
    """
    line = ogr.Geometry(ogr.wkbLineString)
    for x, y in points:
        line.AddPoint_2D(float(x), float(y))
    clipped = line.Intersection(polygon)
    if clipped is None or clipped.IsEmpty():
        return []
    if clipped.GetGeometryType() == ogr.wkbLineString:
        pieces = [clipped]
    else:  # MultiLineString or GeometryCollection (lines plus touching points)
        pieces = [clipped.GetGeometryRef(i) for i in range(clipped.GetGeometryCount())]
    parts = []
    for piece in pieces:
        if ogr.GT_Flatten(piece.GetGeometryType()) != ogr.wkbLineString:
            continue
        vertices = np.array(piece.GetPoints(), dtype=np.float64)[:, :2]
        if len(vertices) >= 2 and piece.Length() > 0:
            parts.append(vertices)
    return parts
