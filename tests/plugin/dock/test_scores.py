"""The score line names the scores as the plot's legend does, in the legend's order."""

from __future__ import annotations

from road_extraction.plugin.dock.scores import METRICS, format_scores, metric_names
from road_extraction.plugin.i18n import install_translator, remove_translator

SCORES = {"f1": 0.26, "iou": 0.149, "relaxed_f1": 0.378, "precision": 0.2}


def test_format_scores_uses_the_legend_names_in_the_legend_order(qgis_app):
    assert format_scores(SCORES) == "IoU 0.149 · F1 0.260 · relaxed F1 0.378"


def test_format_scores_leaves_out_undefined_scores(qgis_app):
    assert format_scores({"iou": 0.0, "f1": None}) == "IoU 0.000"


def test_format_scores_is_translated(qgis_app):
    translator = install_translator("de")
    try:
        assert format_scores(SCORES) == "IoU 0.149 · F1 0.260 · toleranter F1 0.378"
    finally:
        remove_translator(translator)


def test_the_plot_legend_draws_the_same_names(qgis_app):
    from road_extraction.plugin.dock.metrics_plot import COLOURS

    assert list(COLOURS) == list(METRICS) == ["iou", "f1", "relaxed_f1"]
    assert list(metric_names().values()) == ["IoU", "F1", "relaxed F1"]


def test_a_round_shows_its_scores_with_the_legend_names(fake_dock, qtbot):
    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    assert fake_dock.ui.scores.text().splitlines()[0] == \
        "Round 1: IoU 0.500 · F1 0.600 · relaxed F1 0.700"
