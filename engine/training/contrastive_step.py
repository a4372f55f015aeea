"""The contrastive term of one training step: read pairs, forward the views, pair pixels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..augment import apply_d4, invert_d4, photometric, random_d4
from ..config import AugmentConfig, ContrastiveConfig
from ..io.raster import Window
from ..losses.contrastive import (
    cell_index,
    pixel_infonce,
    sample_anchor_indices,
    sample_negative_indices,
    soft_infonce,
)
from ..losses.hog_filter import cell_hog_descriptors, cell_road_mask, negative_keep_mask
from ..pairs import PairWindows, core_offset

__all__ = ["PairBatch", "read_pair_batch", "contrastive_loss"]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]


@dataclass
class PairBatch:
    """P positive pairs with their negative regions, as tensors on one device."""

    view_a: torch.Tensor  # (P, C, V, V) float32
    view_b: torch.Tensor  # (P, C, V, V)
    negative: torch.Tensor  # (P, C, N, N)
    valid_core: torch.Tensor  # (P, R, R) bool: valid in both views
    valid_negative: torch.Tensor  # (P, N, N) bool
    core_a: list[tuple[int, int]]  # R's top-left inside A, per pair
    core_b: list[tuple[int, int]]
    core_px: int


def read_pair_batch(read: Reader, pairs: list[PairWindows], device: torch.device) -> PairBatch:
    """Read the views and negatives of ``pairs`` and move them to ``device``."""
    va, vb, vn, valid_core, valid_neg, ca, cb = [], [], [], [], [], [], []
    for p in pairs:
        (ia, ma), (ib, mb) = read(p.source, p.view_a), read(p.source, p.view_b)
        inn, mn = read(p.negative_source, p.negative)
        (ra, qa), (rb, qb) = core_offset(p.core, p.view_a), core_offset(p.core, p.view_b)
        k = p.core.rows
        valid_core.append(ma[ra:ra + k, qa:qa + k] & mb[rb:rb + k, qb:qb + k])
        va.append(ia)
        vb.append(ib)
        vn.append(inn)
        valid_neg.append(mn)
        ca.append((ra, qa))
        cb.append((rb, qb))

    def to(x: list[np.ndarray]) -> torch.Tensor:
        return torch.from_numpy(np.stack(x)).to(device)

    return PairBatch(to(va), to(vb), to(vn), to(valid_core), to(valid_neg), ca, cb,
                     pairs[0].core.rows)


def _forward_views(model: torch.nn.Module, x: torch.Tensor,
                   generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward under a random D4 transform and undo it, so pixels stay aligned."""
    t = random_d4(generator)
    out = model(apply_d4(x, t))
    return invert_d4(out.logits, t), invert_d4(out.embedding, t)


def _crop_core(t: torch.Tensor, at: tuple[int, int], k: int) -> torch.Tensor:
    return t[..., at[0]:at[0] + k, at[1]:at[1] + k]


def _pixels(emb: torch.Tensor) -> torch.Tensor:
    """(D, H, W) -> (H*W, D)."""
    return emb.flatten(1).transpose(0, 1)


def _hog_keep(prob_r: np.ndarray, prob_n: np.ndarray, anchors: torch.Tensor,
              negs: torch.Tensor, k: int, n_side: int, config: ContrastiveConfig
              ) -> torch.Tensor:
    """(anchors, negatives) mask: the negative's cell must not look like the anchor's."""
    cell = config.cell_px
    cells = negative_keep_mask(
        cell_hog_descriptors(prob_r, cell_px=cell), cell_hog_descriptors(prob_n, cell_px=cell),
        threshold=config.hog_threshold, anchor_road=cell_road_mask(prob_r, cell_px=cell),
        negative_road=cell_road_mask(prob_n, cell_px=cell))
    cells_t = torch.from_numpy(cells)
    return cells_t[cell_index(anchors.cpu(), width=k, cell_px=cell)][
        :, cell_index(negs.cpu(), width=n_side, cell_px=cell)]


def contrastive_loss(model: torch.nn.Module, teacher: torch.nn.Module | None,
                     batch: PairBatch, config: ContrastiveConfig, augment: AugmentConfig, *,
                     generator: torch.Generator) -> tuple[torch.Tensor, float]:
    """Pixel-wise contrastive loss of a batch of positive pairs (DESIGN.md section 2).

    Anchors are sampled in R (stratified by predicted class); the positive of each is the
    same ground pixel in the other view; negatives come from N. In ``hard`` mode, the
    negatives of an anchor are limited to cells of N whose HOG descriptor (of the
    predicted road probability) is unlike the anchor's cell; in ``soft`` mode, an EMA
    teacher gives the target similarity distribution instead.

    Returns
    -------
    loss : Tensor
        Scalar loss, averaged over pairs.
    hog_keep : float
        Share of (anchor, negative) pairs the HOG filter kept (NaN when it did not run).
    """
    p, k, cell = batch.view_a.shape[0], batch.core_px, config.cell_px
    xa = photometric(batch.view_a, augment, generator=generator)
    xb = photometric(batch.view_b, augment, generator=generator)
    xn = photometric(batch.negative, augment, generator=generator)
    logit_ab, emb_ab = _forward_views(model, torch.cat([xa, xb]), generator)
    n_side = (batch.negative.shape[-1] // cell) * cell  # whole HOG cells only
    soft = config.negatives_mode == "soft"
    if soft:
        assert teacher is not None, "soft negatives need the EMA teacher"
        with torch.no_grad():
            t_logit_ab, t_emb_ab = _forward_views(teacher, torch.cat([xa, xb]), generator)
            out_n = teacher(xn)
    else:
        out_n = model(xn)
    logit_n = out_n.logits[..., :n_side, :n_side]
    emb_n = out_n.embedding[..., :n_side, :n_side]
    valid_n = batch.valid_negative[:, :n_side, :n_side]
    losses, kept_fractions = [], []
    for i in range(p):
        la, lb = _crop_core(logit_ab[i], batch.core_a[i], k), _crop_core(logit_ab[p + i],
                                                                        batch.core_b[i], k)
        ea = _pixels(_crop_core(emb_ab[i], batch.core_a[i], k))
        eb = _pixels(_crop_core(emb_ab[p + i], batch.core_b[i], k))
        prob_r = torch.sigmoid((la + lb).float().detach() / 2)[0]
        anchors = sample_anchor_indices(prob_r.cpu(), batch.valid_core[i].cpu(),
                                        count=config.anchors,
                                        road_fraction=config.road_anchor_fraction,
                                        generator=generator).to(ea.device)
        negs = sample_negative_indices(valid_n[i].cpu(), count=config.negatives,
                                       generator=generator).to(ea.device)
        if len(anchors) == 0 or len(negs) == 0:
            continue
        neg_emb = _pixels(emb_n[i])[negs]
        if soft:
            ta = _pixels(_crop_core(t_emb_ab[i], batch.core_a[i], k))[anchors]
            tb = _pixels(_crop_core(t_emb_ab[p + i], batch.core_b[i], k))[anchors]
            losses.append(soft_infonce(ea[anchors], tb, neg_emb, ta,
                                       student_temperature=config.student_temperature,
                                       teacher_temperature=config.teacher_temperature))
            continue
        a, b = ea[anchors], eb[anchors]
        keep = None
        if config.hog_filter:
            prob_n = torch.sigmoid(logit_n[i, 0].float().detach()).cpu().numpy()
            keep = _hog_keep(prob_r.cpu().numpy(), prob_n, anchors, negs, k, n_side, config)
            keep = keep.to(ea.device)
            # Anchors left without any negative carry no signal (-log 1 = 0); dropping
            # them keeps them from diluting the mean of those that have negatives.
            has_neg = keep.any(dim=1)
            kept_fractions.append(float(keep.float().mean()))
            if not bool(has_neg.any()):
                continue
            a, b, keep = a[has_neg], b[has_neg], keep[has_neg]
        losses.append(0.5 * (pixel_infonce(a, b, neg_emb, keep=keep,
                                           temperature=config.temperature)
                             + pixel_infonce(b, a, neg_emb, keep=keep,
                                             temperature=config.temperature)))
    hog_keep = float(np.mean(kept_fractions)) if kept_fractions else float("nan")
    if not losses:
        return emb_ab.sum() * 0.0, hog_keep
    return torch.stack(losses).mean(), hog_keep
