"""Colours of a scene: ground parcels, road surfaces and markings, roofs, crowns, light."""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from engine.synth.config import SceneConfig
from engine.synth.network import Road
from engine.synth.noise import fractal_noise, smooth_noise
from engine.synth.objects import Objects

__all__ = ["ALBEDO", "paint_ground", "paint_objects", "paint_roads"]

#: Brightness of each material in the bands (red, green, blue, near infrared), 0-1 display units.
ALBEDO = {
    "lawn": (0.30, 0.40, 0.21, 0.62),
    "lawn_dry": (0.44, 0.45, 0.30, 0.50),
    "garden": (0.25, 0.33, 0.18, 0.58),
    "bare": (0.50, 0.43, 0.35, 0.40),
    "crop": (0.25, 0.38, 0.17, 0.68),
    "wheat": (0.66, 0.60, 0.42, 0.48),
    "plough": (0.44, 0.35, 0.27, 0.33),
    "meadow": (0.36, 0.44, 0.25, 0.58),
    "tree": (0.12, 0.22, 0.10, 0.52),
    "asphalt": (0.25, 0.25, 0.27, 0.23),
    "old_asphalt": (0.38, 0.37, 0.36, 0.34),
    "concrete": (0.62, 0.61, 0.58, 0.55),
    "gravel": (0.60, 0.55, 0.46, 0.47),
    "paving": (0.56, 0.53, 0.50, 0.48),
    "marking": (0.92, 0.92, 0.90, 0.82),
}
#: Roof materials: red tiles, grey, dark slate, white membrane, brown.
_ROOFS = np.array([
    (0.60, 0.33, 0.26, 0.45),
    (0.50, 0.50, 0.52, 0.46),
    (0.30, 0.30, 0.33, 0.28),
    (0.78, 0.77, 0.74, 0.70),
    (0.45, 0.34, 0.28, 0.36),
])
#: Ground covers of each style with their probabilities, and whether fields show tillage rows.
_GROUND = {
    "suburban": ((("lawn", 0.5), ("lawn_dry", 0.2), ("garden", 0.2), ("bare", 0.1)), False),
    "rural": ((("crop", 0.3), ("wheat", 0.25), ("plough", 0.25), ("meadow", 0.2)), True),
}
#: Surfaces of paved parcels (car parks, yards, squares): road materials, but not road.
_PAVED = ("asphalt", "old_asphalt", "concrete", "paving")
#: Spacing of car-park bay lines (m); half of the asphalt parcels have them.
_BAY_M = 2.5
#: Road marking: dash and gap lengths (m), and the paint's width (m).
_DASH_M, _GAP_M, _MARKING_WIDTH_M = 3.0, 6.0, 0.15
#: Roads at least this wide (m) carry a dashed centre line when markings are on.
_MARKED_WIDTH_M = 7.0


def _material(name: str) -> np.ndarray:
    return np.asarray(ALBEDO[name], np.float32)


def _parcels(config: SceneConfig, rng: np.random.Generator) -> np.ndarray:
    """Voronoi parcels: (rows, cols) int of parcel indices 0..n-1."""
    size, ps = config.size_px, config.pixel_size_m
    count = max(4, int(round((size * ps / config.preset.parcel_size_m) ** 2)))
    seeds = np.ones((size, size), bool)
    seeds[rng.integers(0, size, count), rng.integers(0, size, count)] = False
    _, (near_r, near_c) = ndimage.distance_transform_edt(seeds, return_indices=True)
    index = np.full((size, size), -1, np.int64)
    index[~seeds] = np.arange(np.count_nonzero(~seeds))
    return index[near_r, near_c]


def paint_ground(
    config: SceneConfig, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Ground cover of parcels (lawns and gardens, or fields with tillage rows) with texture.

    Returns
    -------
    albedo : numpy.ndarray of float32, shape (4, rows, cols)
    parcel_edges : numpy.ndarray of bool, shape (rows, cols)
        Borders between parcels (fences, hedgerows).
    """
    ps = config.pixel_size_m
    parcel = _parcels(config, rng)
    count = int(parcel.max()) + 1
    covers, rows_of_tillage = _GROUND[config.style]
    names = [name for name, _ in covers]
    chosen = rng.choice(len(names), size=count, p=[p for _, p in covers])
    colours = np.stack([_material(names[k]) for k in chosen])  # (count, 4)
    bays = None
    if config.paved_share > 0:  # no draw otherwise: scenes without it stay as they were
        paved = rng.random(count) < config.paved_share
        kinds = rng.choice(len(_PAVED), size=count)
        colours[paved] = np.stack([_material(_PAVED[k]) for k in kinds])[paved]
        lined = paved & (kinds < 2) & (rng.random(count) < 0.5)
        bays = _bay_lines(parcel, lined, ps, rng)
    colours *= rng.normal(1.0, 0.06, (count, 1)) * rng.normal(1.0, 0.03, (count, 4))
    albedo = np.moveaxis(colours[parcel], -1, 0).astype(np.float32)
    if bays is not None:
        albedo += (_material("marking")[:, None, None] - albedo) * bays
    texture = fractal_noise(parcel.shape, (1.0 / ps, 4.0 / ps, 16.0 / ps, 64.0 / ps), rng=rng)
    albedo *= 1.0 + 0.07 * texture
    greenness = smooth_noise(parcel.shape, 6.0 / ps, rng=rng)
    albedo[[1, 3]] *= 1.0 + 0.04 * greenness
    if rows_of_tillage:
        albedo *= 1.0 + 0.06 * _tillage(parcel, count, ps, rng)
    edges = np.zeros(parcel.shape, bool)
    edges[:-1] |= parcel[:-1] != parcel[1:]
    edges[:, :-1] |= parcel[:, :-1] != parcel[:, 1:]
    albedo[:, edges] *= 0.9
    return albedo, edges


def _bay_lines(parcel: np.ndarray, lined: np.ndarray, ps: float,
               rng: np.random.Generator) -> np.ndarray:
    """Coverage (0-1) of painted car-park bay lines on the parcels where ``lined`` is True:
    parallel lines every :data:`_BAY_M` metres, each parcel at its own angle."""
    count = len(lined)
    angle = rng.uniform(0.0, math.pi, count)[parcel]
    row, col = np.indices(parcel.shape, dtype=np.float32)
    metres = (col * np.cos(angle) + row * np.sin(angle)) * ps
    distance = np.abs(metres - _BAY_M * np.round(metres / _BAY_M))  # to the nearest line
    coverage = np.clip((_MARKING_WIDTH_M / 2 + ps / 2 - distance) / ps, 0.0, 1.0)
    return (coverage * lined[parcel]).astype(np.float32)


def _tillage(parcel: np.ndarray, count: int, ps: float, rng: np.random.Generator) -> np.ndarray:
    """Parallel rows of each field, (rows, cols) float32 within [-1, 1]."""
    angle = rng.uniform(0.0, math.pi, count)[parcel]
    period_px = rng.uniform(1.5, 4.0, count)[parcel] / ps
    row, col = np.indices(parcel.shape, dtype=np.float32)
    phase = (col * np.cos(angle) + row * np.sin(angle)) / period_px
    return np.sin(2 * math.pi * phase).astype(np.float32)


def paint_roads(
    albedo: np.ndarray, roads: list[Road], config: SceneConfig, *, rng: np.random.Generator
) -> None:
    """Paint road surfaces (through roads over branches) and centre dashes, in place.

    Parameters
    ----------
    albedo : (4, rows, cols) float32
        Ground colours, overwritten on road pixels.
    """
    shape, ps = albedo.shape[1:], config.pixel_size_m
    wear = 1.0 + 0.06 * fractal_noise(shape, (0.5 / ps, 2.0 / ps, 12.0 / ps), rng=rng)
    grain = smooth_noise(shape, 0.6 / ps, rng=rng)
    overlap = np.zeros(shape, np.int32)
    names = [name for name, _ in config.preset.surfaces]
    weights = [p for _, p in config.preset.surfaces]
    surfaces = [names[k] for k in rng.choice(len(names), size=len(roads), p=weights)]
    for road in roads:
        overlap[road.rows, road.cols] += 1
    order = sorted(range(len(roads)), key=lambda k: roads[k].kind == "through")
    for k in order:
        road, surface = roads[k], surfaces[k]
        colour = _material(surface) * rng.normal(1.0, 0.04)
        rough = 0.07 if surface == "gravel" else 0.04
        shade = wear[road.rows, road.cols] * (1.0 + rough * grain[road.rows, road.cols])
        albedo[:, road.rows, road.cols] = colour[:, None] * shade
    if not config.lane_markings:
        return
    for road, surface in zip(roads, surfaces, strict=True):
        if surface in ("asphalt", "old_asphalt") and road.width_m >= _MARKED_WIDTH_M:
            _paint_dashes(albedo, road, overlap, ps)


def _paint_dashes(albedo: np.ndarray, road: Road, overlap: np.ndarray, ps: float) -> None:
    """Dashed centre line of a road, blended by the paint's share of a pixel."""
    arc_m = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(road.points_px, axis=0),
                                                            axis=1))]) * ps
    dashed = np.mod(arc_m, _DASH_M + _GAP_M) < _DASH_M
    idx = np.floor(road.points_px[dashed]).astype(np.intp)
    inside = np.all((idx >= 0) & (idx < np.array(overlap.shape)[::-1]), axis=1)
    rr, cc = idx[inside, 1], idx[inside, 0]
    keep = overlap[rr, cc] == 1  # no centre line across junctions
    rr, cc = rr[keep], cc[keep]
    alpha = float(np.clip(2.0 * _MARKING_WIDTH_M / ps, 0.25, 0.9))
    albedo[:, rr, cc] = (1 - alpha) * albedo[:, rr, cc] + alpha * _material("marking")[:, None]


def paint_objects(
    albedo: np.ndarray, objects: Objects, config: SceneConfig, *, rng: np.random.Generator
) -> None:
    """Paint driveways, roofs and tree crowns, in place, on a (4, rows, cols) float32 albedo."""
    ps = config.pixel_size_m
    albedo[:, objects.driveway] = _material("paving")[:, None]
    roofs = objects.roof_id > 0
    if roofs.any():
        count = int(objects.roof_id.max())
        colour = _ROOFS[rng.integers(len(_ROOFS), size=count)] * rng.normal(1.0, 0.06, (count, 1))
        speckle = 1.0 + 0.03 * rng.standard_normal(np.count_nonzero(roofs))
        albedo[:, roofs] = colour[objects.roof_id[roofs] - 1].T * speckle
    crowns = objects.tree_id > 0
    if crowns.any():
        count = int(objects.tree_id.max())
        colour = _material("tree") * rng.normal(1.0, 0.1, (count, 1)) * rng.normal(
            1.0, 0.04, (count, 4))
        leaves = 1.0 + 0.15 * smooth_noise(crowns.shape, 0.5 / ps, rng=rng)[crowns]
        albedo[:, crowns] = colour[objects.tree_id[crowns] - 1].T * leaves
