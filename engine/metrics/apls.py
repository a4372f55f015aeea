"""APLS, the Average Path Length Similarity of two road graphs (SpaceNet definition)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import count

import networkx as nx
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from ..errors import BadInputError
from .graph import check_graph, split_edge

__all__ = ["APLSScores", "apls_scores"]


@dataclass(frozen=True)
class APLSScores:
    """APLS and its two one-way terms, each in [0, 1]."""

    apls: float  # harmonic mean of the two terms below
    truth_onto_pred: float  # truth control nodes snapped onto the prediction
    pred_onto_truth: float  # predicted control nodes snapped onto the truth

    def to_dict(self) -> dict[str, float]:
        """Return the scores as a plain dict."""
        return asdict(self)


def apls_scores(pred: nx.Graph, truth: nx.Graph, *, node_spacing_m: float = 50.0,
                buffer_m: float = 4.0, min_path_length_m: float = 10.0,
                max_control_nodes: int = 500) -> APLSScores:
    """Average Path Length Similarity (Van Etten et al. 2018, SpaceNet 3).

    One pass, "reference onto other", is computed as follows.

    1. Control nodes: every edge of the reference is cut into ``ceil(length_m /
       node_spacing_m)`` equal pieces (so control nodes are at most ``node_spacing_m``
       apart); control nodes are the reference's nodes (ends, junctions) and these cuts.
       Above ``max_control_nodes`` an evenly spaced subset (by node id) is kept.
    2. Each control node is snapped to the nearest point of the other graph's edges within
       ``buffer_m``, which is inserted there as a node; farther control nodes stay unmatched.
    3. For every ordered pair (a, b) of distinct control nodes joined in the reference by a
       shortest path of length L >= ``min_path_length_m`` (and L > 0), with L' the shortest
       path between their snapped nodes in the other graph (lengths from ``length_m``), the
       term is ``min(1, |L - L'| / L)``, and 1 when a node is unmatched or no path exists.
    4. The pass scores ``1 - mean(terms)``; 0 when no pair counts (SpaceNet's convention).

    APLS is the harmonic mean of the passes truth -> pred (penalises gaps and detours)
    and pred -> truth (penalises spurious connections), 0 when either is 0. When neither
    graph has an edge APLS is 1 (nothing to find, nothing found); when only one has, 0.

    Parameters
    ----------
    pred, truth : nx.Graph
        Predicted and true road graphs (int nodes with ``xy``; edges with ``geometry`` and
        ``length_m``) in one projected CRS whose unit is the metre: ``buffer_m`` is compared
        to map distances.
    node_spacing_m : float
        Most distance between control nodes along an edge, > 0. SpaceNet uses 50 m; use less
        for scenes only a few hundred metres across.
    buffer_m : float
        Snapping distance, > 0 (SpaceNet: 4 m).
    min_path_length_m : float
        Shorter reference paths are skipped, >= 0 (SpaceNet: 10 m).
    max_control_nodes : int
        Most control nodes per pass, >= 2; the cost grows with its square.

    Returns
    -------
    APLSScores
    """
    _check_options(node_spacing_m, buffer_m, min_path_length_m, max_control_nodes)
    check_graph(pred, "pred")
    check_graph(truth, "truth")
    pred_empty, truth_empty = _is_empty(pred), _is_empty(truth)
    if pred_empty or truth_empty:
        value = 1.0 if pred_empty and truth_empty else 0.0
        return APLSScores(value, value, value)
    options = dict(node_spacing_m=node_spacing_m, buffer_m=buffer_m,
                   min_path_length_m=min_path_length_m, max_control_nodes=max_control_nodes)
    forward = _one_way(truth, pred, **options)
    backward = _one_way(pred, truth, **options)
    mean = 2 * forward * backward / (forward + backward) if forward + backward > 0 else 0.0
    return APLSScores(mean, forward, backward)


def _check_options(node_spacing_m: float, buffer_m: float, min_path_length_m: float,
                   max_control_nodes: int) -> None:
    for name, value in (("node_spacing_m", node_spacing_m), ("buffer_m", buffer_m)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise BadInputError(f"{name} must be a finite number > 0 metres; got {value!r}")
    if not (isinstance(min_path_length_m, int | float) and min_path_length_m >= 0):
        raise BadInputError(f"min_path_length_m must be a number >= 0; got {min_path_length_m!r}")
    if isinstance(max_control_nodes, bool) or not isinstance(max_control_nodes, int) \
            or max_control_nodes < 2:
        raise BadInputError(f"max_control_nodes must be an int >= 2; got {max_control_nodes!r}")


def _is_empty(graph: nx.Graph) -> bool:
    return not any(length > 0 for _, _, length in graph.edges(data="length_m"))


def _positive_edges(graph: nx.Graph) -> nx.Graph:
    """A copy without zero-length edges and isolated nodes."""
    out = graph.copy()
    out.remove_edges_from([(u, v) for u, v, n in graph.edges(data="length_m") if not n > 0])
    out.remove_nodes_from([n for n in graph.nodes if out.degree(n) == 0])
    return out


def _with_control_nodes(graph: nx.Graph, node_spacing_m: float) -> tuple[nx.Graph, list[int]]:
    """A copy with edges cut into pieces of at most node_spacing_m; and all its nodes."""
    out = _positive_edges(graph)
    ids = count(max(out.nodes) + 1)
    for u, v, length_m in sorted(out.edges(data="length_m"), key=_edge_key):
        pieces = math.ceil(length_m / node_spacing_m - 1e-9)
        if pieces > 1:
            total = out.edges[u, v]["geometry"].length
            split_edge(out, u, v, [total * k / pieces for k in range(1, pieces)], ids)
    return out, sorted(out.nodes)


def _edge_key(edge: tuple) -> tuple[int, int]:
    return min(edge[0], edge[1]), max(edge[0], edge[1])


def _sample(nodes: list[int], cap: int) -> list[int]:
    if len(nodes) <= cap:
        return nodes
    picks = np.unique(np.linspace(0, len(nodes) - 1, cap).round().astype(int))
    return [nodes[i] for i in picks]


def _snap_points(graph: nx.Graph, points: list[tuple[float, float]],
                 buffer_m: float) -> tuple[nx.Graph, list[int | None]]:
    """A copy of ``graph`` with each point inserted at its nearest edge within buffer_m."""
    out = _positive_edges(graph)
    edges = sorted((_edge_key(e) for e in out.edges), key=lambda e: e)
    geometries = [out.edges[e]["geometry"] for e in edges]
    tree = shapely.STRtree(geometries)
    query = shapely.points(np.asarray(points, dtype=float).reshape(-1, 2))
    (point_index, edge_index), _ = tree.query_nearest(
        query, max_distance=buffer_m, return_distance=True, all_matches=True)
    nearest: dict[int, int] = {}
    for p, e in zip(point_index.tolist(), edge_index.tolist(), strict=True):
        nearest[p] = min(nearest.get(p, e), e)  # ties: the lowest edge, for determinism
    by_edge: dict[int, list[int]] = defaultdict(list)
    for p, e in nearest.items():
        by_edge[e].append(p)
    snapped: list[int | None] = [None] * len(points)
    ids = count(max(out.nodes) + 1)
    for e, members in sorted(by_edge.items()):
        distances = [geometries[e].project(query[p]) for p in members]
        for p, node in zip(members, split_edge(out, *edges[e], distances, ids), strict=True):
            snapped[p] = node
    return out, snapped


# Sources of one batch of shortest-path searches at most (bounds the distance matrix in
# memory) ...
_SOURCES_PER_BATCH = 64
# ... and edges x sources of one batch at most: one compiled call takes about 0.4 s at
# this many on 2 CPU cores (16 sources on a random prediction's 76k edges; 64 took 1.6 s),
# and a cancel of `evaluate` waits for the call in progress.
_EDGE_VISITS_PER_BATCH = 1_200_000
# Edge weights are at least this (m): a sparse matrix would drop a weight of exactly 0.
_MIN_WEIGHT_M = 1e-12


def _batch_size(*graphs: nx.Graph) -> int:
    """Sources per batch of searches: fewer the larger the largest graph."""
    edges = max(graph.number_of_edges() for graph in graphs)
    return max(1, min(_SOURCES_PER_BATCH, _EDGE_VISITS_PER_BATCH // max(edges, 1)))


def _distances(graph: nx.Graph, sources: list[int | None], targets: list[int | None],
               per_batch: int) -> Iterator[np.ndarray]:
    """Shortest-path lengths (``length_m``) from each source to each target, in batches of
    ``per_batch`` rows: (batch, len(targets)) float64, inf where unreachable or for a None
    node.

    scipy's Dijkstra (compiled) over a sparse matrix of the graph: one search per source,
    each O(E log V).
    """
    index = {node: i for i, node in enumerate(graph.nodes)}
    edges = [(index[u], index[v], max(float(w), _MIN_WEIGHT_M))
             for u, v, w in graph.edges(data="length_m") if u != v]
    n = len(index)
    rows, cols, weights = (np.asarray(c) for c in zip(*edges, strict=True)) if edges else (
        np.zeros(0, int), np.zeros(0, int), np.zeros(0))
    matrix = sparse.csr_matrix((weights, (rows, cols)), shape=(n, n))
    target_index = np.array([index.get(t, -1) if t is not None else -1 for t in targets])
    has_target = target_index >= 0
    for first in range(0, len(sources), per_batch):
        batch = sources[first:first + per_batch]
        out = np.full((len(batch), len(targets)), np.inf)
        known = [i for i, node in enumerate(batch) if node is not None]
        if known and n:
            found = csgraph.dijkstra(matrix, directed=False,
                                     indices=[index[batch[i]] for i in known])
            out[np.ix_(known, np.flatnonzero(has_target))] = found[:, target_index[has_target]]
        yield out


def _one_way(reference: nx.Graph, other: nx.Graph, *, node_spacing_m: float, buffer_m: float,
             min_path_length_m: float, max_control_nodes: int) -> float:
    """1 - mean path-length difference of reference control-node pairs, mapped onto other."""
    dense, controls = _with_control_nodes(reference, node_spacing_m)
    controls = _sample(controls, max_control_nodes)
    points = [dense.nodes[n]["xy"] for n in controls]
    other_snapped, snapped = _snap_points(other, points, buffer_m)
    total, pairs = 0.0, 0
    first = 0
    per_batch = _batch_size(dense, other_snapped)  # one size: the batches are paired
    for lengths, lengths_other in zip(_distances(dense, controls, controls, per_batch),
                                      _distances(other_snapped, snapped, snapped, per_batch),
                                      strict=True):
        rows = np.arange(first, first + len(lengths))
        counted = np.isfinite(lengths) & (lengths > 0) & (lengths >= min_path_length_m)
        counted[np.arange(len(rows)), rows] = False  # a control node with itself
        with np.errstate(invalid="ignore"):
            terms = np.where(np.isfinite(lengths_other),
                             np.minimum(1.0, np.abs(lengths - lengths_other) / lengths), 1.0)
        total += float(terms[counted].sum())
        pairs += int(counted.sum())
        first += len(lengths)
    return 1.0 - total / pairs if pairs else 0.0
