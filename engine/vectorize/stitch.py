"""Joining the centerline pieces of blocks into whole edges, handed on as soon as finished."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterator, Sequence
from itertools import count

import networkx as nx
import numpy as np

from engine.io.blocks import BlockGrid
from engine.vectorize.edges import PendingEdge
from engine.vectorize.topology import contract_node

__all__ = ["CenterlineStitcher"]

logger = logging.getLogger(__name__)

# Piece ends within this many metres (times the pixel size) are one node; pieces of the
# same skeleton computed in two blocks give the same bits, this only absorbs rounding.
_KEY_QUANTUM_PX = 1e-6


class CenterlineStitcher:
    """Builds the centerline graph of a raster from the pieces its blocks own.

    Blocks are added in row-major order, each with its pieces: runs of a block's cleaned
    skeleton-graph edges whose segments have their midpoint in the block's core
    (:func:`engine.vectorize.pieces.owned_pieces`), in metres on the raster's pixel grid.
    Piece ends at the same position are one node. A node is *closed* once every block
    within ``reach_px`` of it is done (then no piece can reach it any more): a closed node
    of degree 2 is contracted (its two edges become one, as
    :func:`engine.vectorize.topology.contract_chains` does on a whole graph); an edge
    whose two ends are closed is finished and handed to ``emit``. So a road crossing many
    blocks becomes one edge between its junctions, and only the pieces near blocks not yet
    done are held.

    Parameters
    ----------
    grid : BlockGrid
        The blocks.
    scale_m : (float, float)
        Pixel width and height in metres (positions are ``((col + 0.5) * sx, ...)``).
    reach_px : float
        How far (pixels) a piece may reach out of the core that owns it: at least half
        the longest segment of a cleaned graph (the halo is ample).
    emit : callable
        Receives the finished edges of each step, a list of :class:`PendingEdge`.
    ids : iterator of int, optional
        Node ids; 0, 1, ... when omitted.
    """

    def __init__(self, grid: BlockGrid, *, scale_m: tuple[float, float], reach_px: float,
                 emit: Callable[[list[PendingEdge]], None],
                 ids: Iterator[int] | None = None) -> None:
        self._grid = grid
        self._scale = np.asarray(scale_m, dtype=np.float64)
        self._quantum = _KEY_QUANTUM_PX * float(min(scale_m))
        self._reach = float(reach_px)
        self._emit = emit
        self.ids = ids if ids is not None else count()
        self._graph = nx.MultiGraph()
        self._keys: dict[tuple[int, int], int] = {}
        self._closing: list[tuple[int, int]] = []  # heap of (last block near it, node)
        self.late_pieces = 0  # pieces that came after a node they touch was closed
        self.edges_emitted = 0

    @property
    def pending_edges(self) -> int:
        """Edges held, waiting for blocks not yet done."""
        return self._graph.number_of_edges()

    def _closing_index(self, xy: np.ndarray) -> int:
        col, row = xy / self._scale
        return self._grid.last_index_near(float(row), float(col), self._reach)

    def _node(self, xy: np.ndarray, block_index: int) -> tuple[int, np.ndarray]:
        """The node at xy (made when new) and its exact position."""
        key = (round(float(xy[0]) / self._quantum), round(float(xy[1]) / self._quantum))
        node = self._keys.get(key)
        if node is None:
            node = next(self.ids)
            self._keys[key] = node
            closing = self._closing_index(xy)
            if closing < block_index:
                self.late_pieces += 1
                logger.warning("a centerline piece reached %s after its blocks were done; "
                               "the vectorisation halo is too small for this raster", xy)
            self._graph.add_node(node, key=key, xy=np.array(xy, dtype=np.float64),
                                 closed=False, done=set())
            heapq.heappush(self._closing, (closing, node))
        elif self._graph.nodes[node]["closed"]:
            self.late_pieces += 1
            logger.warning("a centerline piece reached the closed node at %s", xy)
        return node, self._graph.nodes[node]["xy"]

    def add_block(self, block_index: int, pieces: Sequence[np.ndarray]) -> None:
        """Add the pieces of the block ``block_index`` (each (k, 2) float64, metres, k >= 2)
        and finish what that block completes."""
        for coords in pieces:
            u, start = self._node(coords[0], block_index)
            v, end = self._node(coords[-1], block_index)
            coords = np.array(coords, dtype=np.float64)
            coords[0], coords[-1] = start, end  # the same bits at every edge of a node
            self._graph.add_edge(u, v, coords=coords, start=u)
        self._close_through(block_index)

    def finish(self) -> None:
        """Finish everything still held (call after the last block)."""
        self._close_through(len(self._grid))
        if self._graph.number_of_nodes():  # pragma: no cover - closing empties the graph
            raise RuntimeError(f"{self._graph.number_of_nodes()} centerline nodes left open")

    def _close_through(self, block_index: int) -> None:
        graph = self._graph
        newly = []
        while self._closing and self._closing[0][0] <= block_index:
            node = heapq.heappop(self._closing)[1]
            graph.nodes[node]["closed"] = True
            newly.append(node)
        touched: set[int] = set()
        for node in newly:
            key = graph.nodes[node]["key"]
            merged = contract_node(graph, node)
            if merged is not None:
                del self._keys[key]
                touched.update(merged)
            else:
                graph.nodes[node]["degree"] = graph.degree(node)
                touched.add(node)
        self._emit_finished(touched)

    def _emit_finished(self, touched: set[int]) -> None:
        graph = self._graph
        finished: list[PendingEdge] = []
        ends = set(touched)
        for node in sorted(touched):
            if node not in graph or not graph.nodes[node]["closed"]:
                continue
            for u, v, key, data in list(graph.edges(node, keys=True, data=True)):
                if graph.nodes[v]["closed"]:
                    finished.append(self._pending(u, v, data))
                    graph.remove_edge(u, v, key)
                    ends.add(v)
        for node in ends:
            if node in graph and graph.nodes[node]["closed"] and graph.degree(node) == 0:
                del self._keys[graph.nodes[node]["key"]]
                graph.remove_node(node)
        if finished:
            self.edges_emitted += len(finished)
            self._emit(finished)

    def _pending(self, u: int, v: int, data: dict) -> PendingEdge:
        start, end = (u, v) if data["start"] == u else (v, u)
        nodes = self._graph.nodes
        seen = v in nodes[u]["done"]
        nodes[u]["done"].add(v)
        nodes[v]["done"].add(u)
        return PendingEdge(start, end, data["coords"], nodes[start]["degree"],
                           nodes[end]["degree"], pieces=1 if not seen else (3 if u == v else 2))
