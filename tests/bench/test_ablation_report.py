"""Aggregation of ablation runs: means over test scenes, spread over seeds, paired gains."""

import json

import pytest

from bench.ablation_report import (
    aggregate,
    load_runs,
    markdown,
    median_gain_seed,
    paired_differences,
    split_means,
    variant_table,
)


def _record(config, seed, iou, fraction=0.05, extra=None):
    scenes = {"a": {"iou": iou, "relaxed_f1": iou + 0.1, "apls": iou / 2},
              "b": {"iou": iou + 0.2, "relaxed_f1": iou + 0.3, "apls": iou}}
    return {"fraction": fraction, "config": config, "seed": seed, "extra": extra or {},
            "scores": {"in_style": scenes, "heldout_style": scenes}}


def test_split_means_average_the_test_scenes():
    means = split_means(_record("full", 0, 0.4))
    assert means["in_style"]["iou"] == pytest.approx(0.5)
    assert means["heldout_style"]["apls"] == pytest.approx(0.3)


def test_aggregate_gives_mean_and_sample_spread_over_seeds():
    runs = [_record("full", s, iou) for s, iou in enumerate([0.2, 0.4, 0.6])]
    mean, std, n = aggregate(runs)[(0.05, "full")]["in_style"]["iou"]
    assert (mean, n) == (pytest.approx(0.5), 3)
    assert std == pytest.approx(0.2)


def test_paired_differences_count_wins_per_seed():
    runs = [_record("supervised", s, 0.5) for s in range(3)]
    runs += [_record("full", 0, 0.6), _record("full", 1, 0.7), _record("full", 2, 0.4)]
    mean, std, wins, n, low, high = paired_differences(runs, "full")[(0.05, "in_style", "iou")]
    assert (wins, n) == (2, 3)
    assert mean == pytest.approx((0.1 + 0.2 - 0.1) / 3)
    assert std == pytest.approx(0.1527525, abs=1e-6)
    # t(0.975, 2) = 4.303: the interval of three seeds is wide.
    assert (high - low) / 2 == pytest.approx(4.302653 * 0.1527525 / 3 ** 0.5, rel=1e-4)


def test_markdown_shows_every_config_and_a_dash_for_missing_cells():
    runs = [_record("supervised", 0, 0.5), _record("full", 0, 0.6),
            _record("supervised", 0, 0.7, fraction=1.0)]
    text = markdown(aggregate(runs), {"full": paired_differences(runs, "full")},
                    ["supervised", "full"], [0.05, 1.0])
    assert "| 5% (n=1) | 0.600 (n=1) | 0.700 (n=1) |" in text
    assert "| 100% (n=1) | 0.900 (n=1) | - |" in text
    assert "+0.100 ± 0.000 [+nan, +nan] (1/1)" in text


def test_markdown_names_the_seeds_of_a_thinner_cell_and_pairs_every_config():
    runs = [_record("supervised", s, 0.5) for s in range(3)]
    runs += [_record("pseudo", s, 0.6) for s in range(3)] + [_record("full", 0, 0.4)]
    diffs = {c: paired_differences(runs, c) for c in ("pseudo", "full")}
    text = markdown(aggregate(runs), diffs, ["supervised", "pseudo", "full"], [0.05])
    row = next(line for line in text.splitlines() if line.startswith("| 5% (n=3)"))
    assert row == "| 5% (n=3) | 0.600 ± 0.000 | 0.700 ± 0.000 | 0.500 (n=1) |"
    assert "**pseudo - supervised, paired by seed**" in text
    assert "**full - supervised, paired by seed**" in text


def test_load_runs_keeps_one_variant(tmp_path):
    (tmp_path / "runs").mkdir()
    plain, variant = _record("full", 0, 0.5), _record("full", 0, 0.6, extra={"x": 1})
    (tmp_path / "runs" / "a.json").write_text(json.dumps(plain))
    (tmp_path / "runs" / "b.json").write_text(json.dumps(variant))
    assert [r["extra"] for r in load_runs(tmp_path)] == [{}]
    assert [r["extra"] for r in load_runs(tmp_path, json.dumps({"x": 1}))] == [{"x": 1}]


def test_variant_table_pairs_each_variant_with_supervised_by_seed():
    runs = [_record("supervised", s, 0.5) for s in range(2)]
    runs += [_record("full", 0, 0.4), _record("full", 1, 0.45)]
    runs += [_record("full", 0, 0.6, extra={"w": 1}), _record("full", 1, 0.4, extra={"w": 1})]
    runs.append(_record("full", 0, 0.9, fraction=1.0))  # another fraction: left out
    table = variant_table(runs, 0.05)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()[2:]}
    assert set(rows) == {"supervised only", "defaults", '{"w": 1}'}
    assert "0.600 ± 0.000" in rows["supervised only"]  # mean of scenes a (0.5) and b (0.7)
    assert "0.525 ± 0.035 (0/2)" in rows["defaults"]
    assert "0.600 ± 0.141 (1/2)" in rows['{"w": 1}']


def test_the_picture_shows_the_seed_of_the_median_gain():
    runs = [_record("supervised", s, 0.5) for s in range(3)]
    runs += [_record("full", 0, 0.9), _record("full", 1, 0.4), _record("full", 2, 0.6)]
    assert median_gain_seed(runs, 0.05) == 2
    assert median_gain_seed(runs, 0.1) is None


def test_diagnostics_table_averages_each_round_over_seeds():
    from bench.ablation_report import diagnostics_table

    def detail(step_share, precision, tiles):
        pseudo = None if tiles is None else {
            "selected_road_tiles": tiles, "road_precision": precision, "road_recall": 0.2,
            "background_precision": 0.99}
        return {"losses": {"contrastive_step_share": step_share,
                           "contrastive_anchor_share": 0.5},
                "pseudo": pseudo, "pseudo_seconds": 1.0, "seconds": 10.0,
                "threshold": {"value": 0.8}}

    runs = [dict(_record("full", s, 0.5), rounds_detail=[detail(0.9, None, None),
                                                         detail(1.0, p, t)])
            for s, p, t in ((0, 0.9, 4), (1, 0.7, 6))]
    text = diagnostics_table(runs)
    assert "| 5% | 1 | 90.0% | 50.0% | - | - | - | 10.0% | 0.80 |" in text
    assert "| 5% | 2 | 100.0% | 50.0% | 5.0 road tiles | 0.800 / 0.200 | 0.990 |" in text


def test_diagnostics_table_shows_a_dash_for_a_branch_that_was_off():
    from bench.ablation_report import diagnostics_table

    detail = {"losses": {}, "pseudo": None, "pseudo_seconds": 0.0, "seconds": 10.0,
              "threshold": {"value": 0.5}}
    runs = [dict(_record("pseudo", 0, 0.5), rounds_detail=[detail])]
    assert "| 5% | 1 | - | - | - | - | - | 0.0% | 0.50 |" in diagnostics_table(runs, "pseudo")
