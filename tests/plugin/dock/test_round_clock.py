"""The round's progress and time left: stages weighted by their cost, start-up included.

The timeline below is a round as seen on the sample on 2 CPU cores: 18 s of engine
start-up with no event, 3 s of pseudo-labels, training at 1.5 s a step, validation, one
prediction, where to label next. With a bar that sat at 0 % for the start-up and jumped to
20 % after the pseudo-labels, the time left climbed from 65 s to 357 s.
"""

from __future__ import annotations

import math

import pytest
from road_extraction.plugin.dock.round_clock import RoundClock, RunClock

#: (stage, seconds, progress events it sends)
TIMELINE = [("start", 18, 0), ("pseudo-labels", 3, 3), ("training", 90, 60),
            ("validation", 2, 1), ("extract:0", 12, 5), ("label_next", 8, 4)]
TOTAL_S = sum(seconds for _, seconds, _ in TIMELINE)


def replay(clock: RoundClock, load: int = 1) -> list[tuple[float, float, float]]:
    """(time, fraction, seconds left) once a second through TIMELINE, every stage ``load``
    times as long (the machine busy with other work)."""
    now, seen = 0.0, []
    for stage, seconds, events in TIMELINE:
        for second in range(1, seconds * load + 1):
            now += 1.0
            if events:
                clock.update(stage, second / (seconds * load), now)
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


@pytest.mark.parametrize("measured", [True, False])  # costs of a quiet round, or defaults
@pytest.mark.parametrize("load", [2, 3, 5])
def test_under_load_the_time_left_stops_climbing_after_the_first_stages(load, measured):
    quiet = RoundClock(stages(), 0.0)
    replay(quiet)
    seen = replay(RoundClock(stages(), 0.0, quiet.durations if measured else None), load)
    total = seen[-1][0]
    lowest = math.inf
    for now, _, left in seen:
        if now < 0.2 * total:  # the first stages tell how busy the machine is
            continue
        lowest = min(lowest, left)
        assert left - lowest < 0.1 * total, (now, left, lowest)  # it climbed 12-31 %
        assert now + left == pytest.approx(total, rel=0.25)  # the end was 37-60 % early


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


# -- a run of several rounds (Run N rounds) ---------------------------------------------


def test_a_run_of_rounds_is_one_bar_that_never_starts_again():
    run = RunClock(3)
    seen = []
    for k in range(3):
        assert run.current == k + 1
        seen += [run.fraction(f / 10) for f in range(11)]
        run.round_finished(30.0)
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0
    assert run.fraction(0.0) == 1.0


def test_a_run_counts_the_rounds_to_come_in_the_time_left():
    run = RunClock(3)
    # Round 1 of 3, 10 s in, 20 s left: two more rounds of about 30 s each.
    assert run.left_s(10.0, 20.0) == pytest.approx(20.0 + 2 * 30.0)
    run.round_finished(40.0)  # it took 40 s: the next rounds are estimated at that
    assert run.left_s(5.0, 30.0) == pytest.approx(30.0 + 40.0)
    run.round_finished(50.0)
    assert run.left_s(5.0, 30.0) == 30.0  # the last round: its own time left
