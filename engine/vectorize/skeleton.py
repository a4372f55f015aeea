"""Skeleton pixels to a graph: junctions and ends as nodes, pixel chains as edges (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

__all__ = ["skeleton_graph"]

# Half of the 8 neighbours (E, SW, S, SE): each pixel pair is found once.
_FORWARD = ((0, 1), (1, -1), (1, 0), (1, 1))


@dataclass(frozen=True)
class _Pixels:
    """The skeleton's pixels, sorted by flat index, with a lookup of their neighbours."""

    rows: np.ndarray  # (n,) int64
    cols: np.ndarray  # (n,) int64
    flat: np.ndarray  # (n,) int64, rows * width + cols, ascending
    shape: tuple[int, int]

    def find(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(present, index) of the pixels at (rows, cols); index is valid where present."""
        height, width = self.shape
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        flat = rows * width + cols
        index = np.minimum(np.searchsorted(self.flat, flat), len(self.flat) - 1)
        return inside & (self.flat[index] == flat), index


def _pixel_edges(pixels: _Pixels) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of 8-adjacent pixels, without diagonals that a shared 4-neighbour bridges.

    Dropping those diagonals removes the triangles of staircase corners, so a pixel with
    three or more neighbours left is a real junction.
    """
    starts, ends = [], []
    for dr, dc in _FORWARD:
        present, index = pixels.find(pixels.rows + dr, pixels.cols + dc)
        if dr and dc:
            bridge_a, _ = pixels.find(pixels.rows, pixels.cols + dc)
            bridge_b, _ = pixels.find(pixels.rows + dr, pixels.cols)
            present &= ~(bridge_a | bridge_b)
        found = np.flatnonzero(present)
        starts.append(found)
        ends.append(index[found])
    return np.concatenate(starts), np.concatenate(ends)


def _adjacency(n: int, a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> sparse.csr_matrix:
    """Sparse symmetric adjacency of n pixels from the pairs where ``keep``."""
    return sparse.coo_matrix((np.ones(int(keep.sum()), np.int8), (a[keep], b[keep])),
                             shape=(n, n)).tocsr()


def _components(n: int, a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n pixels, using the pairs where ``keep``."""
    return csgraph.connected_components(_adjacency(n, a, b, keep), directed=False)[1]


def _node_ids(degree: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Node id of each pixel: one per cluster of junction pixels, one per end; -1 else."""
    junction = degree >= 3
    labels = _components(len(degree), a, b, junction[a] & junction[b])
    node = np.full(len(degree), -1, dtype=np.int64)
    _, node[junction] = np.unique(labels[junction], return_inverse=True)
    ends = np.flatnonzero(degree == 1)
    node[ends] = node.max(initial=-1) + 1 + np.arange(len(ends))
    return node


def _node_positions(node: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Mean position of each node's pixels, shape (nodes, 2)."""
    has = node >= 0
    count = np.bincount(node[has])
    return np.stack([np.bincount(node[has], weights=xy[has, i]) / count for i in (0, 1)], 1)


def _attachments(a: np.ndarray, b: np.ndarray, chain: np.ndarray, node: np.ndarray,
                 comp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(chain pixel, node, chain) of each pixel pair joining a chain to a node, by chain."""
    from_a = chain[a] & (node[b] >= 0)
    from_b = chain[b] & (node[a] >= 0)
    pixel = np.concatenate([a[from_a], b[from_b]])
    owner = np.concatenate([node[b[from_a]], node[a[from_b]]])
    order = np.lexsort((owner, pixel, comp[pixel]))
    return pixel[order], owner[order], comp[pixel][order]


def _cycle_cuts(a: np.ndarray, b: np.ndarray, keep: np.ndarray,
                starts: np.ndarray, n: int) -> np.ndarray:
    """``keep`` without one pair at each cycle's start, so that every chain is a path."""
    is_start = np.zeros(n, dtype=bool)
    is_start[starts] = True
    incident = np.flatnonzero(keep & (is_start[a] | is_start[b]))
    owner = np.where(is_start[a[incident]], a[incident], b[incident])
    _, first = np.unique(owner, return_index=True)
    keep = keep.copy()
    keep[incident[first]] = False
    return keep


@dataclass(frozen=True)
class _Chains:
    """Chains of degree-2 pixels, each ordered from its start."""

    pixels: list[np.ndarray]  # pixel indices of each chain, in order
    start_node: np.ndarray  # (chains,) node at the first pixel's side; -1 for a cycle
    end_node: np.ndarray  # (chains,) node at the last pixel's side; -1 for a cycle


def _chains(a: np.ndarray, b: np.ndarray, degree: np.ndarray, node: np.ndarray) -> _Chains:
    """Order the pixels of every chain (path between nodes, or isolated cycle)."""
    n = len(degree)
    chain = degree == 2
    keep = chain[a] & chain[b]
    comp = _components(n, a, b, keep)
    att_pixel, att_node, att_comp = _attachments(a, b, chain, node, comp)
    chain_px = np.flatnonzero(chain)
    comps, first = np.unique(comp[chain_px], return_index=True)
    is_path = np.isin(comps, att_comp)
    cycle_starts = chain_px[first[~is_path]]
    sources = np.concatenate([att_pixel[0::2], cycle_starts])
    if len(sources) == 0:
        return _Chains([], np.zeros(0, np.int64), np.zeros(0, np.int64))
    matrix = _adjacency(n, a, b, _cycle_cuts(a, b, keep, cycle_starts, n))
    distance = csgraph.dijkstra(matrix, directed=False, indices=sources, unweighted=True,
                                min_only=True)
    ordered = chain_px[np.lexsort((distance[chain_px], comp[chain_px]))]
    bounds = np.flatnonzero(np.diff(comp[ordered])) + 1
    start_node = np.full(n, -1, dtype=np.int64)
    end_node = np.full(n, -1, dtype=np.int64)
    start_node[att_comp[0::2]] = att_node[0::2]
    end_node[att_comp[1::2]] = att_node[1::2]
    heads = comp[ordered[np.concatenate([[0], bounds])]]
    return _Chains(np.split(ordered, bounds), start_node[heads], end_node[heads])


# Self-loops from a junction back to itself through fewer chain pixels are artefacts.
_MIN_LOOP_PX = 4


def _add_chain_edges(graph: nx.MultiGraph, chains: _Chains, xy: np.ndarray,
                     positions: np.ndarray) -> None:
    next_node = len(positions)
    for pixels, start, end in zip(chains.pixels, chains.start_node, chains.end_node,
                                  strict=True):
        points = xy[pixels]
        if start < 0:  # an isolated cycle (a ring road): one node, one closed edge
            graph.add_node(next_node, pos=points[0])
            graph.add_edge(next_node, next_node, coords=np.vstack([points, points[:1]]),
                           start=next_node)
            next_node += 1
        elif start != end or len(pixels) >= _MIN_LOOP_PX:
            coords = np.vstack([positions[start], points, positions[end]])
            graph.add_edge(int(start), int(end), coords=coords, start=int(start))


def skeleton_graph(skeleton: np.ndarray, *, scale_m: tuple[float, float],
                   origin_px: tuple[int, int] = (0, 0)) -> nx.MultiGraph:
    """The graph of a one-pixel-wide skeleton, in metres on the pixel grid.

    Parameters
    ----------
    skeleton : np.ndarray
        Shape (H, W), bool, e.g. from skimage.morphology.skeletonize.
    scale_m : (float, float)
        Pixel width and height in metres: a pixel centre (row, col) is at
        ``((col + 0.5) * scale_m[0], (row + 0.5) * scale_m[1])``.
    origin_px : (int, int)
        (row, col) of the skeleton's first pixel in a larger grid (a block of a raster):
        positions are those of that grid, computed from its pixel indices, so the same
        pixel has the same position, to the bit, in every block that holds it.

    Returns
    -------
    nx.MultiGraph
        Nodes at ends (one pixel) and junctions (a cluster of adjacent pixels with three
        or more neighbours, at their mean), with ``pos`` (2,) float64; each isolated cycle
        has one node and a closed self-loop. Edges have ``coords`` (k, 2) float64, running
        from the node ``start`` to the other end. Isolated pixels are left out.
    """
    rows, cols = np.nonzero(skeleton)
    graph = nx.MultiGraph()
    if len(rows) == 0:
        return graph
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    height, width = skeleton.shape
    pixels = _Pixels(rows, cols, rows * width + cols, (height, width))
    a, b = _pixel_edges(pixels)
    degree = np.bincount(a, minlength=len(rows)) + np.bincount(b, minlength=len(rows))
    xy = np.column_stack([(cols + origin_px[1] + 0.5) * scale_m[0],
                          (rows + origin_px[0] + 0.5) * scale_m[1]])
    node = _node_ids(degree, a, b)
    positions = _node_positions(node, xy) if (node >= 0).any() else np.zeros((0, 2))
    graph.add_nodes_from((i, {"pos": p}) for i, p in enumerate(positions))
    direct = (node[a] >= 0) & (node[b] >= 0) & (node[a] != node[b])
    for u, v in zip(node[a[direct]].tolist(), node[b[direct]].tolist(), strict=True):
        graph.add_edge(u, v, coords=np.vstack([positions[u], positions[v]]), start=u)
    _add_chain_edges(graph, _chains(a, b, degree, node), xy, positions)
    return graph
