"""Road centerlines: the mask's skeleton as a cleaned graph of LineStrings in map coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

import networkx as nx
import numpy as np
from shapely.geometry import LineString
from skimage.morphology import skeletonize

from engine.errors import BadInputError
from engine.vectorize.config import VectorizeConfig
from engine.vectorize.edges import EdgeFinisher, LengthFunction, PendingEdge, rows_to_graph
from engine.vectorize.skeleton import skeleton_graph
from engine.vectorize.topology import (
    contract_chains,
    drop_short_components,
    extend_ends,
    join_gaps,
    prune_spurs,
)

__all__ = [
    "Centerlines",
    "LengthFunction",
    "clean_skeleton_graph",
    "mask_to_centerline_graph",
    "skeleton_to_centerline_graph",
    "graph_to_lines",
]

# The direction of a dead end is measured over this many pixels of its edge.
_TANGENT_PX = 10.0
# Dead ends lose their last pixels (where skeletons bend) before they are extended.
_TRIM_PX = 3.0


@dataclass(frozen=True)
class Centerlines:
    """The edges of a centerline graph as a table."""

    lines: list[LineString]  # map coordinates
    length_m: list[float]  # metres
    start_degree: list[int]  # degree of the node at each line's first point
    end_degree: list[int]  # degree of the node at each line's last point


def _scale(pixel_size_m: float | Sequence[float]) -> tuple[float, float]:
    sizes = np.broadcast_to(np.asarray(pixel_size_m, dtype=np.float64), (2,))
    if not (np.all(np.isfinite(sizes)) and np.all(sizes > 0)):
        raise BadInputError(f"pixel_size_m must be > 0 metres; got {pixel_size_m!r}")
    return float(sizes[0]), float(sizes[1])


def mask_to_centerline_graph(
    mask: np.ndarray,
    geotransform: Sequence[float],
    *,
    pixel_size_m: float | Sequence[float],
    spur_length_m: float,
    gap_join_m: float,
    gap_angle_deg: float,
    line_simplify_m: float,
    metric_lengths: LengthFunction | None = None,
) -> nx.Graph:
    """The centerline graph of a road mask.

    The mask is skeletonized (Zhang); junctions and dead ends become nodes and the pixel
    chains between them edges; spurs shorter than ``spur_length_m`` are pruned; dead ends
    are extended along their direction to the end of the road (by at most
    ``spur_length_m``); dead ends closer than ``gap_join_m`` whose directions agree within
    ``gap_angle_deg`` are joined; pieces shorter than ``spur_length_m`` are dropped; edges
    are simplified (Douglas-Peucker, ``line_simplify_m``).

    Parameters
    ----------
    mask : np.ndarray
        Shape (H, W), bool, True on road.
    geotransform : sequence of 6 float
        GDAL geotransform of the mask's grid.
    pixel_size_m : float or (float, float)
        Pixel size in metres, or (width, height); distances above are measured with it.
    spur_length_m, gap_join_m, gap_angle_deg, line_simplify_m : float
        As in :class:`VectorizeConfig`.
    metric_lengths : callable, optional
        Lengths in metres of LineStrings in map coordinates (e.g. from
        :func:`engine.io.crs.lengths_m`); when None, lengths are measured on the pixel
        grid scaled by ``pixel_size_m``.

    Returns
    -------
    nx.Graph
        Nodes are ints with ``xy`` = (x, y) in map coordinates; each edge has ``geometry``
        (a shapely LineString from one node's xy to the other's) and ``length_m``. A ring
        without junction is one node with a closed self-loop.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype != bool:
        raise BadInputError(f"mask must be a 2-D bool array; got {mask.dtype} {mask.shape}")
    return skeleton_to_centerline_graph(
        skeletonize(mask), mask, geotransform, pixel_size_m=pixel_size_m,
        spur_length_m=spur_length_m, gap_join_m=gap_join_m, gap_angle_deg=gap_angle_deg,
        line_simplify_m=line_simplify_m, metric_lengths=metric_lengths)


def skeleton_to_centerline_graph(
    skeleton: np.ndarray,
    mask: np.ndarray,
    geotransform: Sequence[float],
    *,
    pixel_size_m: float | Sequence[float],
    spur_length_m: float,
    gap_join_m: float,
    gap_angle_deg: float,
    line_simplify_m: float,
    metric_lengths: LengthFunction | None = None,
) -> nx.Graph:
    """:func:`mask_to_centerline_graph` after the skeleton (shape (H, W) bool) is made."""
    if len(geotransform) != 6:
        raise BadInputError(f"geotransform must have 6 numbers; got {tuple(geotransform)}")
    if skeleton.shape != mask.shape:
        raise BadInputError(f"skeleton {skeleton.shape} and mask {mask.shape} differ in shape")
    # The config's checks name the option and the value received.
    VectorizeConfig(spur_length_m=spur_length_m, gap_join_m=gap_join_m,
                    gap_angle_deg=gap_angle_deg, line_simplify_m=line_simplify_m)
    scale = _scale(pixel_size_m)
    graph = clean_skeleton_graph(skeleton, mask, scale_m=scale, spur_length_m=spur_length_m,
                                 gap_join_m=gap_join_m, gap_angle_deg=gap_angle_deg)
    return _simple_graph(graph, geotransform, scale, line_simplify_m, metric_lengths)


def clean_skeleton_graph(skeleton: np.ndarray, mask: np.ndarray, *,
                         scale_m: tuple[float, float], spur_length_m: float,
                         gap_join_m: float, gap_angle_deg: float,
                         origin_px: tuple[int, int] = (0, 0)) -> nx.MultiGraph:
    """The skeleton's graph, cleaned: chains merged, spurs pruned, dead ends extended,
    gaps joined, short pieces dropped (see :func:`mask_to_centerline_graph`).

    Parameters
    ----------
    skeleton, mask : np.ndarray
        Shape (H, W), bool: the skeleton of the road mask, and the mask.
    scale_m : (float, float)
        Pixel width and height in metres.
    spur_length_m, gap_join_m, gap_angle_deg : float
        As in :class:`VectorizeConfig`.
    origin_px : (int, int)
        (row, col) of the arrays' first pixel in the raster (when they are a block of it).

    Returns
    -------
    nx.MultiGraph
        Edges with ``coords`` (k, 2) float64 in metres on the raster's pixel grid (pixel
        centre (row, col) at ``((col + 0.5) * sx, (row + 0.5) * sy)``), running from the
        node ``start``.
    """
    baseline = _TANGENT_PX * (scale_m[0] + scale_m[1]) / 2
    graph = skeleton_graph(skeleton, scale_m=scale_m, origin_px=origin_px)
    contract_chains(graph)
    prune_spurs(graph, spur_length_m)
    extend_ends(graph, mask, scale_m=scale_m, max_m=spur_length_m, baseline=baseline,
                trim=_TRIM_PX * (scale_m[0] + scale_m[1]) / 2, origin_px=origin_px)
    join_gaps(graph, gap=gap_join_m, angle_deg=gap_angle_deg, baseline=baseline)
    drop_short_components(graph, spur_length_m)
    return graph


def _pending_edges(graph: nx.MultiGraph) -> list[PendingEdge]:
    """Every edge, whole; a parallel edge in 2 pieces, a second self-loop in 3."""
    taken: set[tuple[int, int]] = set()
    edges = []
    for u, v, data in graph.edges(data=True):
        start, end = (u, v) if data["start"] == u else (v, u)
        pair = (min(u, v), max(u, v))
        pieces = 1 if pair not in taken else (3 if u == v else 2)
        taken.add(pair)
        edges.append(PendingEdge(start, end, data["coords"], graph.degree(start),
                                 graph.degree(end), pieces))
    return edges


def _simple_graph(graph: nx.MultiGraph, geotransform: Sequence[float],
                  scale: tuple[float, float], simplify_m: float,
                  metric_lengths: LengthFunction | None) -> nx.Graph:
    """The final nx.Graph: simplified edges in map coordinates with lengths in metres."""
    if graph.number_of_edges() == 0:
        return nx.Graph()
    finisher = EdgeFinisher(geotransform, scale, simplify_m=simplify_m,
                            metric_lengths=metric_lengths,
                            ids=count(max(graph.nodes, default=-1) + 1))
    result = rows_to_graph(finisher.finish(_pending_edges(graph)))
    return nx.convert_node_labels_to_integers(result, ordering="sorted")


def graph_to_lines(graph: nx.Graph) -> Centerlines:
    """The edges of a centerline graph with their lengths and end degrees.

    Parameters
    ----------
    graph : nx.Graph
        As returned by :func:`mask_to_centerline_graph`.

    Returns
    -------
    Centerlines
        One row per edge; the start node is the one at the geometry's first point.
    """
    table: tuple[list, list, list, list] = ([], [], [], [])
    for u, v, data in graph.edges(data=True):
        if "geometry" not in data or "length_m" not in data:
            raise BadInputError(f"edge ({u}, {v}) has no geometry or length_m")
        line = data["geometry"]
        first = tuple(line.coords[0])
        start, end = (u, v) if first == tuple(graph.nodes[u]["xy"]) else (v, u)
        for column, value in zip(table, (line, float(data["length_m"]), graph.degree(start),
                                         graph.degree(end)), strict=True):
            column.append(value)
    return Centerlines(*table)
