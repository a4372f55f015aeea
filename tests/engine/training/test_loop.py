"""Tests of the schedules in engine.training.loop."""

from __future__ import annotations

import pytest

from engine.training.loop import contrastive_weight_at, lr_at


def test_contrastive_weight_ramps_up_in_the_first_round_only():
    ramp = [contrastive_weight_at(s, 100, weight=0.5, rampup_fraction=0.5, first_round=True)
            for s in (0, 25, 49, 50, 99)]
    assert ramp[0] < 0.01
    assert ramp[0] < ramp[1] < ramp[2] < 0.5
    assert ramp[3] == ramp[4] == 0.5
    assert contrastive_weight_at(0, 100, weight=0.5, rampup_fraction=0.5,
                                 first_round=False) == 0.5


def test_lr_warms_up_then_decays():
    lrs = [lr_at(s, 200, 1e-3) for s in range(200)]
    peak = lrs.index(max(lrs))
    assert 0 < peak <= 10
    assert lrs[0] < lrs[peak]
    assert lrs[-1] == pytest.approx(0.05e-3, rel=0.05)
    assert all(a >= b for a, b in zip(lrs[peak:], lrs[peak + 1:], strict=False))
