"""Cleaning a skeleton graph: merge chains, prune spurs, extend ends, join gaps (metres)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

__all__ = [
    "DeadEnds",
    "edge_length",
    "contract_node",
    "contract_chains",
    "prune_spurs",
    "end_directions",
    "extend_ends",
    "join_gaps",
    "drop_short_components",
]

# Spur pruning stops after this many rounds (each round exposes branches of branches).
_MAX_PRUNE_ROUNDS = 10
# Dangling ends are walked along in steps of this fraction of a pixel.
_STEP_PX = 0.5
# Ends extended at once (bounds the memory of the walk: ends x steps x 2 floats).
_EXTEND_BATCH = 8192


def edge_length(coords: np.ndarray) -> float:
    """Length of a polyline, shape (k, 2), in its units."""
    return float(np.hypot(*np.diff(coords, axis=0).T).sum())


def _coords_from(graph: nx.MultiGraph, u: int, v: int, key: int) -> np.ndarray:
    """The coordinates of edge (u, v, key), running from u."""
    data = graph.edges[u, v, key]
    return data["coords"] if data["start"] == u else data["coords"][::-1]


def contract_node(graph: nx.MultiGraph, v: int) -> tuple[int, int] | None:
    """Merge the two edges of node ``v`` into one edge and remove ``v``, in place, when
    ``v`` has degree 2 and no loop; return the merged edge's ends (a, b), else None."""
    if graph.degree(v) != 2 or graph.has_edge(v, v):
        return None
    (_, a, k1), (_, b, k2) = graph.edges(v, keys=True)
    first = _coords_from(graph, a, v, k1)
    second = _coords_from(graph, v, b, k2)
    graph.remove_node(v)
    graph.add_edge(a, b, coords=np.vstack([first, second[1:]]), start=a)
    return a, b


def contract_chains(graph: nx.MultiGraph) -> None:
    """Merge the two edges of every degree-2 node into one edge, in place.

    A node whose only edge is a closed loop (a ring road) is kept.
    """
    for v in list(graph.nodes):
        contract_node(graph, v)


def _single_edge(graph: nx.MultiGraph, u: int) -> tuple[int, int]:
    """(other end, key) of the only edge of a degree-1 node."""
    ((_, w, key),) = graph.edges(u, keys=True)
    return w, key


def prune_spurs(graph: nx.MultiGraph, spur_length: float) -> None:
    """Remove edges shorter than ``spur_length`` from a junction to a dead end, in place.

    At a junction of degree d at most d - 2 spurs go in a round, shortest first, so a
    junction is never emptied; rounds repeat (merging chains between them) until none is
    left or after a fixed number.
    """
    for _ in range(_MAX_PRUNE_ROUNDS):
        spurs: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
        for u in [n for n, d in graph.degree() if d == 1]:
            w, key = _single_edge(graph, u)
            length = edge_length(graph.edges[u, w, key]["coords"])
            if graph.degree(w) >= 3 and length < spur_length:
                spurs[w].append((length, u, key))
        for w, found in spurs.items():
            for _, u, _ in sorted(found)[: graph.degree(w) - 2]:
                graph.remove_node(u)
        if not spurs:
            return
        contract_chains(graph)


@dataclass(frozen=True)
class DeadEnds:
    """The dead ends of a graph, each seen from a point ``trim`` back along its edge."""

    nodes: list[int]  # degree-1 nodes
    first: list[int]  # index, in the edge's coordinates from the node, of that point
    positions: np.ndarray  # (n, 2) that point
    directions: np.ndarray  # (n, 2) outward unit direction at that point


def end_directions(graph: nx.MultiGraph, baseline: float, trim: float = 0.0) -> DeadEnds:
    """Dead ends with their outward directions.

    Each end is taken at the first vertex at least ``trim`` from the node (skeletons often
    bend in their last pixels); its direction is from the vertex ``baseline`` further back
    (or the edge's other end) to it. Ends of zero-length edges are left out.
    """
    ends = DeadEnds([], [], np.zeros((0, 2)), np.zeros((0, 2)))
    positions, directions = [], []
    for u in [n for n, d in graph.degree() if d == 1]:
        w, key = _single_edge(graph, u)
        coords = _coords_from(graph, u, w, key)
        walked = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
        first = min(int(np.searchsorted(walked, trim)), len(coords) - 2)
        back = min(int(np.searchsorted(walked, walked[first] + baseline)), len(coords) - 1)
        norm = math.hypot(*(coords[first] - coords[back]))
        if norm > 0:
            ends.nodes.append(u)
            ends.first.append(first)
            positions.append(coords[first])
            directions.append((coords[first] - coords[back]) / norm)
    if ends.nodes:
        ends = DeadEnds(ends.nodes, ends.first, np.array(positions), np.array(directions))
    return ends


def _walk(mask: np.ndarray, starts: np.ndarray, directions: np.ndarray,
          scale_m: tuple[float, float], max_m: float,
          origin_px: tuple[int, int] = (0, 0)) -> np.ndarray:
    """How far (m) each start can go along its direction staying on the mask (whose first
    pixel is at ``origin_px`` (row, col) of the grid the positions are on)."""
    step_m = _STEP_PX * min(scale_m)
    steps = np.arange(1, int(max_m / step_m) + 1) * step_m
    if len(steps) == 0:
        return np.zeros(len(starts))
    points = starts[:, None, :] + steps[None, :, None] * directions[:, None, :]
    cols = np.floor(points[..., 0] / scale_m[0]).astype(np.int64) - origin_px[1]
    rows = np.floor(points[..., 1] / scale_m[1]).astype(np.int64) - origin_px[0]
    inside = (rows >= 0) & (rows < mask.shape[0]) & (cols >= 0) & (cols < mask.shape[1])
    inside &= mask[rows.clip(0, mask.shape[0] - 1), cols.clip(0, mask.shape[1] - 1)]
    count = np.cumprod(inside, axis=1).sum(axis=1)
    return np.where(count > 0, steps[np.maximum(count - 1, 0)], 0.0)


def extend_ends(graph: nx.MultiGraph, mask: np.ndarray, *, scale_m: tuple[float, float],
                max_m: float, baseline: float, trim: float,
                origin_px: tuple[int, int] = (0, 0)) -> None:
    """Lengthen dead ends along their direction to the end of the mask, in place.

    A skeleton stops about half a road width before the road's end, often with a bend in
    its last pixels: the last ``trim`` of each dead end is cut, then the end is walked on
    along its direction while on the mask, at most ``max_m``. ``origin_px`` is the (row,
    col) of the mask's first pixel on the grid of the graph's positions.
    """
    ends = end_directions(graph, baseline, trim)
    if not ends.nodes:
        return
    reach = np.concatenate([
        _walk(mask, ends.positions[i:i + _EXTEND_BATCH], ends.directions[i:i + _EXTEND_BATCH],
              scale_m, max_m, origin_px)
        for i in range(0, len(ends.nodes), _EXTEND_BATCH)
    ])
    for u, first, position, direction, distance in zip(
            ends.nodes, ends.first, ends.positions, ends.directions, reach, strict=True):
        w, key = _single_edge(graph, u)
        kept = _coords_from(graph, u, w, key)[first:]
        if distance > 0:
            kept = np.vstack([position + distance * direction, kept])
        if len(kept) < 2:  # a tiny edge trimmed from both ends: leave it as it is
            continue
        graph.edges[u, w, key].update(coords=kept, start=u)
        graph.nodes[u]["pos"] = kept[0]


def join_gaps(graph: nx.MultiGraph, *, gap: float, angle_deg: float, baseline: float) -> None:
    """Join pairs of dead ends closer than ``gap`` that point at each other, in place.

    A pair is joined when the segment between them is within ``angle_deg`` of both ends'
    outward directions; each end joins once, closest pairs first. Joined chains merge.
    """
    ends = end_directions(graph, baseline)
    nodes, positions, directions = ends.nodes, ends.positions, ends.directions
    if len(nodes) < 2 or gap <= 0:
        return
    pairs = cKDTree(positions).query_pairs(gap, output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    offset = positions[second] - positions[first]
    distance = np.hypot(offset[:, 0], offset[:, 1])
    safe = np.where(distance > 0, distance, 1.0)
    limit = math.cos(math.radians(angle_deg))
    towards = (np.einsum("ij,ij->i", directions[first], offset) / safe >= limit) & (
        np.einsum("ij,ij->i", directions[second], -offset) / safe >= limit)
    facing = np.einsum("ij,ij->i", directions[first], directions[second]) <= -limit
    ok = np.where(distance > 0, towards, facing)
    used: set[int] = set()
    for index in np.flatnonzero(ok)[np.argsort(distance[ok], kind="stable")]:
        i, j = int(first[index]), int(second[index])
        if i in used or j in used:
            continue
        used.update((i, j))
        u, w = nodes[i], nodes[j]
        graph.add_edge(u, w, coords=np.vstack([positions[i], positions[j]]), start=u)
    contract_chains(graph)


def drop_short_components(graph: nx.MultiGraph, min_length: float) -> None:
    """Remove connected pieces whose total edge length is below ``min_length``, in place."""
    for component in list(nx.connected_components(graph)):
        total = sum(edge_length(d["coords"]) for _, _, d in graph.edges(component, data=True))
        if total < min_length:
            graph.remove_nodes_from(component)
