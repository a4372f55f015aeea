"""The contrastive term of one training step: forward the views and N, pair their pixels."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from ..augment import apply_d4, invert_d4, photometric, random_d4
from ..config import AugmentConfig, ContrastiveConfig
from ..losses.contrastive import (
    ROAD_PROBABILITY,
    cell_index,
    pixel_infonce,
    sample_anchor_indices,
    sample_negative_indices,
    soft_infonce,
)
from ..losses.hog_filter import cell_classes, cell_hog_descriptors, negative_keep_mask
from .pair_batch import PairBatch

__all__ = ["ContrastiveOutcome", "NegativeRule", "negative_groups", "contrastive_loss"]

#: A new N is drawn at most this many times for a pair whose anchors found no negative.
NEGATIVE_TRIES = 3

#: Draws a new negative region for pair i: (image (C, N, N), valid (N, N)), or None.
Redraw = Callable[[int], tuple[np.ndarray, np.ndarray] | None]


@dataclass(frozen=True)
class NegativeRule:
    """Which pixels of N may be negatives of an anchor."""

    hog_filter: bool  # only from cells of N whose HOG is unlike the anchor's cell
    hog_threshold: float  # HOG cosine below which a cell is unlike
    cell_px: int  # side of the HOG cells
    drop_same_class: bool  # also drop pixels confidently of the anchor's class
    road_threshold: float  # p above this is confident road
    background_threshold: float  # p below this is confident background


@dataclass(frozen=True)
class ContrastiveOutcome:
    """The contrastive term of a step and what it was made of."""

    loss: torch.Tensor | None  # scalar, mean over the pairs that had one; None if none did
    anchors: int  # anchor pixels sampled
    anchors_used: int  # of which had at least one negative, so carried a loss
    hog_keep: float  # share of (anchor cell, N cell) pairs the HOG rule kept; NaN if off


@contextlib.contextmanager
def _running_batch_norm(model: torch.nn.Module, enabled: bool) -> Iterator[None]:
    """Batch norm layers in eval mode (running statistics) inside the block, when enabled."""
    layers = [m for m in model.modules()
              if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.training]
    if enabled:
        for m in layers:
            m.eval()
    try:
        yield
    finally:
        for m in layers:
            m.train()


def _features(model: torch.nn.Module, x: torch.Tensor, generator: torch.Generator,
              geometric: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits and decoder features under a random D4 transform, undone so pixels align."""
    t = random_d4(generator, enabled=geometric)
    out = model(apply_d4(x, t), with_embedding=False, with_features=True)
    return invert_d4(out.logits, t), invert_d4(out.features, t)


def _forward_negative(model: torch.nn.Module, x: torch.Tensor, augment: AugmentConfig,
                      generator: torch.Generator, with_grad: bool
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.set_grad_enabled(with_grad and torch.is_grad_enabled()):
        out = model(photometric(x, augment, generator=generator), with_embedding=False,
                    with_features=True)
    return out.logits, out.features


def _rows(features: torch.Tensor, flat: torch.Tensor) -> torch.Tensor:
    """(F, H, W) features of the pixels ``flat`` (flat indices) as (M, F) rows."""
    return features.flatten(1)[:, flat.to(features.device)].transpose(0, 1)


def _cell_keep(prob_r: np.ndarray, prob_n: np.ndarray, rule: NegativeRule) -> np.ndarray:
    """(R cells, N cells) bool: which cells of N the anchors of each cell of R may use."""
    cell = rule.cell_px
    count_r = (prob_r.shape[0] // cell) * (prob_r.shape[1] // cell)
    count_n = (prob_n.shape[0] // cell) * (prob_n.shape[1] // cell)
    if not rule.hog_filter:
        return np.ones((count_r, count_n), bool)
    def classes(prob: np.ndarray) -> np.ndarray:
        return cell_classes(prob, cell_px=cell, road_threshold=rule.road_threshold,
                            background_threshold=rule.background_threshold)

    return negative_keep_mask(
        cell_hog_descriptors(prob_r, cell_px=cell), cell_hog_descriptors(prob_n, cell_px=cell),
        threshold=rule.hog_threshold, anchor_road=classes(prob_r),
        negative_road=classes(prob_n))


def negative_groups(anchors: torch.Tensor, prob_r: np.ndarray, prob_n: np.ndarray,
                    valid_n: np.ndarray, rule: NegativeRule, *, count: int,
                    generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Draw K negatives per anchor from the pixels its rules allow.

    Anchors are grouped by (cell of R, predicted class); each group draws up to
    ``count`` distinct pixels of N among those that are valid, in a cell the HOG rule
    kept for the group's cell, and (with ``rule.drop_same_class``) not confidently of
    the group's class. Drawing after the rules, not before, gives every anchor K usable
    negatives whenever N has that many.

    Parameters
    ----------
    anchors : Tensor
        (m,) int64 flat indices into R (k x k).
    prob_r, prob_n : ndarray of float, shapes (k, k) and (n, n)
        Predicted road probability of R and of N (whole HOG cells: n a multiple of the
        cell size).
    valid_n : ndarray of bool, shape (n, n)
    rule : NegativeRule
    count : int
        K, negatives per group at most.
    generator : torch.Generator

    Returns
    -------
    negatives : Tensor
        (t,) int64 flat indices into N: every group's draws, concatenated.
    member : Tensor
        (m, t) bool, True where negative j was drawn for anchor i's group.
    hog_keep : float
        Share of (anchor cell, N cell) pairs kept by the HOG rule (NaN when it is off).
    """
    cell, n_side = rule.cell_px, prob_n.shape[1]
    keep = _cell_keep(prob_r, prob_n, rule)
    anchor_cell = cell_index(anchors.cpu(), width=prob_r.shape[1], cell_px=cell).numpy()
    anchor_road = prob_r.ravel()[anchors.cpu().numpy()] >= ROAD_PROBABILITY
    rows, cols = np.indices(prob_n.shape)
    n_cell = (rows // cell) * (n_side // cell) + cols // cell
    by_class = {True: valid_n, False: valid_n}
    if rule.drop_same_class:
        by_class = {True: valid_n & (prob_n <= rule.road_threshold),
                    False: valid_n & (prob_n >= rule.background_threshold)}
    drawn = []
    group_of = anchor_cell * 2 + anchor_road
    start = 0
    spans: dict[int, tuple[int, int]] = {}
    for g in np.unique(group_of):
        allowed = by_class[bool(g % 2)] & keep[g // 2][n_cell]
        idx = sample_negative_indices(torch.from_numpy(allowed), count=count,
                                      generator=generator) if allowed.any() else \
            torch.empty(0, dtype=torch.long)
        spans[int(g)] = (start, start + len(idx))
        start += len(idx)
        drawn.append(idx)
    member = torch.zeros((len(anchors), start), dtype=torch.bool)
    for i, g in enumerate(group_of):
        lo, hi = spans[int(g)]
        member[i, lo:hi] = True
    negatives = torch.cat(drawn) if drawn else torch.empty(0, dtype=torch.long)
    hog_keep = float(keep[anchor_cell].mean()) if rule.hog_filter and len(anchors) else \
        float("nan")
    return negatives, member, hog_keep


def _prob(logits: torch.Tensor) -> np.ndarray:
    return torch.sigmoid(logits.detach().float()).cpu().numpy()


def contrastive_loss(model: torch.nn.Module, teacher: torch.nn.Module | None,
                     batch: PairBatch, config: ContrastiveConfig, augment: AugmentConfig, *,
                     rule: NegativeRule, generator: torch.Generator,
                     redraw: Redraw | None = None) -> ContrastiveOutcome:
    """Pixel-wise contrastive loss of a batch of positive pairs (DESIGN.md section 2).

    Anchors are sampled in R (stratified by predicted class); the positive of each is the
    same ground pixel in the other view; its K negatives are drawn from the pixels of N
    that :func:`negative_groups` allows (``hard`` mode), or from all valid pixels of N
    with an EMA teacher's similarities as soft targets (``soft`` mode). Only the sampled
    pixels go through the projection head. When no anchor of a pair finds a negative, a
    new N is drawn (``redraw``, up to :data:`NEGATIVE_TRIES` times).

    Parameters
    ----------
    model : torch.nn.Module
        The student (:class:`engine.models.RoadNet`, possibly in DistributedDataParallel).
    teacher : RoadNet or None
        The EMA teacher, in eval mode (soft mode only).
    batch : PairBatch
    config : ContrastiveConfig
    augment : AugmentConfig
    rule : NegativeRule
    generator : torch.Generator
        Augmentation, D4, anchors and negatives.
    redraw : callable, optional

    Returns
    -------
    ContrastiveOutcome
    """
    student = getattr(model, "module", model)
    p, k, cell = batch.view_a.shape[0], batch.core_px, config.cell_px
    soft = config.negatives_mode == "soft"
    views = torch.cat([photometric(batch.view_a, augment, generator=generator),
                       photometric(batch.view_b, augment, generator=generator)])
    n_side = (batch.negative.shape[-1] // cell) * cell  # whole HOG cells only
    negative_model = teacher if soft else model
    with _running_batch_norm(student, config.running_batch_norm):
        logit_ab, feat_ab = _features(model, views, generator, augment.geometric)
        logit_n, feat_n = _forward_negative(negative_model, batch.negative, augment, generator,
                                            config.negative_gradient and not soft)
    if soft:
        with torch.no_grad():
            t_logit_ab, t_feat_ab = _features(teacher, views, generator, augment.geometric)
    losses, anchors_total, anchors_used, keeps = [], 0, 0, []
    for i in range(p):
        (ra, qa), (rb, qb) = batch.core_a[i], batch.core_b[i]
        la = logit_ab[i, :, ra:ra + k, qa:qa + k]
        lb = logit_ab[p + i, :, rb:rb + k, qb:qb + k]
        prob_r = _prob((la + lb) / 2)[0]
        anchors = sample_anchor_indices(torch.from_numpy(prob_r), batch.valid_core[i].cpu(),
                                        count=config.anchors,
                                        road_fraction=config.road_anchor_fraction,
                                        generator=generator)
        anchors_total += len(anchors)
        if len(anchors) == 0:
            continue
        fa = _rows(feat_ab[i, :, ra:ra + k, qa:qa + k], anchors)
        fb = _rows(feat_ab[p + i, :, rb:rb + k, qb:qb + k], anchors)
        valid_n = batch.valid_negative[i, :n_side, :n_side].cpu().numpy()
        ln, fn = logit_n[i, 0, :n_side, :n_side], feat_n[i, :, :n_side, :n_side]
        if soft:
            negs = sample_negative_indices(torch.from_numpy(valid_n), count=config.negatives,
                                           generator=generator)
            if len(negs) == 0:
                continue
            ta = _rows(t_feat_ab[i, :, ra:ra + k, qa:qa + k], anchors)
            tb = _rows(t_feat_ab[p + i, :, rb:rb + k, qb:qb + k], anchors)
            tn = _rows(fn, negs)
            with torch.no_grad():
                ta, tb, tn = teacher.project(ta), teacher.project(tb), teacher.project(tn)
            losses.append(soft_infonce(student.project(fa), tb, tn, ta,
                                       student_temperature=config.student_temperature,
                                       teacher_temperature=config.teacher_temperature))
            anchors_used += len(anchors)
            continue
        for attempt in range(NEGATIVE_TRIES + 1):
            negs, member, hog_keep = negative_groups(anchors, prob_r, _prob(ln), valid_n, rule,
                                                     count=config.negatives,
                                                     generator=generator)
            fresh = redraw(i) if redraw is not None and attempt < NEGATIVE_TRIES and \
                not bool(member.any()) else None
            if fresh is None:
                break
            image, valid = fresh
            with _running_batch_norm(student, config.running_batch_norm):
                out_n = _forward_negative(model,
                                          torch.from_numpy(image)[None].to(views.device),
                                          augment, generator, config.negative_gradient)
            ln, fn = out_n[0][0, 0, :n_side, :n_side], out_n[1][0, :, :n_side, :n_side]
            valid_n = valid[:n_side, :n_side]
        keeps.append(hog_keep)
        used = member.any(dim=1)
        if not bool(used.any()):
            continue
        anchors_used += int(used.sum())
        a, b = student.project(fa[used.to(fa.device)]), student.project(fb[used.to(fb.device)])
        n = student.project(_rows(fn, negs))
        keep = member[used].to(a.device)
        losses.append(0.5 * (pixel_infonce(a, b, n, keep=keep, temperature=config.temperature)
                             + pixel_infonce(b, a, n, keep=keep,
                                             temperature=config.temperature)))
    finite = [v for v in keeps if np.isfinite(v)]
    return ContrastiveOutcome(torch.stack(losses).mean() if losses else None, anchors_total,
                              anchors_used, float(np.mean(finite)) if finite else float("nan"))
