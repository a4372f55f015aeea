"""Buildings along roads, and the surface model (DSM) that buildings and trees share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from skimage import draw

from engine.synth.config import SceneConfig
from engine.synth.curves import tangents
from engine.synth.network import Road

__all__ = ["Objects", "place_buildings"]

#: Free margin kept around every building (m).
_BUILDING_MARGIN_M = 1.5
#: Range of building eave heights (m).
_EAVE_M = (3.0, 8.0)


@dataclass
class Objects:
    """Buildings, driveways and trees as rasters of one scene, (rows, cols) each."""

    dsm: np.ndarray  # float32 heights above ground (m)
    roof_id: np.ndarray  # int32, 1 + building index, 0 = no building
    driveway: np.ndarray  # bool, paved access from a road to a building
    tree_id: np.ndarray  # int32, 1 + tree index where a crown is the top surface, 0 = none


@dataclass
class _Lot:
    """A candidate building beside a road; pixel units, vectors are (col, row)."""

    centre: np.ndarray  # (2,) middle of the footprint
    along: np.ndarray  # (2,) unit vector along the road
    size_along: float  # footprint side parallel to the road
    size_across: float  # footprint side perpendicular to the road
    axis_point: np.ndarray  # (2,) road centerline point the lot faces
    normal: np.ndarray  # (2,) unit vector from the road towards the building
    gap: float  # distance from the road axis to the building front


def _perpendicular(vector: np.ndarray) -> np.ndarray:
    return np.array([-vector[1], vector[0]])


def _lots(road: Road, config: SceneConfig, rng: np.random.Generator) -> list[_Lot]:
    """Candidate building footprints along both sides of a road, one lot width apart."""
    preset, ps = config.preset, config.pixel_size_m
    lots, s = [], rng.uniform(0.0, preset.lot_width_m[1] / ps)
    tangent = tangents(road.points_px)
    while s < len(road.points_px) - 1:
        i = int(s)
        sizes = sorted(rng.uniform(*preset.building_size_m, 2) / ps, reverse=True)
        size_along, size_across = sizes if rng.random() < 0.7 else sizes[::-1]
        for side in (-1.0, 1.0):
            normal = side * _perpendicular(tangent[i])
            gap = (road.width_m / 2 + rng.uniform(4.0, 10.0)) / ps
            centre = road.points_px[i] + normal * (gap + size_across / 2)
            lots.append(_Lot(centre, tangent[i], size_along, size_across, road.points_px[i],
                             normal, gap))
        s += rng.uniform(*preset.lot_width_m) / ps
    return lots


def _footprint(
    lot: _Lot, shape: tuple[int, int], pad: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (rows, cols) of a lot's rectangle, grown by ``pad`` pixels on every side."""
    across = _perpendicular(lot.along)
    half_a, half_b = lot.size_along / 2 + pad, lot.size_across / 2 + pad
    corners = np.array([lot.centre + a * half_a * lot.along + b * half_b * across
                        for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
    return draw.polygon(corners[:, 1] - 0.5, corners[:, 0] - 0.5, shape)


def _roof_heights(
    rr: np.ndarray, cc: np.ndarray, lot: _Lot, ps: float, rng: np.random.Generator
) -> np.ndarray:
    """Heights (m) of a gable roof, ridge along the footprint's long side, or a flat one."""
    ridge_along = lot.size_along >= lot.size_across
    across = _perpendicular(lot.along) if ridge_along else lot.along
    half = (lot.size_across if ridge_along else lot.size_along) / 2
    offset = np.stack([cc + 0.5, rr + 0.5], axis=1) - lot.centre
    u = np.clip(np.abs(offset @ across) / max(half, 1e-6), 0.0, 1.0)
    eave = rng.uniform(*_EAVE_M)
    if rng.random() < 0.75:
        pitch = rng.uniform(0.5, 1.0)  # rise over run of the roof
        return (eave + pitch * half * ps * (1.0 - u)).astype(np.float32)
    return np.full(len(rr), eave, np.float32)


def place_buildings(
    config: SceneConfig, roads: list[Road], road_mask: np.ndarray, *, rng: np.random.Generator
) -> Objects:
    """Put buildings on roadside lots, parallel to the road, with driveways.

    Returns
    -------
    Objects
        Without trees yet: ``tree_id`` is all zero.
    """
    shape, ps = road_mask.shape, config.pixel_size_m
    density = config.building_density
    density = config.preset.building_density if density is None else density
    margin = max(1, round(_BUILDING_MARGIN_M / ps))
    blocked = ndimage.binary_dilation(road_mask, iterations=margin)
    dsm = np.zeros(shape, np.float32)
    roof_id = np.zeros(shape, np.int32)
    driveway = np.zeros(shape, bool)
    count = 0
    for road in roads:
        for lot in _lots(road, config, rng):
            if rng.random() >= density:
                continue
            pr, pc = _footprint(lot, shape, pad=margin)
            if not len(pr) or blocked[pr, pc].any():
                continue
            blocked[pr, pc] = True
            rr, cc = _footprint(lot, shape)
            count += 1
            roof_id[rr, cc] = count
            dsm[rr, cc] = _roof_heights(rr, cc, lot, ps, rng)
            if config.style == "suburban" and rng.random() < 0.7:
                _draw_driveway(driveway, lot, ps, rng)
    driveway &= (roof_id == 0) & ~road_mask
    return Objects(dsm, roof_id, driveway, np.zeros(shape, np.int32))


def _draw_driveway(
    driveway: np.ndarray, lot: _Lot, ps: float, rng: np.random.Generator
) -> None:
    """Mark a paved strip from the road axis to the building front, at most 3 m wide."""
    shift = rng.uniform(-0.3, 0.3) * lot.size_along
    centre = lot.axis_point + lot.along * shift + lot.normal * lot.gap / 2
    width = min(lot.size_along / 2, 3.0 / ps)
    strip = _Lot(centre, lot.normal, lot.gap + 1.0 / ps, width, centre,
                 lot.normal, 0.0)
    rr, cc = _footprint(strip, driveway.shape)
    driveway[rr, cc] = True
