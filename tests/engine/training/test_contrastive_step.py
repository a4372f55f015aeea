"""Tests of engine.training.contrastive_step: where negatives come from, what a step carries."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.config import AugmentConfig, ContrastiveConfig, ModelConfig
from engine.losses.contrastive import cell_index
from engine.models import build_model
from engine.training.contrastive_step import NegativeRule, contrastive_loss, negative_groups
from engine.training.pair_batch import PairBatch

#: A tiny scratch U-Net, quick to build and run.
TINY_UNET = ModelConfig(arch="unet", base_width=4, depth=2, embed_dim=4)

RULE = NegativeRule(hog_filter=True, hog_threshold=0.5, cell_px=16, drop_same_class=False,
                    road_threshold=0.9, background_threshold=0.1)


def road_columns(size: int, columns: slice, p_road: float = 0.97,
                 p_other: float = 0.03) -> np.ndarray:
    prob = np.full((size, size), p_other, np.float32)
    prob[:, columns] = p_road
    return prob


def test_negatives_come_only_from_cells_the_hog_rule_keeps():
    # R: a vertical road in its left cell column. N: the same vertical road (look-alike
    # cells, dropped) in its left cells, and a horizontal road in its right-hand cells.
    prob_r = road_columns(32, slice(4, 10))
    prob_n = road_columns(48, slice(4, 10))
    prob_n[36:42, 16:] = 0.97
    anchors = torch.arange(32 * 32)
    negs, member, _ = negative_groups(anchors, prob_r, prob_n, np.ones((48, 48), bool), RULE,
                                      count=64, generator=torch.Generator().manual_seed(0))
    from engine.training.contrastive_step import _cell_keep

    keep = _cell_keep(prob_r, prob_n, RULE)
    anchor_cells = cell_index(anchors, width=32, cell_px=16).numpy()
    neg_cells = cell_index(negs, width=48, cell_px=16).numpy()
    rows, cols = np.nonzero(member.numpy())
    assert len(rows) > 0
    assert keep[anchor_cells[rows], neg_cells[cols]].all()
    assert not keep.all()  # the rule did drop look-alike cells


def test_every_anchor_gets_k_negatives_when_its_kept_cells_hold_that_many():
    prob_r = road_columns(32, slice(4, 10))
    prob_n = road_columns(48, slice(20, 26))
    anchors = torch.tensor([0, 5, 600, 1000])
    _, member, _ = negative_groups(anchors, prob_r, prob_n, np.ones((48, 48), bool), RULE,
                                   count=32, generator=torch.Generator().manual_seed(0))
    assert member.sum(dim=1).tolist() == [32, 32, 32, 32]


def test_negatives_the_model_confidently_gives_the_anchor_class_are_dropped():
    prob_r = road_columns(32, slice(4, 10))
    prob_n = road_columns(48, slice(20, 26))
    rule = NegativeRule(False, 0.5, 16, True, 0.9, 0.1)
    anchors = torch.tensor([0, 6])  # a background and a road anchor
    negs, member, _ = negative_groups(anchors, prob_r, prob_n, np.ones((48, 48), bool), rule,
                                      count=500, generator=torch.Generator().manual_seed(0))
    p = prob_n.ravel()[negs.numpy()]
    background_negs, road_negs = p[member[0].numpy()], p[member[1].numpy()]
    assert np.all(background_negs > 0.1) and np.all(road_negs < 0.9)


def test_other_class_negatives_come_only_from_pixels_confidently_of_the_other_class():
    prob_r = road_columns(32, slice(4, 10))
    prob_n = road_columns(48, slice(20, 26))
    prob_n[:, 30:36] = 0.6  # road the model is unsure of: a negative of neither class
    rule = NegativeRule(False, 0.5, 16, True, 0.9, 0.1, other_class_only=True)
    anchors = torch.tensor([0, 6])  # a background and a road anchor
    negs, member, _ = negative_groups(anchors, prob_r, prob_n, np.ones((48, 48), bool), rule,
                                      count=500, generator=torch.Generator().manual_seed(0))
    p = prob_n.ravel()[negs.numpy()]
    background_negs, road_negs = p[member[0].numpy()], p[member[1].numpy()]
    assert len(background_negs) and np.all(background_negs > 0.9)
    assert len(road_negs) and np.all(road_negs < 0.1)


def test_a_flat_unsure_prediction_keeps_negatives():
    # An untrained network predicts about 0.5 everywhere: HOG cannot call cells alike.
    flat_r, flat_n = np.full((32, 32), 0.5, np.float32), np.full((48, 48), 0.52, np.float32)
    _, member, keep = negative_groups(torch.arange(10), flat_r, flat_n, np.ones((48, 48), bool),
                                      RULE, count=8, generator=torch.Generator().manual_seed(0))
    assert keep == 1.0 and bool(member.all(dim=1).all())


def batch_of(size: int = 48, core: int = 32) -> PairBatch:
    g = torch.Generator().manual_seed(0)
    view = torch.rand((1, 3, size, size), generator=g)
    return PairBatch(view, view.clone(), torch.rand((1, 3, size, size), generator=g),
                     torch.ones((1, core, core), dtype=torch.bool),
                     torch.ones((1, size, size), dtype=torch.bool), [(8, 8)], [(8, 8)], core, [])


def test_contrastive_loss_reports_the_anchors_that_carried_a_loss():
    model = build_model(TINY_UNET, in_channels=3, seed=0)
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=20,
                               negatives=16, hog_filter=False)
    out = contrastive_loss(model, None, batch_of(), config, AugmentConfig(),
                           rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                           generator=torch.Generator().manual_seed(0))
    assert out.anchors == 20 and out.anchors_used == 20
    assert out.loss is not None and torch.isfinite(out.loss) and out.loss.requires_grad


def test_the_contrastive_loss_on_encoder_features_trains_the_encoder_and_its_head_only():
    model = build_model(ModelConfig(arch="mobilenet_v2", base_width=8, embed_dim=4,
                                    embed_from="encoder"), 3, seed=0, load_weights=False)
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=20,
                               negatives=16, hog_filter=False)
    out = contrastive_loss(model, None, batch_of(), config, AugmentConfig(),
                           rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                           generator=torch.Generator().manual_seed(0))
    assert out.loss is not None and torch.isfinite(out.loss)
    out.loss.backward()

    def moved(module):
        return any(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())

    assert moved(model.backbone.encoder) and moved(model.projection_head)
    assert not moved(model.backbone.stages) and not moved(model.road_head)


def test_contrastive_loss_without_any_usable_negative_has_no_loss():
    model = build_model(TINY_UNET, in_channels=3, seed=0)
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=20,
                               negatives=16)
    batch = batch_of()
    batch.valid_negative[:] = False  # nothing in N may be a negative, and no redraw
    out = contrastive_loss(model, None, batch, config, AugmentConfig(),
                           rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                           generator=torch.Generator().manual_seed(0))
    assert out.loss is None and out.anchors == 20 and out.anchors_used == 0


def test_the_negative_region_gets_no_gradient_by_default():
    model = build_model(TINY_UNET, in_channels=3, seed=0)
    seen = []
    model.backbone.register_forward_hook(lambda m, i, o: seen.append(o.requires_grad))
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=8,
                               negatives=8, hog_filter=False)
    contrastive_loss(model, None, batch_of(), config, AugmentConfig(),
                     rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                     generator=torch.Generator().manual_seed(0))
    assert seen == [True, False]  # the two views, then N


@pytest.mark.parametrize("geometric", [True, False])
def test_random_d4_is_the_identity_without_geometric_augmentation(geometric):
    from engine.augment import random_d4

    draws = {random_d4(torch.Generator().manual_seed(s), enabled=geometric) for s in range(40)}
    assert (draws == {(0, False)}) is (not geometric)


@pytest.mark.parametrize("running", [True, False])
def test_the_views_and_n_use_running_statistics_only_when_asked(running):
    model = build_model(TINY_UNET, in_channels=3, seed=0)
    model.train()
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    modes = []
    norms[0].register_forward_hook(lambda m, i, o: modes.append(m.training))
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=8,
                               negatives=8, hog_filter=False, running_batch_norm=running)
    contrastive_loss(model, None, batch_of(), config, AugmentConfig(),
                     rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                     generator=torch.Generator().manual_seed(0))
    assert modes == [not running, not running]  # the views, then N
    assert all(m.training for m in norms)  # restored after the step


def small_model() -> torch.nn.Module:
    model = build_model(TINY_UNET, in_channels=3, seed=0)
    return model.train()


def test_a_batched_forward_gives_the_features_of_separate_forwards_in_eval_mode():
    from engine.training.contrastive_step import _forward_groups

    model = small_model().eval()
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand((3, 3, 32, 32), generator=g), torch.rand((2, 3, 32, 32), generator=g)
    logits, features = _forward_groups(model, [(a, False), (b, False)])
    for x, logit, feature in zip((a, b), logits, features, strict=True):
        alone = model(x, with_embedding=False, with_features=True)
        torch.testing.assert_close(logit, alone.logits, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(feature, alone.features, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("running", [False, True])
def test_batch_norm_groups_normalise_each_group_as_if_forwarded_alone(running):
    from engine.training.contrastive_step import _forward_groups, _running_batch_norm

    g = torch.Generator().manual_seed(0)
    a, b = torch.rand((3, 3, 32, 32), generator=g), torch.rand((2, 3, 32, 32), generator=g) * 2
    alone, batched = small_model(), small_model()
    expected = [alone(a, with_embedding=False, with_features=True)]
    with _running_batch_norm(alone, running):
        expected.append(alone(b, with_embedding=False, with_features=True))
    logits, features = _forward_groups(batched, [(a, False), (b, running)])
    for want, logit, feature in zip(expected, logits, features, strict=True):
        torch.testing.assert_close(logit, want.logits, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(feature, want.features, rtol=1e-5, atol=1e-5)
    for name, buffer in batched.named_buffers():  # running statistics updated alike
        torch.testing.assert_close(buffer, dict(alone.named_buffers())[name])
    norms = [m for m in batched.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert all(m.training and "forward" not in vars(m) for m in norms)  # restored


@pytest.mark.parametrize("extra", [{}, {"running_batch_norm": True}, {"negative_gradient": True}])
def test_crops_forwarded_with_the_views_leave_loss_gradients_and_statistics_unchanged(extra):
    # The step used to forward the supervised crops, then the views, then N; forwarding
    # the crops (and N, when it gets a gradient) with the views must change nothing.
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=20,
                               negatives=16, hog_filter=False, **extra)
    rule = NegativeRule(False, 0.5, 16, False, 0.9, 0.1)
    crops = torch.rand((2, 3, 48, 48), generator=torch.Generator().manual_seed(1))
    results = []
    for joined in (False, True):
        model, g = small_model(), torch.Generator().manual_seed(0)
        if joined:
            out = contrastive_loss(model, None, batch_of(), config, AugmentConfig(), rule=rule,
                                   generator=g, supervised=crops)
            logits = out.supervised_logits
        else:
            logits = model(crops, with_embedding=False).logits
            out = contrastive_loss(model, None, batch_of(), config, AugmentConfig(), rule=rule,
                                   generator=g)
            assert out.supervised_logits is None
        assert out.loss is not None
        (logits.mean() + out.loss).backward()
        results.append((logits.detach(), out.loss.detach(), model))
    (logits_a, loss_a, a), (logits_b, loss_b, b) = results
    torch.testing.assert_close(logits_b, logits_a, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(loss_b, loss_a, rtol=1e-5, atol=1e-5)
    for (name, pa), pb in zip(a.named_parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(pb.grad, pa.grad, rtol=1e-4, atol=1e-6, msg=name)
    for ba, bb in zip(a.buffers(), b.buffers(), strict=True):
        torch.testing.assert_close(bb, ba)


def test_crops_of_another_size_are_forwarded_on_their_own():
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=8,
                               negatives=8, hog_filter=False)
    model = small_model()
    sizes = []
    model.backbone.register_forward_hook(lambda m, i, o: sizes.append(tuple(o.shape[:1])))
    crops = torch.rand((2, 3, 32, 32), generator=torch.Generator().manual_seed(1))
    out = contrastive_loss(model, None, batch_of(), config, AugmentConfig(),
                           rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                           generator=torch.Generator().manual_seed(0), supervised=crops)
    assert sizes == [(2,), (2,), (1,)]  # the crops first, as before, then the views, then N
    assert out.supervised_logits is not None and out.supervised_logits.shape == (2, 1, 32, 32)


def test_the_soft_teacher_forwards_its_views_and_n_together():
    config = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16, anchors=8,
                               negatives=8, negatives_mode="soft")
    model, teacher = small_model(), small_model().eval()
    sizes = []
    teacher.backbone.register_forward_hook(lambda m, i, o: sizes.append(o.shape[0]))
    out = contrastive_loss(model, teacher, batch_of(), config, AugmentConfig(),
                           rule=NegativeRule(False, 0.5, 16, False, 0.9, 0.1),
                           generator=torch.Generator().manual_seed(0))
    assert sizes == [3]  # views A, B and N in one eval-mode forward
    assert out.loss is not None and torch.isfinite(out.loss)
