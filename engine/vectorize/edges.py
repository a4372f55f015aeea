"""Finished centerline edges: simplified, split when parallel, in map coordinates, measured."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from engine.vectorize.polygons import pixel_to_map

__all__ = ["PendingEdge", "EdgeRows", "EdgeFinisher", "LengthFunction", "rows_to_graph"]

#: Lengths in metres of LineStrings given in map coordinates, shape (n,).
LengthFunction = Callable[[Sequence[LineString]], np.ndarray]


@dataclass(frozen=True)
class PendingEdge:
    """An edge of the cleaned skeleton graph, whole, in metres on the pixel grid."""

    start: int  # node at coords[0]
    end: int  # node at coords[-1]
    coords: np.ndarray  # (k, 2) float64, metres on the pixel grid, from start to end
    start_degree: int
    end_degree: int
    pieces: int = 1  # written as this many equal parts (2 for a parallel edge, 3 for a loop)


@dataclass
class EdgeRows:
    """Finished edges as columns, one row per written LineString."""

    lines: list[LineString] = field(default_factory=list)  # map coordinates
    length_m: list[float] = field(default_factory=list)  # metres
    start_degree: list[int] = field(default_factory=list)  # at each line's first point
    end_degree: list[int] = field(default_factory=list)  # at each line's last point
    start_node: list[int] = field(default_factory=list)
    end_node: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


def _split(line: LineString, pieces: int) -> list[LineString]:
    return [substring(line, i / pieces, (i + 1) / pieces, normalized=True)
            for i in range(pieces)]


class EdgeFinisher:
    """Turns :class:`PendingEdge` objects into :class:`EdgeRows`.

    Each edge is simplified (Douglas-Peucker, ``simplify_m``, in metres on the pixel
    grid); an edge with ``pieces > 1`` is cut into that many equal parts, joined by new
    nodes of degree 2 (ids drawn from ``ids``), because a graph holds one edge per node
    pair; lines go to map coordinates through ``geotransform``; lengths come from
    ``metric_lengths`` (map coordinates) or, without it, from the metres on the grid.

    Parameters
    ----------
    geotransform : sequence of 6 float
        GDAL geotransform of the grid.
    scale_m : (float, float)
        Pixel width and height in metres.
    simplify_m : float
        Douglas-Peucker tolerance in metres; 0 keeps every vertex.
    metric_lengths : callable, optional
        Lengths in metres of LineStrings in map coordinates.
    ids : iterator of int
        Ids of the nodes that split parts meet at.
    """

    def __init__(self, geotransform: Sequence[float], scale_m: tuple[float, float], *,
                 simplify_m: float, metric_lengths: LengthFunction | None,
                 ids: Iterator[int]) -> None:
        self._geotransform = tuple(float(v) for v in geotransform)
        self._scale = np.asarray(scale_m, dtype=np.float64)
        self._simplify_m = simplify_m
        self._lengths = metric_lengths
        self._ids = ids

    def finish(self, edges: Sequence[PendingEdge]) -> EdgeRows:
        """Simplify, split, map and measure ``edges``; rows in their order."""
        rows = EdgeRows()
        if not edges:
            return rows
        # Douglas-Peucker may keep other vertices when a line runs the other way: each is
        # simplified in one canonical direction, so that an edge joined from the pieces of
        # several blocks comes out as it would from the whole raster.
        flipped = [tuple(e.coords[-1]) < tuple(e.coords[0]) for e in edges]
        coords = [e.coords[::-1] if flip else e.coords for e, flip in zip(edges, flipped,
                                                                            strict=True)]
        index = np.repeat(np.arange(len(edges)), [len(c) for c in coords])
        lines = shapely.linestrings(np.concatenate(coords), indices=index)
        if self._simplify_m > 0:
            lines = shapely.simplify(lines, self._simplify_m, preserve_topology=False)
        lines = [line.reverse() if flip else line for line, flip in zip(lines, flipped,
                                                                         strict=True)]
        parts: list[LineString] = []
        for edge, line in zip(edges, lines, strict=True):
            pieces = [line] if edge.pieces == 1 else _split(line, edge.pieces)
            nodes = [edge.start, *(next(self._ids) for _ in pieces[1:]), edge.end]
            degrees = [edge.start_degree, *([2] * (len(pieces) - 1)), edge.end_degree]
            for i, piece in enumerate(pieces):
                parts.append(piece)
                rows.start_node.append(nodes[i])
                rows.end_node.append(nodes[i + 1])
                rows.start_degree.append(degrees[i])
                rows.end_degree.append(degrees[i + 1])
        metres = np.asarray(parts, dtype=object)
        rows.lines = list(pixel_to_map(shapely.transform(metres, lambda xy: xy / self._scale),
                                       self._geotransform))
        lengths = (shapely.length(metres) if self._lengths is None
                   else self._lengths(rows.lines))
        rows.length_m = [float(v) for v in np.asarray(lengths, dtype=np.float64)]
        return rows


def rows_to_graph(rows: EdgeRows, graph: nx.Graph | None = None) -> nx.Graph:
    """Add finished rows to a graph (a new one when None): nodes with ``xy``, edges with
    ``geometry`` and ``length_m``, as :func:`engine.vectorize.mask_to_centerline_graph`
    returns them."""
    graph = nx.Graph() if graph is None else graph
    for line, length, start, end in zip(rows.lines, rows.length_m, rows.start_node,
                                        rows.end_node, strict=True):
        xy = shapely.get_coordinates(line)
        graph.add_node(start, xy=(float(xy[0, 0]), float(xy[0, 1])))
        graph.add_node(end, xy=(float(xy[-1, 0]), float(xy[-1, 1])))
        graph.add_edge(start, end, geometry=line, length_m=length)
    return graph
