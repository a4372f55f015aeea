"""Completeness, correctness and quality of road centerlines within a buffer (Wiedemann)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import BadInputError

__all__ = ["CenterlineScores", "centerline_scores"]


@dataclass(frozen=True)
class CenterlineScores:
    """Length-based scores of predicted centerlines; NaN where a ratio is 0 / 0."""

    completeness: float  # share of the true length within buffer_m of the prediction
    correctness: float  # share of the predicted length within buffer_m of the truth
    quality: float  # matched true length / (true length + unmatched predicted length)

    def to_dict(self) -> dict[str, float]:
        """Return the scores as a plain dict."""
        return asdict(self)


def centerline_scores(pred: Sequence[BaseGeometry], truth: Sequence[BaseGeometry], *,
                      buffer_m: float = 3.0, tile_m: float = 2000.0,
                      check_cancelled: Callable[[], None] | None = None) -> CenterlineScores:
    """Completeness, correctness and quality after Wiedemann et al. (1998).

    Both sets of lines are first dissolved (``unary_union``), so overlapping lines count
    once. A part of one set is matched when it lies within ``buffer_m`` of the other set
    (a round-capped buffer, i.e. by Euclidean distance, ends included). With T the true
    length, P the predicted length, Tm and Pm the matched parts:
    completeness = Tm / T, correctness = Pm / P, quality = Tm / (T + P - Pm).
    Wiedemann's quality takes Pm as the numerator (Pm / (P + T - Tm)); the two agree when
    Tm == Pm, and this one does not exceed completeness.

    The lengths are summed over square tiles of ``tile_m``: each tile dissolves and
    buffers only the lines within ``buffer_m`` of it, so memory follows the tile, not the
    network (a buffer of a whole county's roads takes GBs). The sums equal the whole
    network's, except for a segment lying exactly on a tile's edge (counted in both).
    A tile whose lines (within ``buffer_m`` of it) have more than 500 vertices is cut in
    four, again and again down to 8 ``buffer_m``: GEOS buffers a dense tangle (the skeleton
    of a noisy prediction) in one piece far more slowly than in small ones (a random
    prediction over 1 km²: 44 s as one tile, 5.7 s cut so), and a cancel waits for a tile.

    Parameters
    ----------
    pred, truth : sequence of LineString or MultiLineString
        Predicted and true centerlines in one projected CRS whose units are metres.
    buffer_m : float
        Matching distance, > 0.
    tile_m : float
        Side of the tiles the lengths are summed over, > 0 (at most; dense ones are cut).
    check_cancelled : callable, optional
        Called before each tile; raises to stop (``Reporter.check_cancelled``).

    Returns
    -------
    CenterlineScores
    """
    for name, value in (("buffer_m", buffer_m), ("tile_m", tile_m)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise BadInputError(f"{name} must be a finite number > 0 metres; got {value!r}")
    pred_lines, truth_lines = _parts(pred, "pred"), _parts(truth, "truth")
    lengths = np.zeros(4)  # T, P, Tm, Pm
    if len(pred_lines) or len(truth_lines):
        network = _Network(truth_lines, pred_lines, buffer_m, check_cancelled)
        for tile in _tiles(np.concatenate([truth_lines, pred_lines]), tile_m):
            lengths += network.lengths(tile)
    true_length, pred_length, matched_truth, matched_pred = lengths
    return CenterlineScores(
        completeness=_ratio(matched_truth, true_length),
        correctness=_ratio(matched_pred, pred_length),
        quality=_ratio(matched_truth, true_length + pred_length - matched_pred),
    )


def _parts(lines: Sequence[BaseGeometry], name: str) -> np.ndarray:
    for index, geometry in enumerate(lines):
        if geometry.geom_type not in ("LineString", "MultiLineString"):
            raise BadInputError(f"{name} line {index} is a {geometry.geom_type}; give "
                                "LineStrings or MultiLineStrings")
    if not len(lines):
        return np.zeros(0, dtype=object)
    return shapely.get_parts(shapely.force_2d(np.asarray(lines, dtype=object)))


# The tiles start this far (m) outside the lines' extent: no line lies on a tile's edge
# (GEOS's clip drops what does) unless by a coincidence of this odd offset.
_TILE_MARGIN_M = 1.0 / math.pi


def _tiles(lines: np.ndarray, tile_m: float) -> list[tuple[float, float, float, float]]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(lines)
    xmin, ymin = xmin - _TILE_MARGIN_M, ymin - _TILE_MARGIN_M
    xmax, ymax = xmax + _TILE_MARGIN_M, ymax + _TILE_MARGIN_M
    columns = max(math.ceil((xmax - xmin) / tile_m), 1)
    rows = max(math.ceil((ymax - ymin) / tile_m), 1)
    return [(xmin + c * tile_m, ymin + r * tile_m, xmin + (c + 1) * tile_m,
             ymin + (r + 1) * tile_m) for r in range(rows) for c in range(columns)]


# A tile whose lines near it have more vertices than this is cut in four (see above).
_MAX_TILE_VERTICES = 500
# ... unless its side would drop below this many buffer_m.
_MIN_TILE_BUFFERS = 8


class _Network:
    """Both sets of lines with their search trees: the lengths of a tile, cut where dense."""

    def __init__(self, truth: np.ndarray, pred: np.ndarray, buffer_m: float,
                 check_cancelled: Callable[[], None] | None) -> None:
        self.truth, self.pred, self.buffer_m = truth, pred, buffer_m
        self.trees = shapely.STRtree(truth), shapely.STRtree(pred)
        self.vertices = shapely.get_num_coordinates(truth), shapely.get_num_coordinates(pred)
        self.check_cancelled = check_cancelled

    def lengths(self, rect: tuple[float, float, float, float]) -> np.ndarray:
        """(T, P, Tm, Pm) of the lines inside ``rect``, summed over quarters if dense."""
        if self._dense(rect) and rect[2] - rect[0] > 2 * _MIN_TILE_BUFFERS * self.buffer_m:
            xmid, ymid = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
            quarters = [(rect[0], rect[1], xmid, ymid), (xmid, rect[1], rect[2], ymid),
                        (rect[0], ymid, xmid, rect[3]), (xmid, ymid, rect[2], rect[3])]
            return sum((self.lengths(q) for q in quarters), np.zeros(4))
        if self.check_cancelled is not None:
            self.check_cancelled()
        return _tile_lengths(rect, self.truth, self.pred, self.trees, self.buffer_m)

    def _dense(self, rect: tuple[float, float, float, float]) -> bool:
        grown = shapely.box(rect[0] - self.buffer_m, rect[1] - self.buffer_m,
                            rect[2] + self.buffer_m, rect[3] + self.buffer_m)
        count = sum(int(vertices[tree.query(grown)].sum())
                    for tree, vertices in zip(self.trees, self.vertices, strict=True))
        return count > _MAX_TILE_VERTICES


def _within(lines: np.ndarray, tree: shapely.STRtree,
            rect: tuple[float, float, float, float]) -> BaseGeometry:
    """The dissolved parts of the lines inside a rectangle."""
    hits = tree.query(shapely.box(*rect))
    if not len(hits):
        return shapely.LineString()
    return shapely.unary_union(shapely.clip_by_rect(lines[hits], *rect))


def _tile_lengths(rect: tuple[float, float, float, float], truth: np.ndarray,
                  pred: np.ndarray, trees: tuple[shapely.STRtree, shapely.STRtree],
                  buffer_m: float) -> np.ndarray:
    """(T, P, Tm, Pm) of the lines inside one tile."""
    grown = (rect[0] - buffer_m, rect[1] - buffer_m, rect[2] + buffer_m, rect[3] + buffer_m)
    truth_here, pred_here = _within(truth, trees[0], rect), _within(pred, trees[1], rect)
    matched_truth = truth_here.intersection(
        _within(pred, trees[1], grown).buffer(buffer_m)).length if truth_here.length else 0.0
    matched_pred = pred_here.intersection(
        _within(truth, trees[0], grown).buffer(buffer_m)).length if pred_here.length else 0.0
    return np.array([truth_here.length, pred_here.length, matched_truth, matched_pred])


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")
