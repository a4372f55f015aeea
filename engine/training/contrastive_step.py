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
    # only pixels confidently of the other class (overrides drop_same_class): road anchors
    # are pushed from confident background only, background anchors from confident road
    other_class_only: bool = False


@dataclass(frozen=True)
class ContrastiveOutcome:
    """The contrastive term of a step and what it was made of."""

    loss: torch.Tensor | None  # scalar, mean over the pairs that had one; None if none did
    anchors: int  # anchor pixels sampled
    anchors_used: int  # of which had at least one negative, so carried a loss
    hog_keep: float  # share of (anchor cell, N cell) pairs the HOG rule kept; NaN if off
    # logits (B, 1, H, W) of the supervised crops passed to contrastive_loss, which
    # forwards them with the views; None when none were passed
    supervised_logits: torch.Tensor | None = None


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


@contextlib.contextmanager
def _batch_norm_groups(model: torch.nn.Module, sizes: list[int],
                       running: list[bool]) -> Iterator[None]:
    """Batch norm over each group of the batch on its own, inside the block.

    One forward over the concatenation of several batches (the supervised crops, the
    views, N) costs less than one forward each, but a batch norm layer in train mode
    would pool their statistics: the supervised crops would be normalised with the
    views' pixels and the views with the crops', which changes both losses. Here each
    layer normalises the groups one after another, each with its own batch statistics
    (or, where ``running`` says so, the running ones), and updates its running
    statistics group by group in the same order as separate forwards would: the
    outputs, gradients and buffers are those of separate forwards.
    """
    layers = [m for m in model.modules()
              if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.training]

    def grouped(layer: torch.nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
        plain = type(layer).forward

        def forward(x: torch.Tensor) -> torch.Tensor:
            parts = []
            for part, use_running in zip(x.split(sizes), running, strict=True):
                layer.training = not use_running
                try:
                    parts.append(plain(layer, part))
                finally:
                    layer.training = True
            return torch.cat(parts)

        return forward

    for layer in layers:
        layer.forward = grouped(layer)  # an instance attribute: hooks still run
    try:
        yield
    finally:
        for layer in layers:
            del layer.forward


def _forward_groups(model: torch.nn.Module, groups: list[tuple[torch.Tensor, bool]]
                    ) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
    """Logits and decoder features of several batches, in one forward of ``model``.

    Each group is (images, use running batch norm statistics); each is normalised as if
    it were forwarded alone (:func:`_batch_norm_groups`), so batching changes only the
    cost, not the result.
    """
    student = getattr(model, "module", model)
    sizes, running = [len(x) for x, _ in groups], [r for _, r in groups]
    x = torch.cat([x for x, _ in groups]) if len(groups) > 1 else groups[0][0]
    if groups[0][0].is_contiguous(memory_format=torch.channels_last) and \
            not groups[0][0].is_contiguous():
        x = x.contiguous(memory_format=torch.channels_last)  # the crops' layout (CUDA)
    context = (_running_batch_norm(student, running[0]) if len(groups) == 1
               else _batch_norm_groups(student, sizes, running))
    with context:
        out = model(x, with_embedding=False, with_features=True)
    return out.logits.split(sizes), out.features.split(sizes)


def _forward_negative(model: torch.nn.Module, x: torch.Tensor, with_grad: bool
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits and features of (augmented) negative regions, through ``model`` alone."""
    with torch.set_grad_enabled(with_grad and torch.is_grad_enabled()):
        out = model(x, with_embedding=False, with_features=True)
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
    the group's class, or (with ``rule.other_class_only``) confidently of the other
    class. Drawing after the rules, not before, gives every anchor K usable
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
    if rule.other_class_only:
        by_class = {True: valid_n & (prob_n < rule.background_threshold),
                    False: valid_n & (prob_n > rule.road_threshold)}
    elif rule.drop_same_class:
        by_class = {True: valid_n & (prob_n <= rule.road_threshold),
                    False: valid_n & (prob_n >= rule.background_threshold)}
    drawn = []
    groups, group_of = np.unique(anchor_cell * 2 + anchor_road, return_inverse=True)
    for g in groups:  # a few groups (cells x 2 classes); one draw each, in this order
        allowed = by_class[bool(g % 2)] & keep[g // 2][n_cell]
        idx = sample_negative_indices(torch.from_numpy(allowed), count=count,
                                      generator=generator) if allowed.any() else \
            torch.empty(0, dtype=torch.long)
        drawn.append(idx)
    # Group g's draws are the columns [ends[g] - len, ends[g]): an anchor's row of
    # ``member`` is True over its group's span, set for all anchors at once.
    ends = np.cumsum([len(idx) for idx in drawn], dtype=np.int64)
    hi = torch.from_numpy(ends[group_of].reshape(-1, 1))
    lo = hi - torch.from_numpy(np.diff(ends, prepend=0)[group_of].reshape(-1, 1))
    columns = torch.arange(int(ends[-1]) if len(ends) else 0)
    member = (columns >= lo) & (columns < hi)
    negatives = torch.cat(drawn) if drawn else torch.empty(0, dtype=torch.long)
    hog_keep = float(keep[anchor_cell].mean()) if rule.hog_filter and len(anchors) else \
        float("nan")
    return negatives, member, hog_keep


def _prob(logits: torch.Tensor) -> np.ndarray:
    return torch.sigmoid(logits.detach().float()).cpu().numpy()


def contrastive_loss(model: torch.nn.Module, teacher: torch.nn.Module | None,
                     batch: PairBatch, config: ContrastiveConfig, augment: AugmentConfig, *,
                     rule: NegativeRule, generator: torch.Generator,
                     redraw: Redraw | None = None,
                     supervised: torch.Tensor | None = None) -> ContrastiveOutcome:
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
    supervised : Tensor, optional
        (B, C, H, W) augmented supervised crops of the same step. They are forwarded
        here, in the views' forward when their shapes match (one forward costs less than
        two), each batch with its own batch norm statistics, and before the views
        otherwise; their logits come back in ``supervised_logits``.

    Returns
    -------
    ContrastiveOutcome
    """
    student = getattr(model, "module", model)
    p, k, cell = batch.view_a.shape[0], batch.core_px, config.cell_px
    soft = config.negatives_mode == "soft"
    running = config.running_batch_norm
    # The random draws keep their order (photometric A, B, the views' D4, photometric N,
    # the teacher's D4), so a seed gives the same step whichever forwards are batched.
    views = torch.cat([photometric(batch.view_a, augment, generator=generator),
                       photometric(batch.view_b, augment, generator=generator)])
    t = random_d4(generator, enabled=augment.geometric)
    negative = photometric(batch.negative, augment, generator=generator)
    n_side = (batch.negative.shape[-1] // cell) * cell  # whole HOG cells only
    # Batches of one shape share one forward (cheaper than one each: less overhead per
    # layer); each keeps its own batch norm statistics, so nothing else changes. N joins
    # the student's forward only when it gets a gradient: without one, joining would
    # make the backward pass run over N too, which costs more than N's own forward.
    shape = views.shape[1:]
    sup_joins = supervised is not None and supervised.shape[1:] == shape and \
        supervised.device == views.device
    n_grad = config.negative_gradient and not soft and torch.is_grad_enabled()
    n_joins = n_grad and negative.shape[1:] == shape
    supervised_logits = None
    if supervised is not None and not sup_joins:  # first, as the loop ran it before
        supervised_logits = model(supervised, with_embedding=False).logits
    groups = [(supervised, False)] if sup_joins else []
    groups.append((apply_d4(views, t), running))
    if n_joins:
        groups.append((negative, running))
    logits, features = _forward_groups(model, groups)
    if sup_joins:
        supervised_logits, logits, features = logits[0], logits[1:], features[1:]
    logit_ab, feat_ab = invert_d4(logits[0], t), invert_d4(features[0], t)
    if n_joins:
        logit_n, feat_n = logits[1], features[1]
    elif not soft:
        with _running_batch_norm(student, running):
            logit_n, feat_n = _forward_negative(model, negative, n_grad)
    if soft:
        # The teacher is in eval mode: its views and N batch without any change at all.
        t_teacher = random_d4(generator, enabled=augment.geometric)
        teacher_groups = [(apply_d4(views, t_teacher), False), (negative, False)]
        if negative.shape[1:] != shape:
            teacher_groups = teacher_groups[:1]
        with torch.no_grad():
            t_logits, t_features = _forward_groups(teacher, teacher_groups)
            if len(teacher_groups) == 1:
                t_logit_n, t_feat_n = _forward_negative(teacher, negative, False)
                t_logits, t_features = t_logits + (t_logit_n,), t_features + (t_feat_n,)
        t_feat_ab, feat_n = invert_d4(t_features[0], t_teacher), t_features[1]
        logit_n = t_logits[1]
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
                fresh_n = photometric(torch.from_numpy(image)[None].to(views.device), augment,
                                      generator=generator)
                out_n = _forward_negative(model, fresh_n, config.negative_gradient)
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
                              anchors_used, float(np.mean(finite)) if finite else float("nan"),
                              supervised_logits)
