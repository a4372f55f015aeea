"""The validation scores the dock shows: one order and one set of names for the plot's legend
and the score line."""

from __future__ import annotations

from .common import tr

__all__ = ["METRICS", "format_scores", "metric_names"]

#: The engine's metric keys the dock shows, in the order of the legend and the score line.
METRICS = ("iou", "f1", "relaxed_f1")


def metric_names() -> dict[str, str]:
    """Key -> translated name, as the legend shows it."""
    return {"iou": tr("IoU"), "f1": tr("F1"), "relaxed_f1": tr("relaxed F1")}


def format_scores(metrics: dict[str, float | None]) -> str:
    """``IoU 0.149 · F1 0.260 · relaxed F1 0.378``: the legend's names and order; undefined
    scores are left out."""
    names = metric_names()
    return " · ".join(f"{names[key]} {metrics[key]:.3f}" for key in METRICS
                      if metrics.get(key) is not None)
