"""The round's progress and time left: stages weighted by their cost, start-up included.

The timeline below is a round as seen on the sample on 2 CPU cores: 18 s of engine
start-up with no event, 3 s of pseudo-labels, training at 1.5 s a step, validation, one
prediction, where to label next. With a bar that sat at 0 % for the start-up and jumped to
20 % after the pseudo-labels, the time left climbed from 65 s to 357 s.
"""

from __future__ import annotations

import pytest
from road_extraction.plugin.dock.round_clock import RoundClock

#: (stage, seconds, progress events it sends)
TIMELINE = [("start", 18, 0), ("pseudo-labels", 3, 3), ("training", 90, 60),
            ("validation", 2, 1), ("extract:0", 12, 5), ("label_next", 8, 4)]
TOTAL_S = sum(seconds for _, seconds, _ in TIMELINE)


def replay(clock: RoundClock) -> list[tuple[float, float, float]]:
    """(time, fraction, seconds left) once a second through TIMELINE."""
    now, seen = 0.0, []
    for stage, seconds, events in TIMELINE:
        for second in range(1, seconds + 1):
            now += 1.0
            if events:
                clock.update(stage, second / seconds, now)
            seen.append((now, clock.fraction(now), clock.left_s(now)))
    clock.finish(now)
    return seen


def stages() -> list[str]:
    return [stage for stage, _, _ in TIMELINE]


def test_the_bar_moves_during_the_start_up_and_never_jumps():
    seen = replay(RoundClock(stages(), 0.0))
    start_s = TIMELINE[0][1]
    assert seen[start_s - 1][1] > 0.1  # 18 s of ~130 s: the bar shows it
    steps = [b[1] - a[1] for a, b in zip(seen, seen[1:], strict=False)]
    assert min(steps) >= 0 and max(steps) < 0.05


def test_the_time_left_does_not_climb():
    seen = replay(RoundClock(stages(), 0.0))
    rises = [b[2] - a[2] for a, b in zip(seen, seen[1:], strict=False)]
    assert max(rises) < 2.0  # seconds, from one second to the next
    for now, _, left in seen:
        assert now + left == pytest.approx(TOTAL_S, rel=0.25)


def test_a_later_round_is_estimated_from_the_measured_stages():
    first = RoundClock(stages(), 0.0)
    replay(first)
    second = RoundClock(stages(), 0.0, first.durations)
    assert second.left_s(0.0) == pytest.approx(TOTAL_S, rel=0.02)


def test_a_stage_going_back_is_ignored():
    clock = RoundClock(stages(), 0.0)
    clock.update("training", 0.5, 10.0)
    clock.update("pseudo-labels", 0.9, 11.0)
    assert clock.stage == "training"


def test_a_round_without_stages_is_refused():
    with pytest.raises(ValueError, match="at least one stage"):
        RoundClock([], 0.0)
