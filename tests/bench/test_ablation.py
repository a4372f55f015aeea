"""One ablation run end to end at toy scale: train, predict the test scenes, score, record."""

import json
import math

import pytest

from bench.ablation import CONFIGS, METRICS, run_one, variant_tag, with_init
from bench.ablation_data import DataConfig

TINY = DataConfig(scene_px=192, train_seeds=(11, 12), test_seeds=(21,), heldout_seeds=(31,))


@pytest.mark.parametrize("config", ["supervised", "full"])
def test_a_run_scores_both_test_splits_and_records_its_configuration(tmp_path, config):
    record = run_one(tmp_path, 0.3, config, 0, steps=3, rounds=2, data=TINY)
    saved = json.loads((tmp_path / "runs" / f"f0.3_{config}_s0.json").read_text())
    assert json.dumps(saved) == json.dumps(record)  # NaN scores (a 3-step model) included
    assert set(record["scores"]) == {"in_style", "heldout_style"}
    assert list(record["scores"]["heldout_style"]) == ["heldout_31"]
    for scores in record["scores"]["in_style"].values():
        assert set(scores) == set(METRICS)
        # Precision-like scores are NaN when nothing is predicted as road.
        assert all(math.isnan(v) or 0.0 <= v <= 1.0 for v in scores.values())
        assert 0.0 <= scores["iou"] <= 1.0
    assert len(record["validation"]) == 2
    trained = record["train_config"]
    assert trained["steps_per_round"] == 3 and trained["patience_rounds"] == 2
    assert trained["contrastive"]["enabled"] == (config == "full")
    assert trained["pseudo"]["enabled"] == (config == "full")
    assert record["labeled_px"] == pytest.approx(0.3 * record["total_px"], rel=0.02)


def test_a_variant_gets_its_own_files(tmp_path):
    extra = {"contrastive": {"weight": 0.0}}
    record = run_one(tmp_path, 0.3, "contrastive", 1, steps=2, rounds=1, extra=extra,
                     data=TINY)
    assert record["extra"] == extra and record["train_config"]["contrastive"]["weight"] == 0.0
    assert (tmp_path / "runs" / "f0.3_contrastive_s1_contrastive-weight-0.0.json").exists()
    assert (tmp_path / "work" / "f0.3_contrastive_s1_contrastive-weight-0.0" / "model.pt").exists()


def test_the_configurations_are_the_ones_the_issue_compares():
    assert list(CONFIGS) == ["supervised", "contrastive", "pseudo", "full", "soft", "no_hog"]
    assert CONFIGS["no_hog"]["contrastive"]["hog_filter"] is False
    # Each names both branches, so it means the same whatever the engine's defaults are.
    branches = {(c["contrastive"]["enabled"], c["pseudo"]["enabled"]) for c in CONFIGS.values()}
    assert branches == {(False, False), (True, False), (False, True), (True, True)}
    assert CONFIGS["soft"]["contrastive"]["negatives_mode"] == "soft"


def test_a_run_started_from_a_model_is_a_variant_named_by_the_model_file():
    variant = with_init({"contrastive": {"weight": 0.03}}, "/models/base_1band.pt")
    assert variant == {"contrastive": {"weight": 0.03}, "init": "base_1band"}
    assert variant_tag(with_init(None, "m/base_3band.pt")) == "_init-base_3band"
    assert with_init(None, None) == {} and variant_tag(with_init(None, None)) == ""
