"""Tests of the schedules in engine.training.loop."""

from __future__ import annotations

import pytest

from engine.training.loop import contrastive_round_weight, lr_at


def test_contrastive_weight_ramps_up_in_the_first_round_only():
    ramp = [contrastive_round_weight(s, 0, steps=100, weight=0.5, rampup_fraction=0.5)
            for s in (0, 25, 49, 50, 99)]
    assert ramp[0] < 0.01
    assert ramp[0] < ramp[1] < ramp[2] < 0.5
    assert ramp[3] == ramp[4] == 0.5
    assert contrastive_round_weight(0, 1, steps=100, weight=0.5, rampup_fraction=0.5) == 0.5


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


def _two_raster_inputs():
    """Raster 0 carries human labels (road), raster 1 pseudo-labels (background) only."""
    import numpy as np

    from engine.labels import BACKGROUND, ROAD
    from engine.training.crops import build_crop_pool
    from engine.training.loop import RoundInputs

    human = np.full((64, 64), ROAD, np.uint8)
    pseudo = np.full((64, 64), BACKGROUND, np.uint8)
    rng = np.random.default_rng(0)

    def read(src, win):
        return np.zeros((3, win.rows, win.cols), np.float32), np.ones((win.rows, win.cols), bool)

    return RoundInputs(read, [human, pseudo],
                       build_crop_pool([human, None], rng=rng),
                       build_crop_pool([None, pseudo], rng=rng))


@pytest.mark.parametrize("mode", ["replace", "add"])
def test_pseudo_crops_replace_or_are_added_to_the_labelled_ones(mode):
    import numpy as np
    import torch

    from engine.config import TrainConfig
    from engine.labels import BACKGROUND, ROAD
    from engine.training.loop import supervised_batch

    inputs = _two_raster_inputs()
    config = TrainConfig(crop_px=32, batch_size=8).updated(
        {"augment": {"scale": 0.0}, "pseudo": {"batch_share": 0.5, "batch_mode": mode}})
    rng, gen = np.random.default_rng(1), torch.Generator().manual_seed(1)
    human = pseudo = 0
    for _ in range(20):
        x, y = supervised_batch(inputs, config, rng, gen)
        assert len(x) == len(y)
        kinds = [ROAD if bool((lab == ROAD).any()) else BACKGROUND for lab in y]
        human += kinds.count(ROAD)
        pseudo += kinds.count(BACKGROUND)
        if mode == "add":
            assert kinds.count(ROAD) == 8  # every labelled crop kept
        else:
            assert len(x) == 8
    assert 40 <= pseudo <= 120  # about half of 8 per step, over 20 steps
    assert human == (160 if mode == "add" else 160 - pseudo)


def test_contrastive_term_starts_in_its_configured_round():
    kwargs = {"steps": 100, "weight": 0.5, "rampup_fraction": 0.5}
    # from round 1 (the default): ramped in round 1, full afterwards
    assert contrastive_round_weight(0, 0, start_round=1, **kwargs) < 0.01
    assert contrastive_round_weight(0, 1, start_round=1, **kwargs) == 0.5
    # from round 2: off in round 1, ramped in round 2, full in round 3
    assert contrastive_round_weight(99, 0, start_round=2, **kwargs) == 0.0
    assert contrastive_round_weight(0, 1, start_round=2, **kwargs) < 0.01
    assert contrastive_round_weight(60, 1, start_round=2, **kwargs) == 0.5
    assert contrastive_round_weight(0, 2, start_round=2, **kwargs) == 0.5
