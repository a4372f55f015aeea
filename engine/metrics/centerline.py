"""Completeness, correctness and quality of road centerlines within a buffer (Wiedemann)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

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
                      buffer_m: float = 3.0) -> CenterlineScores:
    """Completeness, correctness and quality after Wiedemann et al. (1998).

    Both sets of lines are first dissolved (``unary_union``), so overlapping lines count
    once. A part of one set is matched when it lies within ``buffer_m`` of the other set
    (a round-capped buffer, i.e. by Euclidean distance, ends included). With T the true
    length, P the predicted length, Tm and Pm the matched parts:
    completeness = Tm / T, correctness = Pm / P, quality = Tm / (T + P - Pm).
    Wiedemann's quality takes Pm as the numerator (Pm / (P + T - Tm)); the two agree when
    Tm == Pm, and this one does not exceed completeness.

    Parameters
    ----------
    pred, truth : sequence of LineString or MultiLineString
        Predicted and true centerlines in one projected CRS whose units are metres.
    buffer_m : float
        Matching distance, > 0.

    Returns
    -------
    CenterlineScores
    """
    if not (isinstance(buffer_m, int | float) and math.isfinite(buffer_m) and buffer_m > 0):
        raise BadInputError(f"buffer_m must be a finite number > 0 metres; got {buffer_m!r}")
    pred_lines, truth_lines = _dissolve(pred, "pred"), _dissolve(truth, "truth")
    true_length, pred_length = truth_lines.length, pred_lines.length
    matched_truth = truth_lines.intersection(pred_lines.buffer(buffer_m)).length
    matched_pred = pred_lines.intersection(truth_lines.buffer(buffer_m)).length
    return CenterlineScores(
        completeness=_ratio(matched_truth, true_length),
        correctness=_ratio(matched_pred, pred_length),
        quality=_ratio(matched_truth, true_length + pred_length - matched_pred),
    )


def _dissolve(lines: Sequence[BaseGeometry], name: str) -> BaseGeometry:
    for index, geometry in enumerate(lines):
        if geometry.geom_type not in ("LineString", "MultiLineString"):
            raise BadInputError(f"{name} line {index} is a {geometry.geom_type}; give "
                                "LineStrings or MultiLineStrings")
    return shapely.unary_union([shapely.force_2d(g) for g in lines])


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")
