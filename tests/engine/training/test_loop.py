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


def test_param_groups_put_the_imagenet_encoder_at_its_share_of_the_learning_rate():
    from engine.config import ModelConfig
    from engine.models import build_model
    from engine.training.loop import _param_groups

    model = build_model(ModelConfig(arch="mobilenet_v2", base_width=8, embed_dim=4), 3,
                        load_weights=False)
    rest, encoder = _param_groups(model, 0.1)
    assert (rest["lr_scale"], encoder["lr_scale"]) == (1.0, 0.1)
    encoder_ids = {id(p) for p in model.backbone.encoder.parameters()}
    assert {id(p) for p in encoder["params"]} == encoder_ids
    assert not encoder_ids & {id(p) for p in rest["params"]}
    assert len(rest["params"]) + len(encoder["params"]) == len(list(model.parameters()))


def test_param_groups_of_a_network_without_an_encoder_are_one_group():
    from engine.config import ModelConfig
    from engine.models import build_model
    from engine.training.loop import _param_groups

    model = build_model(ModelConfig(arch="unet", base_width=4, depth=2, embed_dim=4), 1)
    (group,) = _param_groups(model, 0.1)
    assert group["lr_scale"] == 1.0 and len(group["params"]) == len(list(model.parameters()))
