"""How far a dock round is and how long it still takes.

A round is a row of stages (the engine's start-up, pseudo-labels in semi-supervised rounds
after the first, training, validation, one prediction per raster, where to label next), each
weighted by what it costs in seconds: as measured in the previous round, else a rough
default. The current stage's own pace takes over from its cost as it advances; the bar is
the elapsed share of the estimated total, so it moves during the start-up too and never goes
back. The machine's pace so far (seconds taken over seconds planned, in the stages done and
the current one) scales the stages still to come: a round slowed by other work on the
machine shows the longer time left as soon as its first stages say so, instead of a time
left that climbs all along the round.

A run of several rounds (Run N rounds) is one bar too (RunClock): round k of n fills its
n-th of the bar, and the rounds still to come count in the time left.
"""

from __future__ import annotations

__all__ = ["DEFAULT_COST_S", "PACE_RANGE", "PACE_TOLERANCE", "RoundClock", "RunClock",
           "stage_kind"]

#: Rough seconds of each kind of stage with the fast profile on 2 CPU cores (a first round
#: on a small raster), used until a round has measured them.
DEFAULT_COST_S = {"start": 15.0, "pseudo-labels": 5.0, "training": 60.0, "validation": 3.0,
                  "extract": 12.0, "label_next": 10.0}
#: A stage's own pace replaces its cost gradually, fully from this fraction on.
PACE_TRUSTED_AT = 0.3
#: An overdue stage is still given this share of its cost.
OVERDUE_SHARE = 0.1
#: The bounds of the pace (seconds taken over seconds planned) that scales what is left.
PACE_RANGE = (0.5, 10.0)
#: A pace within this share of the plan is taken as the plan (the costs are that rough: a
#: start-up of 18 s for 15 s planned must not raise every later stage by a fifth); beyond
#: it, only the excess scales what is left.
PACE_TOLERANCE = 0.2


def stage_kind(stage: str) -> str:
    """``extract:2`` -> ``extract``: the kind whose default cost a stage takes."""
    return stage.split(":", 1)[0]


class RoundClock:
    """Tracks one round's stages; times are ``time.monotonic()`` seconds.

    Parameters
    ----------
    stages : list of str
        The stage keys in order (``start``, ``pseudo-labels``, ``training``, ``validation``,
        ``extract:0``, ..., ``label_next``).
    now : float
        When the round started.
    costs : dict, optional
        Seconds per stage key measured in an earlier round (``durations`` of its clock).
    """

    def __init__(self, stages: list[str], now: float,
                 costs: dict[str, float] | None = None) -> None:
        if not stages:
            raise ValueError("a round has at least one stage")
        costs = costs or {}
        self.stages = list(stages)
        self.costs = {s: float(costs.get(s, DEFAULT_COST_S.get(stage_kind(s), 10.0)))
                      for s in self.stages}
        self.durations: dict[str, float] = {}  # measured seconds of the finished stages
        self._index = 0
        self._fraction = 0.0
        self._t0 = now
        self._stage_t0 = now
        self._shown = 0.0

    @property
    def stage(self) -> str:
        """The current stage's key."""
        return self.stages[self._index]

    def update(self, stage: str, fraction: float, now: float) -> None:
        """The engine reports ``fraction`` (0-1) of ``stage``; earlier stages are ignored."""
        index = self.stages.index(stage)
        if index < self._index:
            return
        if index > self._index:
            self._finish_until(index, now)
        self._fraction = min(max(float(fraction), self._fraction if index == self._index
                                 else 0.0), 1.0)

    def _finish_until(self, index: int, now: float) -> None:
        self.durations[self.stage] = now - self._stage_t0
        for skipped in self.stages[self._index + 1:index]:
            self.durations[skipped] = 0.0
        self._index, self._fraction, self._stage_t0 = index, 0.0, now

    def finish(self, now: float) -> None:
        """The round ended: the current stage's duration is measured too."""
        self.durations[self.stage] = now - self._stage_t0

    def pace(self, now: float, *, current: bool = True) -> float:
        """Seconds taken over seconds planned so far, PACE_RANGE-bounded, less
        PACE_TOLERANCE towards 1; 1 before anything is known. Counts the stages done
        (skipped ones left out) and, with ``current``, the current stage: its share done, or
        (before its first report) its time so far once it is overdue."""
        spent = sum(d for d in self.durations.values() if d > 0)
        planned = sum(self.costs[s] for s, d in self.durations.items() if d > 0)
        if current:
            cost, elapsed = self.costs[self.stage], now - self._stage_t0
            spent += elapsed
            planned += cost * self._fraction if self._fraction > 0 else min(elapsed, cost)
        if planned <= 0 or spent <= 0:
            return 1.0
        low, high = PACE_RANGE
        pace = min(max(spent / planned, low), high)
        if pace > 1.0:
            return max(1.0, pace - PACE_TOLERANCE)
        return min(1.0, pace + PACE_TOLERANCE)

    def _stage_left_s(self, now: float) -> float:
        # The current stage's cost at the pace of the stages before it; its own pace takes
        # over as it advances.
        cost, done = self.costs[self.stage] * self.pace(now, current=False), self._fraction
        elapsed = now - self._stage_t0
        by_cost = max(cost * (1.0 - done) - elapsed, OVERDUE_SHARE * cost * (1.0 - done))
        if done <= 0.0:
            return by_cost
        by_pace = elapsed * (1.0 - done) / done
        trust = min(done / PACE_TRUSTED_AT, 1.0)
        return (1.0 - trust) * by_cost + trust * by_pace

    def left_s(self, now: float) -> float:
        """Estimated seconds until the round ends."""
        later = sum(self.costs[s] for s in self.stages[self._index + 1:])
        return self._stage_left_s(now) + later * self.pace(now)

    def fraction(self, now: float) -> float:
        """The share of the round done (0-1): elapsed over elapsed plus left; it never
        decreases."""
        elapsed = now - self._t0
        left = self.left_s(now)
        share = elapsed / (elapsed + left) if elapsed + left > 0 else 0.0
        self._shown = max(self._shown, min(share, 0.99))
        return self._shown


class RunClock:
    """One bar and one time left for a run of ``rounds`` rounds (Run N rounds).

    Round k of n fills the k-th n-th of the bar, so the bar never starts again; the rounds
    still to come are estimated at what the run's finished rounds took on average, before
    the first one ends at the current round's own estimate.
    """

    def __init__(self, rounds: int) -> None:
        self.rounds = max(1, int(rounds))
        self.finished_s: list[float] = []  # seconds each finished round took
        self._shown = 0.0

    @property
    def current(self) -> int:
        """The number (1-based) of the round that runs or comes next, at most ``rounds``."""
        return min(len(self.finished_s) + 1, self.rounds)

    def round_finished(self, seconds: float) -> None:
        """A round of the run ended after ``seconds``."""
        self.finished_s.append(float(seconds))

    def fraction(self, round_fraction: float = 0.0) -> float:
        """The share of the run done (0-1) while the current round is ``round_fraction``
        done; it never decreases."""
        share = (len(self.finished_s) + min(max(round_fraction, 0.0), 1.0)) / self.rounds
        self._shown = max(self._shown, min(share, 1.0))
        return self._shown

    def left_s(self, round_elapsed_s: float, round_left_s: float) -> float:
        """Seconds until the run ends: the current round's, and the rounds after it."""
        later = self.rounds - len(self.finished_s) - 1
        if later <= 0:
            return round_left_s
        if self.finished_s:
            per_round = sum(self.finished_s) / len(self.finished_s)
        else:
            per_round = round_elapsed_s + round_left_s
        return round_left_s + later * per_round
