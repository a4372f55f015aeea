"""Road graphs: lines noded into a networkx graph, edge splitting and format checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from itertools import count, pairwise

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from ..errors import BadInputError

__all__ = ["LengthFunction", "lines_to_graph", "graph_lines", "split_edge", "check_graph",
           "transform_graph"]

#: Measures a LineString in metres (for CRSs whose units are not metres).
LengthFunction = Callable[[LineString], float]


def lines_to_graph(lines: Sequence[BaseGeometry], *, snap_m: float = 1.0,
                   length_m: LengthFunction | None = None) -> nx.Graph:
    """Node road lines into a graph: nodes at line ends, crossings and shared vertices.

    Each line end that lies within ``snap_m`` of another line is first moved onto it
    (and that point becomes a vertex of the other line), so T-junctions drawn with a small
    gap or overshoot are joined; then the lines are noded with GEOS (``unary_union``), which
    splits them wherever they cross or touch. Two pieces joining the same pair of nodes, and
    closed pieces, are split at their middle, since the graph holds one edge per node pair.

    Parameters
    ----------
    lines : sequence of LineString or MultiLineString
        In map coordinates; empty and zero-length parts are dropped.
    snap_m : float
        Snap tolerance in map units (metres in a metric CRS), >= 0; 0 disables snapping.
    length_m : callable, optional
        Length in metres of a LineString; the geometry's length (map units) when omitted,
        which is right for projected CRSs in metres.

    Returns
    -------
    nx.Graph
        Nodes 0..n-1 with ``xy`` (x, y); edges with ``geometry`` (LineString) and
        ``length_m`` (float).
    """
    if not (isinstance(snap_m, int | float) and math.isfinite(snap_m) and snap_m >= 0):
        raise BadInputError(f"snap_m must be a finite number >= 0; got {snap_m!r}")
    parts = _snap_ends(_flatten(lines), float(snap_m))
    noded = shapely.get_parts(shapely.unary_union(parts)) if parts else []
    measure = length_m or (lambda geometry: float(geometry.length))
    graph = nx.Graph()
    ids: dict[tuple[float, float], int] = {}
    for piece in noded:
        if isinstance(piece, LineString) and piece.length > 0:
            coords = list(piece.coords)
            u, v = _node(graph, ids, coords[0]), _node(graph, ids, coords[-1])
            _add_edge(graph, u, v, piece, measure)
    return graph


def _flatten(lines: Sequence[BaseGeometry]) -> list[LineString]:
    parts = []
    for index, geometry in enumerate(lines):
        if geometry.geom_type not in ("LineString", "MultiLineString"):
            raise BadInputError(f"line {index} is a {geometry.geom_type}; give LineStrings "
                                "or MultiLineStrings")
        parts.extend(p for p in shapely.get_parts(shapely.force_2d(geometry)) if p.length > 0)
    return parts


def _nearest_on(coords: np.ndarray, point: np.ndarray) -> tuple[int, tuple[float, float], float]:
    """Nearest point of a polyline: (segment index, point, distance); ends returned exactly."""
    a, b = coords[:-1], coords[1:]
    ab = b - a
    den = np.einsum("ij,ij->i", ab, ab)
    t = np.clip(np.einsum("ij,ij->i", point - a, ab) / np.where(den > 0, den, 1), 0, 1)
    near = a + t[:, None] * ab
    near[t == 0], near[t == 1] = a[t == 0], b[t == 1]
    dist = np.hypot(*(near - point).T)
    k = int(np.argmin(dist))
    return k, (float(near[k, 0]), float(near[k, 1])), float(dist[k])


def _snap_ends(parts: list[LineString], snap_m: float) -> list[LineString]:
    """Move every line end within ``snap_m`` of another line onto its nearest point."""
    if snap_m <= 0 or len(parts) < 2:
        return parts
    coords = [list(part.coords) for part in parts]
    tree = shapely.STRtree(parts)  # lines move by <= snap_m, hence the query at 2 * snap_m
    for i in range(len(coords)):
        for end in (0, -1):
            point = np.asarray(coords[i][end])
            best = None
            for j in sorted(tree.query(Point(point), predicate="dwithin", distance=2 * snap_m)):
                if j != i:
                    k, near, dist = _nearest_on(np.asarray(coords[j]), point)
                    if dist <= snap_m and (best is None or dist < best[0]):
                        best = (dist, j, k, near)
            if best is not None:
                _, j, k, near = best
                if near not in (coords[j][k], coords[j][k + 1]):
                    coords[j].insert(k + 1, near)
                coords[i][end] = near
    return [LineString(c) for c in coords]


def _node(graph: nx.Graph, ids: dict, xy: tuple[float, ...]) -> int:
    key = (float(xy[0]), float(xy[1]))
    if key not in ids:
        ids[key] = graph.number_of_nodes()
        graph.add_node(ids[key], xy=key)
    return ids[key]


def _add_edge(graph: nx.Graph, u: int, v: int, geometry: LineString,
              measure: LengthFunction) -> None:
    """Add an edge; a loop or a second edge between u and v is split at its middle."""
    if u != v and not graph.has_edge(u, v):
        graph.add_edge(u, v, geometry=geometry, length_m=float(measure(geometry)))
        return
    half = geometry.length / 2
    middle = graph.number_of_nodes()
    graph.add_node(middle, xy=tuple(geometry.interpolate(half).coords[0]))
    _add_edge(graph, u, middle, substring(geometry, 0, half), measure)
    _add_edge(graph, middle, v, substring(geometry, half, geometry.length), measure)


def graph_lines(graph: nx.Graph) -> list[LineString]:
    """The edge geometries of a graph, in a stable order (by sorted node pair)."""
    edges = sorted(graph.edges(data="geometry"), key=lambda e: (min(e[:2]), max(e[:2])))
    return [geometry for _, _, geometry in edges]


def check_graph(graph: nx.Graph, name: str) -> None:
    """Raise BadInputError unless ``graph`` follows the road graph format.

    The format: an undirected ``nx.Graph`` with int nodes holding ``xy``, and edges holding
    ``geometry`` (LineString) and ``length_m`` (float >= 0).
    """
    if not isinstance(graph, nx.Graph) or graph.is_directed() or graph.is_multigraph():
        raise BadInputError(f"{name} must be an undirected networkx.Graph; got {type(graph)}")
    for node, xy in graph.nodes(data="xy"):
        if not isinstance(node, int | np.integer) or xy is None or len(xy) != 2:
            raise BadInputError(f"node {node!r} of {name} needs an int id and an 'xy' pair")
    for u, v, data in graph.edges(data=True):
        geometry, length = data.get("geometry"), data.get("length_m")
        if not isinstance(geometry, LineString) or length is None or not length >= 0:
            raise BadInputError(f"edge ({u}, {v}) of {name} needs a LineString 'geometry' and "
                                f"a 'length_m' >= 0; got {data}")


def split_edge(graph: nx.Graph, u: int, v: int, distances: Sequence[float],
               ids: Iterator[int] | None = None) -> list[int]:
    """Split an edge in place at distances along its geometry; return the node at each.

    Distances (map units, from the geometry's first point) at either end give the end
    node; nearly equal distances (within 1e-9 of the length) share one new node. The pieces
    get ``length_m`` in proportion to their share of the geometry's length.

    Parameters
    ----------
    graph : nx.Graph
        A road graph; modified.
    u, v : int
        The edge.
    distances : sequence of float
        Where to split, in [0, length].
    ids : iterator of int, optional
        Ids for the new nodes; ``max(graph) + 1`` onwards when omitted.
    """
    data = graph.edges[u, v]
    geometry, total = data["geometry"], data["geometry"].length
    start_xy = np.asarray(geometry.coords[0])
    start, end = (u, v) if (np.hypot(*(np.asarray(graph.nodes[u]["xy"]) - start_xy))
                            <= np.hypot(*(np.asarray(graph.nodes[v]["xy"]) - start_xy))) else (v, u)
    eps = 1e-9 * max(total, 1.0)
    inner = _distinct(sorted(d for d in distances if eps < d < total - eps), eps)
    if start == end and len(inner) == 1:  # a loop needs two inner nodes to stay a Graph
        inner.append((inner[0] + total) / 2)
    ids = ids if ids is not None else count(max(graph.nodes) + 1)
    chain = [(0.0, start)] + [(d, next(ids)) for d in inner] + [(total, end)]
    if inner:
        graph.remove_edge(u, v)
        for d, node in chain[1:-1]:
            graph.add_node(node, xy=tuple(geometry.interpolate(d).coords[0]))
        for (a, na), (b, nb) in pairwise(chain):
            graph.add_edge(na, nb, geometry=substring(geometry, a, b),
                           length_m=data["length_m"] * (b - a) / total)
    positions = np.array([d for d, _ in chain])
    return [chain[int(np.argmin(np.abs(positions - d)))][1] for d in distances]


def _distinct(values: list[float], eps: float) -> list[float]:
    out: list[float] = []
    for value in values:
        if not out or value - out[-1] > eps:
            out.append(value)
    return out


def transform_graph(graph: nx.Graph,
                    transform: Callable[[np.ndarray], np.ndarray]) -> nx.Graph:
    """A copy of a graph with coordinates mapped by ``transform`` ((n, 2) -> (n, 2)).

    ``length_m`` is kept: it is already in metres whatever the coordinates.
    """
    out = nx.Graph()
    for node, xy in graph.nodes(data="xy"):
        x, y = transform(np.asarray([xy], dtype=float))[0]
        out.add_node(node, xy=(float(x), float(y)))
    for u, v, data in graph.edges(data=True):
        out.add_edge(u, v, geometry=shapely.transform(data["geometry"], transform),
                     length_m=data["length_m"])
    return out
