"""Tests of engine.events: well-formed JSON lines, parsing, cancel."""

from __future__ import annotations

import io
import json

import pytest

from engine.errors import CancelledError
from engine.events import CollectingSink, JsonLinesSink, Reporter, parse_event


def test_json_lines_sink_writes_one_parsable_object_per_line():
    stream = io.StringIO()
    reporter = Reporter(JsonLinesSink(stream))
    reporter.progress("training", 3, 10, loss=0.5)
    reporter.metric("iou", float("nan"), round=1)
    reporter.done(model="m.pt")
    lines = stream.getvalue().splitlines()
    events = [parse_event(line) for line in lines]
    assert [e["event"] for e in events] == ["progress", "metric", "done"]
    assert events[0]["fraction"] == pytest.approx(0.3)
    assert events[1]["value"] is None  # NaN is not JSON; it travels as null


def test_reporter_progress_clamps_fraction():
    sink = CollectingSink()
    Reporter(sink).progress("x", 12, 10)
    assert sink.of_kind("progress")[0]["fraction"] == 1.0


def test_check_cancelled_raises_only_when_asked():
    flag = {"stop": False}
    reporter = Reporter(CollectingSink(), should_stop=lambda: flag["stop"])
    reporter.check_cancelled()
    flag["stop"] = True
    with pytest.raises(CancelledError):
        reporter.check_cancelled()


@pytest.mark.parametrize("line", ["not json", json.dumps([1]), json.dumps({"event": "nope"})])
def test_parse_event_rejects_foreign_lines(line):
    with pytest.raises(ValueError, match="event"):
        parse_event(line)
