"""Trees: where they grow (forest patches, hedges, roadsides, gardens) and their crowns."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy import ndimage

from engine.synth.config import SceneConfig
from engine.synth.noise import smooth_noise
from engine.synth.objects import Objects

__all__ = ["place_trees"]

#: Range of crown radii (m) and of tree heights (m).
_CROWN_RADIUS_M = (1.8, 5.5)
_TREE_HEIGHT_M = (4.0, 13.0)
#: Trees drawn per tree's worth of covered area: crowns overlap, forests most.
_CROWN_OVERLAP = 1.6
#: Width of the roadside strip where street trees and hedgerow trees stand (m).
_ROADSIDE_M = 2.5
#: Stencil entries (trees x pixels) processed at once while crowns are drawn.
_BATCH_ENTRIES = 1_000_000
#: Feature size of forest patches (m).
_FOREST_SCALE_M = 70.0


def _normalised(field: np.ndarray) -> np.ndarray:
    total = float(field.sum())
    return field / total if total > 0 else field


def _tree_probability(
    config: SceneConfig,
    objects: Objects,
    road_mask: np.ndarray,
    parcel_edges: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Probability of a tree standing on each pixel, (rows, cols) float64 summing to 1."""
    ps, preset = config.pixel_size_m, config.preset
    forest = smooth_noise(road_mask.shape, _FOREST_SCALE_M / ps, rng=rng)
    forest = np.clip((forest - 0.5) * 2.0, 0.0, 1.0) ** 0.5
    road_distance = ndimage.distance_transform_edt(~road_mask) * ps
    roadside = (road_distance > 0) & (road_distance <= _ROADSIDE_M)
    hedges = parcel_edges if config.style == "rural" else np.zeros_like(parcel_edges)
    scattered = np.ones(road_mask.shape)
    rest = 1.0 - preset.forest_share
    probability = (
        preset.forest_share * _normalised(forest.astype(np.float64))
        + rest * 0.5 * _normalised(scattered)
        + rest * 0.3 * _normalised(roadside.astype(np.float64))
        + rest * 0.2 * _normalised(hedges.astype(np.float64))
    )
    buildings = (objects.roof_id > 0) | objects.driveway
    blocked = road_mask | ndimage.binary_dilation(buildings, iterations=max(1, round(1.0 / ps)))
    probability[blocked] = 0.0
    return _normalised(probability)


def place_trees(
    config: SceneConfig,
    objects: Objects,
    road_mask: np.ndarray,
    parcel_edges: np.ndarray,
    *,
    rng: np.random.Generator,
) -> Objects:
    """Add tree crowns to the surface model; crowns may overhang roads and roofs.

    Parameters
    ----------
    objects : Objects
        Buildings from :func:`~engine.synth.objects.place_buildings`; not modified.
    road_mask, parcel_edges : (rows, cols) bool
        Road surface (no trunk stands on it) and field borders (hedgerows in rural scenes).

    Returns
    -------
    Objects
        A copy with trees in ``dsm`` and ``tree_id``.
    """
    ps, shape = config.pixel_size_m, road_mask.shape
    density = config.preset.tree_density if config.tree_density is None else config.tree_density
    probability = _tree_probability(config, objects, road_mask, parcel_edges, rng)
    low, high = (max(r / ps, 0.75) for r in _CROWN_RADIUS_M)  # no crown below a pixel
    mean_area = math.pi * (low * low + low * high + high * high) / 3
    count = int(round(density * shape[0] * shape[1] / mean_area * _CROWN_OVERLAP))
    if count == 0 or not probability.any():
        return objects
    where = rng.choice(probability.size, size=count, p=probability.ravel())
    centres = np.stack(np.unravel_index(where, shape), axis=1) + rng.random((count, 2))
    radii = rng.uniform(low, high, count)
    heights = rng.uniform(*_TREE_HEIGHT_M, count) * np.clip(radii / high + 0.3, 0.5, 1.0)
    edge_noise = smooth_noise(shape, 0.8 / ps, rng=rng)
    dsm, tree_id = objects.dsm.copy(), objects.tree_id.copy()
    reach = int(math.ceil(high * 1.3)) + 1
    offsets = np.stack(np.mgrid[-reach : reach + 1, -reach : reach + 1], -1).reshape(-1, 2)
    batch = max(1, _BATCH_ENTRIES // len(offsets))
    for start in range(0, count, batch):
        part = slice(start, start + batch)
        _draw_crowns(dsm, tree_id, np.arange(count)[part] + 1, centres[part], radii[part],
                     heights[part], offsets, edge_noise)
    return replace(objects, dsm=dsm, tree_id=tree_id)


def _draw_crowns(
    dsm: np.ndarray,
    tree_id: np.ndarray,
    labels: np.ndarray,
    centres_rc: np.ndarray,
    radii_px: np.ndarray,
    heights_m: np.ndarray,
    offsets: np.ndarray,
    edge_noise: np.ndarray,
) -> None:
    """Raise ``dsm`` to domes with ragged edges, in place; label where a crown is on top.

    Parameters
    ----------
    labels, radii_px, heights_m : (T,)
        One value per tree.
    centres_rc : (T, 2) float
        Continuous (row, col) of the trunks.
    offsets : (S, 2) int
        Stencil of (row, col) offsets that reaches past the widest crown.
    """
    pixels = np.floor(centres_rc).astype(np.intp)[:, None, :] + offsets[None]  # (T, S, 2)
    inside = np.all((pixels >= 0) & (pixels < np.array(dsm.shape)), axis=2)
    tree, spot = np.nonzero(inside)
    rr, cc = pixels[tree, spot, 0], pixels[tree, spot, 1]
    distance = np.hypot(rr + 0.5 - centres_rc[tree, 0], cc + 0.5 - centres_rc[tree, 1])
    ragged = np.maximum(1.0 + 0.22 * edge_noise[rr, cc], 0.5)  # crown edge, relative to radius
    relative = distance / radii_px[tree] / ragged
    keep = relative < 1.0
    tree, rr, cc, relative = tree[keep], rr[keep], cc[keep], relative[keep]
    crown = heights_m[tree] * (0.6 + 0.4 * np.sqrt(1.0 - relative * relative))
    # Where crowns overlap, the highest one is the top surface.
    flat = rr * dsm.shape[1] + cc
    order = np.lexsort((crown, flat))
    flat, crown, tree = flat[order], crown[order], tree[order]
    top = np.append(flat[1:] != flat[:-1], True)
    flat, crown, tree = flat[top], crown[top], tree[top]
    higher = crown > dsm.ravel()[flat]
    dsm.ravel()[flat[higher]] = crown[higher]
    tree_id.ravel()[flat[higher]] = labels[tree[higher]]
