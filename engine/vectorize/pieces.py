"""The centerline pieces a block owns: its cleaned skeleton graph cut to its core."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from skimage.morphology import skeletonize

from engine.io.blocks import Block
from engine.io.windows import Window
from engine.vectorize.centerlines import clean_skeleton_graph
from engine.vectorize.config import VectorizeConfig

__all__ = ["owned_pieces", "block_pieces"]


def _limits(start: int, length: int, total: int) -> tuple[float, float]:
    """[low, high) of a core along one axis; open at the raster's own edges."""
    low = start if start > 0 else -math.inf
    high = start + length if start + length < total else math.inf
    return low, high


def _runs(owned: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) segment index of each run of True."""
    edges = np.diff(np.concatenate([[0], owned.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def owned_pieces(graph: nx.MultiGraph, core: Window, *, scale_m: tuple[float, float],
                 shape: tuple[int, int]) -> list[np.ndarray]:
    """The parts of the graph's edges that a block's core owns.

    A segment (two consecutive vertices) belongs to the core that holds its midpoint, so
    each segment of the raster's graph has exactly one owner and the pieces of
    neighbouring blocks meet at shared vertices, never overlap. Repeated vertices are
    dropped first.

    Parameters
    ----------
    graph : nx.MultiGraph
        From :func:`engine.vectorize.centerlines.clean_skeleton_graph`, in metres on the
        raster's pixel grid.
    core : Window
        The block's core.
    scale_m : (float, float)
        Pixel width and height in metres.
    shape : (int, int)
        (rows, cols) of the raster: a core at its edge owns what lies beyond.

    Returns
    -------
    list of np.ndarray
        Each (k, 2) float64, k >= 2, running in its edge's direction.
    """
    rows = _limits(core.row_off, core.rows, shape[0])
    cols = _limits(core.col_off, core.cols, shape[1])
    scale = np.asarray(scale_m, dtype=np.float64)
    pieces = []
    for _, _, data in graph.edges(data=True):
        coords = data["coords"]
        keep = np.concatenate([[True], np.any(coords[1:] != coords[:-1], axis=1)])
        coords = coords[keep]
        if len(coords) < 2:
            continue
        middle = (coords[1:] + coords[:-1]) / 2 / scale  # (col, row) in pixels
        owned = ((middle[:, 1] >= rows[0]) & (middle[:, 1] < rows[1])
                 & (middle[:, 0] >= cols[0]) & (middle[:, 0] < cols[1]))
        for first, last in _runs(owned):
            pieces.append(coords[first:last + 2])
    return pieces


def block_pieces(mask: np.ndarray, block: Block, *, scale_m: tuple[float, float],
                 shape: tuple[int, int], config: VectorizeConfig) -> list[np.ndarray]:
    """Skeletonize a block's road mask, clean its graph, and keep what its core owns.

    Parameters
    ----------
    mask : np.ndarray
        Shape (block.read.rows, block.read.cols), bool: the cleaned road mask over the
        block's read window (core and halo).
    block : Block
    scale_m : (float, float)
        Pixel width and height in metres.
    shape : (int, int)
        (rows, cols) of the raster.
    config : VectorizeConfig
        Its spur, gap and angle options.

    Returns
    -------
    list of np.ndarray
        See :func:`owned_pieces`.
    """
    if not mask.any():
        return []
    graph = clean_skeleton_graph(
        skeletonize(mask), mask, scale_m=scale_m, spur_length_m=config.spur_length_m,
        gap_join_m=config.gap_join_m, gap_angle_deg=config.gap_angle_deg,
        origin_px=(block.read.row_off, block.read.col_off))
    return owned_pieces(graph, block.core, scale_m=scale_m, shape=shape)
