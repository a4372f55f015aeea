"""Tests of bench.contrastive_negatives: counting negatives of the anchor's own true class."""

from __future__ import annotations

import numpy as np
import torch

from bench.contrastive_negatives import count_same_class
from engine.training.contrastive_step import NegativeRule


def _pair(n_road_prob: float):
    """R: left half road, right half background (truth and a confident prediction); N:
    top half road (predicted ``n_road_prob``), bottom half background (p 0.03)."""
    truth_r = np.zeros((64, 64), np.uint8)
    truth_r[:, :32] = 1
    prob_r = np.where(truth_r == 1, 0.97, 0.03).astype(np.float32)
    truth_n = np.zeros((96, 96), np.uint8)
    truth_n[:48] = 1
    prob_n = np.where(truth_n == 1, n_road_prob, 0.03).astype(np.float32)
    return prob_r, truth_r, prob_n, truth_n


def _rule(same_class: bool) -> NegativeRule:
    return NegativeRule(hog_filter=False, hog_threshold=0.5, cell_px=32,
                        drop_same_class=same_class, road_threshold=0.9,
                        background_threshold=0.1)


def test_without_rules_the_negatives_hold_n_s_classes_as_they_are() -> None:
    counts = count_same_class(*_pair(0.97), _rule(False), anchors=64, negatives=64,
                              road_fraction=0.5, generator=torch.Generator().manual_seed(0))
    for c in (0, 1):
        assert counts[c, 0] > 0
        assert 0.35 < counts[c, 1] / counts[c, 0] < 0.65  # N is half road


def test_the_same_class_rule_removes_confident_same_class_negatives_only() -> None:
    confident = count_same_class(*_pair(0.97), _rule(True), anchors=64, negatives=64,
                                 road_fraction=0.5, generator=torch.Generator().manual_seed(0))
    assert confident[1, 1] == 0 and confident[0, 1] == 0
    # road the model is unsure of (p 0.6) is kept as a negative of road anchors: the
    # pairs that push true road away from road
    unsure = count_same_class(*_pair(0.6), _rule(True), anchors=64, negatives=64,
                              road_fraction=0.5, generator=torch.Generator().manual_seed(0))
    assert 0.35 < unsure[1, 1] / unsure[1, 0] < 0.65
