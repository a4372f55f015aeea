"""Growth of a road network: through roads that cross (X) and branches that meet them (T)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from engine.synth.config import SceneConfig
from engine.synth.curves import curvature_waves, rasterize_band, tangents, trace_curve

__all__ = ["Road", "grow_network"]

logger = logging.getLogger(__name__)

#: Share of the scene that roads may never exceed while the count comes from the style.
_MAX_ROAD_FRACTION = 0.15
#: Roads closer than the style's spacing and within this angle of each other are rejected.
_PARALLEL_ANGLE_RAD = math.radians(35.0)
#: Length of a road that may run parallel and close to another before it is rejected (m).
_PARALLEL_TOLERANCE_M = 6.0
#: Failed candidates in a row after which growth stops.
_ATTEMPTS_PER_ROAD = 40


@dataclass
class Road:
    """One road: its centerline in continuous pixel coordinates and the pixels it covers."""

    points_px: np.ndarray  # (N, 2) float64, (col, row); pixel (r, c) spans c..c+1, r..r+1
    width_m: float  # full surface width
    kind: str  # "through" (border to border) or "branch" (starts on another road)
    family: int  # direction family: 0 or 1 for grid-ish styles, 0 otherwise
    rows: np.ndarray  # (K,) intp, surface pixels inside the scene
    cols: np.ndarray  # (K,) intp


@dataclass
class _Growth:
    """State shared by the candidate builders while a network grows."""

    config: SceneConfig
    rng: np.random.Generator
    labels: np.ndarray  # (rows, cols) int32, 1 + index of the last road drawn there, 0 = none
    roads: list[Road]
    base_heading: float  # direction of family 0, radians

    @property
    def size(self) -> int:
        return self.config.size_px

    def px(self, metres: float) -> float:
        return metres / self.config.pixel_size_m


def _waves(growth: _Growth) -> np.ndarray:
    preset = growth.config.preset
    low, high = preset.curvature_wavelength_m
    return curvature_waves(
        curvature_max_px=preset.curvature_max_per_m * growth.config.pixel_size_m,
        wavelength_px=(growth.px(low), growth.px(high)),
        rng=growth.rng,
    )


def _inside_run(points: np.ndarray, start: int, low: float, high: float) -> np.ndarray:
    """The contiguous run of points around index ``start`` within [low, high]², plus one more."""
    inside = np.all((points >= low) & (points <= high), axis=1)
    outside = np.flatnonzero(~inside)
    before = outside[outside < start]
    after = outside[outside > start]
    first = int(before[-1]) if len(before) else 0
    last = int(after[0]) if len(after) else len(points) - 1
    return points[first : last + 1]


def _through_candidate(growth: _Growth, width_m: float) -> tuple[np.ndarray, int]:
    size, rng = growth.size, growth.rng
    if growth.config.preset.perpendicular_families:
        family = len(growth.roads) if len(growth.roads) < 2 else int(rng.integers(2))
        heading = growth.base_heading + family * math.pi / 2 + rng.normal(0.0, 0.12)
    else:
        family, heading = 0, rng.uniform(0.0, math.pi)
    anchor = rng.uniform(0.1 * size, 0.9 * size, 2)
    reach = 3.0 * size
    s_px = np.arange(-reach, reach + 1.0)
    points = trace_curve(anchor, heading, _waves(growth), s_px=s_px)
    margin = growth.px(width_m) / 2 + 2.0
    return _inside_run(points, int(reach), -margin, size + margin), family


def _branch_candidate(growth: _Growth, width_m: float) -> tuple[np.ndarray, int] | None:
    size, rng = growth.size, growth.rng
    parent_index = int(rng.integers(len(growth.roads)))
    parent = growth.roads[parent_index]
    pts = parent.points_px
    on_scene = np.flatnonzero(np.all((pts >= 0.05 * size) & (pts <= 0.95 * size), axis=1))
    if len(on_scene) < 3:
        return None
    start = int(rng.choice(on_scene))
    side = rng.choice([-1.0, 1.0])
    tangent = tangents(pts)[start]
    heading = math.atan2(tangent[1], tangent[0]) + side * math.pi / 2 + rng.normal(0.0, 0.15)
    points = trace_curve(pts[start], heading, _waves(growth), s_px=np.arange(0.0, 3.0 * size))
    margin = growth.px(width_m) / 2 + 2.0
    points = _inside_run(points, 0, -margin, size + margin)
    points = _stop_at_crossing(growth, points, parent_index)
    if rng.random() < growth.config.preset.dead_end_share:
        points = points[: int(growth.px(rng.uniform(30.0, 110.0)))]
    if len(points) < growth.px(parent.width_m / 2 + 10.0):
        return None
    return points, parent.family


def _stop_at_crossing(growth: _Growth, points: np.ndarray, parent_index: int) -> np.ndarray:
    """Cut a branch where it meets a road other than where it starts, on that road's axis."""
    idx = np.floor(points).astype(np.intp)
    inside = np.all((idx >= 0) & (idx < growth.size), axis=1)
    label = np.zeros(len(points), np.int32)
    label[inside] = growth.labels[idx[inside, 1], idx[inside, 0]]
    left = np.flatnonzero(label != parent_index + 1)
    if not len(left):
        return points
    hits = np.flatnonzero(label[left[0] :] > 0)
    if not len(hits):
        return points
    hit = left[0] + int(hits[0])
    other = growth.roads[label[hit] - 1]
    # End exactly on a vertex of the other road's axis, where the two axes come closest.
    ahead = points[hit : hit + int(math.ceil(growth.px(other.width_m))) + 2]
    distance, vertex = cKDTree(other.points_px).query(ahead)
    last = int(np.argmin(distance))
    return np.concatenate([points[: hit + last], other.points_px[vertex[last]][None]])


def _runs_parallel(growth: _Growth, points: np.ndarray, family: int) -> bool:
    """True when the candidate runs close and nearly parallel to an existing road."""
    others = [r for r in growth.roads if r.family == family or not
              growth.config.preset.perpendicular_families]
    if not others:
        return False
    existing = np.concatenate([r.points_px for r in others])
    existing_dir = np.concatenate([tangents(r.points_px) for r in others])
    on_scene = points[np.all((points >= 0) & (points <= growth.size), axis=1)]
    if not len(on_scene):
        return True
    dist, nearest = cKDTree(existing).query(on_scene, distance_upper_bound=growth.px(
        growth.config.preset.road_spacing_m))
    close = np.isfinite(dist)
    cosine = np.abs(np.sum(tangents(on_scene)[close] * existing_dir[nearest[close]], axis=1))
    parallel = np.count_nonzero(cosine > math.cos(_PARALLEL_ANGLE_RAD))
    return parallel > growth.px(_PARALLEL_TOLERANCE_M)


def _candidate(growth: _Growth, min_roads: int) -> Road | None:
    """Draw one road that may join the network, or None when the draw is unusable."""
    config, rng = growth.config, growth.rng
    low, high = config.road_width_m
    branch = len(growth.roads) >= min_roads and rng.random() < config.preset.branch_share
    width_m = float(rng.uniform(low, (low + high) / 2 if branch else high))
    if branch:
        drawn = _branch_candidate(growth, width_m)
        if drawn is None:
            return None
        points, parent_family = drawn
        grid = config.preset.perpendicular_families
        family = 1 - parent_family if grid else 0
    else:
        points, family = _through_candidate(growth, width_m)
    if len(points) < 3 or _runs_parallel(growth, points, family):
        return None
    rows, cols = rasterize_band(points, growth.px(width_m) / 2, growth.labels.shape)
    if not len(rows):
        return None
    return Road(points, width_m, "branch" if branch else "through", family, rows, cols)


def grow_network(config: SceneConfig, *, rng: np.random.Generator) -> list[Road]:
    """Grow roads until ``config.road_count`` or the style's share of road pixels is reached.

    Returns
    -------
    list of Road
        Through roads first cross the scene (crossing each other in X junctions on grid-ish
        styles); branches start on the axis of an earlier road (T) and end at another road, the
        scene border or a dead end.
    """
    size = config.size_px
    growth = _Growth(config, rng, np.zeros((size, size), np.int32), [],
                     base_heading=float(rng.uniform(0.0, math.pi / 2)))
    min_roads = 2 if config.preset.perpendicular_families else 1
    wanted = config.road_count
    target = rng.uniform(*config.preset.road_fraction) * size * size
    cap = _MAX_ROAD_FRACTION * size * size
    covered, failures = 0, 0
    while failures < _ATTEMPTS_PER_ROAD:
        road = _candidate(growth, min_roads)
        new = 0 if road is None else np.count_nonzero(growth.labels[road.rows, road.cols] == 0)
        # The cap gives way only when a tiny scene cannot otherwise hold a single road.
        capped = wanted is None and covered + new > cap and (growth.roads or failures < 20)
        if road is None or capped:
            failures += 1
            continue
        growth.roads.append(road)
        growth.labels[road.rows, road.cols] = len(growth.roads)
        covered, failures = covered + int(new), 0
        if len(growth.roads) == wanted or (
            wanted is None and len(growth.roads) >= min_roads and covered >= target
        ):
            break
    if wanted is not None and len(growth.roads) < wanted:
        logger.warning("only %d of %d roads fit the scene", len(growth.roads), wanted)
    return growth.roads
