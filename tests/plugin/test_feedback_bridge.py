"""Engine events become Processing feedback; training progress combines round and fraction."""

from __future__ import annotations

import pytest
from qgis.core import QgsProcessingFeedback
from road_extraction.plugin.feedback_bridge import FeedbackBridge, RoundProgress, StageProgress
from road_extraction.plugin.report import metrics_by_round, training_report_html


def progress(stage, fraction):
    return {"event": "progress", "stage": stage, "done": 0, "total": 1, "fraction": fraction,
            "elapsed_s": 0.0}


class Recorder(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def pushInfo(self, text):
        self.calls.append(("info", text))

    def pushWarning(self, text):
        self.calls.append(("warning", text))

    def reportError(self, text, fatal=False):
        self.calls.append(("error", text))

    def setProgressText(self, text):
        self.calls.append(("text", text))


@pytest.mark.parametrize(("stage", "fraction", "percent"), [
    ("round 1: training", 0.5, 0.5 * 0.95 / 2 * 100),  # round 1 has no pseudo-labels
    ("round 1: validation", 1.0, 50.0),
    ("round 2: pseudo-labels", 0.0, 50.0),
    ("round 2: training", 1.0, (1 + 0.95) / 2 * 100),
    ("round 2: validation", 1.0, 100.0),
])
def test_round_progress_combines_round_and_fraction(stage, fraction, percent):
    assert RoundProgress(rounds=2).percent(progress(stage, fraction)) == pytest.approx(percent)


def test_round_progress_ignores_stages_outside_rounds():
    assert RoundProgress(rounds=2).percent(progress("reading rasters", 0.5)) is None


def test_stage_progress_maps_into_its_range():
    assert StageProgress(75, 95).percent(progress("vectorize", 0.5)) == pytest.approx(85)


def test_feedback_bridge_forwards_each_event_kind():
    feedback = Recorder()
    bridge = FeedbackBridge(feedback, StageProgress())
    for event in (progress("predicting", 0.25),
                  {"event": "metric", "name": "iou", "value": 0.5, "round": 2},
                  {"event": "metric", "name": "f1", "value": None, "round": 2},
                  {"event": "warning", "message": "pixel size differs"},
                  {"event": "artifact", "kind": "model", "path": "/m.pt"},
                  {"event": "error", "message": "bad", "type": "BadInputError",
                   "exit_code": 2}):
        bridge(event)
    assert feedback.progress() == pytest.approx(25)
    assert feedback.calls == [("text", "predicting"), ("info", "round 2: iou = 0.5000"),
                              ("info", "round 2: f1 = n/a"),
                              ("warning", "pixel size differs"), ("info", "model: /m.pt"),
                              ("error", "bad")]


def test_training_report_has_one_row_per_round_and_marks_the_best():
    events = [{"event": "metric", "name": n, "value": v, "round": r}
              for r, (n, v) in [(1, ("iou", 0.2)), (1, ("f1", None)), (2, ("iou", 0.3))]]
    names, rounds = metrics_by_round(events)
    assert names == ["iou", "f1"] and rounds == {1: {"iou": 0.2, "f1": None}, 2: {"iou": 0.3}}
    page = training_report_html(events, {"best_round": 2, "model": "<m>.pt"}, title="T")
    assert page.count("<tr") == 3
    assert "&lt;m&gt;.pt" in page and "n/a" in page
    assert 'font-weight:bold;background:#e8f4e8"><td>2</td>' in page


def test_round_progress_without_pseudo_labels_does_not_jump_at_a_round_start():
    # Semi-supervised off: round 2 starts training at once, where round 1 ended.
    rounds = RoundProgress(rounds=2)
    seen = [rounds.percent(progress(stage, f)) for stage, f in [
        ("round 1: training", 0.0), ("round 1: training", 1.0), ("round 1: validation", 1.0),
        ("round 2: training", 0.0), ("round 2: training", 0.5), ("round 2: validation", 1.0)]]
    assert seen[3] == pytest.approx(50.0)
    assert seen[4] == pytest.approx((1 + 0.5 * 0.95) / 2 * 100)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(100.0)


def test_round_progress_with_pseudo_labels_keeps_their_share_of_the_round():
    rounds = RoundProgress(rounds=2)
    seen = [rounds.percent(progress(stage, f)) for stage, f in [
        ("round 1: training", 1.0), ("round 2: pseudo-labels", 0.0),
        ("round 2: pseudo-labels", 1.0), ("round 2: training", 0.0)]]
    assert seen[1:] == pytest.approx([50.0, 62.5, 62.5])
