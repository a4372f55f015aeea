"""Tests of the paired tables of runs started from a model (bench.init_report)."""

from __future__ import annotations

from bench.init_report import generated_table, real_table


def _real(seed, iou, init=None):
    return {"site": "a", "config": "supervised", "seed": seed,
            "extra": {"init": init} if init else {},
            "scores": {"iou": iou, "relaxed_f1": iou, "apls": iou},
            "marked_road_share": 0.1, "true_road_share": 0.05}


def _generated(seed, iou, init=None):
    scene = {"iou": iou, "relaxed_f1": iou, "apls": iou}
    return {"fraction": 0.02, "config": "supervised", "seed": seed,
            "extra": {"init": init} if init else {},
            "scores": {"in_style": {"s": scene}, "heldout_style": {"s": scene}}}


def test_real_table_pairs_runs_from_the_model_with_scratch_by_seed():
    runs = [_real(0, 0.2), _real(1, 0.3), _real(0, 0.25, "base"), _real(1, 0.25, "base"),
            _real(2, 0.9, "base"),  # no run from scratch with seed 2: left out
            _real(0, 0.9, "other")]  # another starting model: left out
    row = real_table(runs, "base").splitlines()[2]
    assert row.startswith("| a | 2 | 0.250 | 0.250 | +0.000 [")
    assert "(1/2)" in row


def test_generated_table_has_a_row_per_split():
    runs = [_generated(s, 0.5) for s in range(3)] + [_generated(s, 0.6, "b") for s in range(3)]
    rows = generated_table(runs, "b").splitlines()[2:]
    assert [r.split(" | ")[1] for r in rows] == ["in_style", "heldout_style"]
    assert all("+0.100 [+0.100, +0.100] (3/3)" in r for r in rows)
