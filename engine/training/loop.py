"""One round of training steps: supervised crops plus the contrastive pairs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from ..augment import apply_d4, photometric, random_d4, random_scale, resize_crop
from ..config import TrainConfig
from ..device import autocast
from ..distributed import DistributedContext
from ..errors import CancelledError
from ..events import Reporter
from ..io.raster import Window
from ..labels import IGNORE
from ..losses.contrastive import update_ema_teacher
from ..losses.supervised import supervised_loss
from ..predict.forward import cancel_checks
from .contrastive_step import ContrastiveOutcome, NegativeRule, contrastive_loss
from .crops import CropPool
from .pair_batch import PairBatch, draw_pair_batch, negative_redraw
from .pair_sites import PairSites
from .sources import slice_padded

__all__ = ["RoundInputs", "RoundStreams", "train_round", "lr_at", "contrastive_round_weight",
           "supervised_batch", "pair_batch", "negative_rule"]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]

#: Warm-up length as a share of the round's steps.
WARMUP_SHARE = 0.05


@dataclass
class RoundInputs:
    """What a round trains on."""

    read: Reader  # (source, window) -> normalised image, valid mask
    labels: list[np.ndarray | None]  # per raster: human (minus hold-out) + pseudo labels
    human_pool: CropPool  # crops around human labels
    pseudo_pool: CropPool | None  # crops around pseudo-labels (None in round 1)
    sites: PairSites | None = None  # where contrastive pairs go (None: no contrastive term)
    contrastive_scale: float = 1.0  # lambda_c multiplier (the unlabeled share of pixels)


@dataclass
class RoundStreams:
    """The random streams one round draws from, each independent of the others."""

    crops: np.random.Generator  # supervised crop windows
    train_torch: torch.Generator  # supervised augmentation
    pairs: np.random.Generator | None = None  # contrastive pair windows
    pairs_torch: torch.Generator | None = None  # contrastive augmentation and sampling


def lr_at(step: int, steps: int, base_lr: float) -> float:
    """Linear warm-up then cosine decay to 5 % of ``base_lr`` over a round."""
    warm = max(1, int(WARMUP_SHARE * steps))
    if step < warm:
        return base_lr * (step + 1) / warm
    t = (step - warm) / max(1, steps - warm)
    return base_lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def contrastive_round_weight(step: int, round_index: int, *, steps: int, weight: float,
                             rampup_fraction: float, start_round: int = 1) -> float:
    """lambda_c at a step of a round (0-based): 0 before ``start_round`` (1-based), a
    sigmoid-shaped ramp-up, exp(-5 (1 - t)^2), over its first ``rampup_fraction`` of
    steps in that round, ``weight`` after.

    The contrastive gradient, at full weight on a random network, swamps the supervised
    one; the HOG filter also needs predictions with some structure. Letting the
    supervised branch lead for the first steps avoids both (Laine and Aila's ramp).
    """
    if round_index + 1 < start_round:
        return 0.0
    ramp = rampup_fraction * steps
    if round_index + 1 > start_round or ramp <= 0 or step >= ramp:
        return weight
    return weight * math.exp(-5.0 * (1.0 - step / ramp) ** 2)


def supervised_batch(inputs: RoundInputs, config: TrainConfig, rng: np.random.Generator,
                     generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """One step's augmented supervised crops (B, C, crop, crop) and labels (B, crop, crop)."""
    n = config.batch_size
    n_pseudo = 0
    if inputs.pseudo_pool is not None and not inputs.pseudo_pool.empty:
        n_pseudo = int(rng.binomial(n, config.pseudo.batch_share))
    n_human = n if config.pseudo.batch_mode == "add" else n - n_pseudo
    crops = inputs.human_pool.sample(n_human, config.crop_px,
                                     road_share=config.road_crop_share, rng=rng)
    if n_pseudo:
        crops += inputs.pseudo_pool.sample(n_pseudo, config.crop_px,
                                           road_share=config.road_crop_share, rng=rng)
    xs, ys = [], []
    for src, win in crops:
        win = _zoomed(win, random_scale(generator, config.augment.scale))
        image, valid = inputs.read(src, win)
        lab = slice_padded(inputs.labels[src], win, IGNORE)
        lab[~valid] = IGNORE
        x1, y1 = resize_crop(torch.from_numpy(image), torch.from_numpy(lab), config.crop_px)
        t = random_d4(generator, enabled=config.augment.geometric)
        xs.append(apply_d4(x1, t))
        ys.append(apply_d4(y1, t))
    x = photometric(torch.stack(xs), config.augment, generator=generator)
    return x, torch.stack(ys)


def _zoomed(window: Window, factor: float) -> Window:
    """The square window of side ``factor`` times ``window``'s, on the same centre."""
    if factor == 1.0:
        return window
    side = max(8, round(window.rows * factor))
    return Window(window.row_off + (window.rows - side) // 2,
                  window.col_off + (window.cols - side) // 2, side, side)


def _param_groups(model: torch.nn.Module, encoder_lr_scale: float) -> list[dict]:
    """The decoder and heads at the full learning rate, an ImageNet encoder at a share of
    it (``lr_scale``, read at every step)."""
    student = model.module if isinstance(model, DistributedDataParallel) else model
    encoder = getattr(getattr(student, "backbone", None), "encoder", None)
    if encoder is None or not isinstance(encoder, torch.nn.Module):
        return [{"params": list(model.parameters()), "lr_scale": 1.0}]
    inside = {id(p) for p in encoder.parameters()}
    rest = [p for p in model.parameters() if id(p) not in inside]
    return [{"params": rest, "lr_scale": 1.0},
            {"params": list(encoder.parameters()), "lr_scale": encoder_lr_scale}]


def pair_batch(inputs: RoundInputs, config: TrainConfig, rng: np.random.Generator,
               device: torch.device) -> PairBatch | None:
    """One step's positive pairs with their negative regions, on ``device`` (None: none)."""
    if inputs.sites is None:
        return None
    return draw_pair_batch(inputs.read, inputs.sites, config.contrastive, rng, device)


def negative_rule(config: TrainConfig) -> NegativeRule:
    """The rules that pick negatives, from the configuration."""
    c, p = config.contrastive, config.pseudo
    return NegativeRule(c.hog_filter, c.hog_threshold, c.cell_px, c.drop_same_class_negatives,
                        p.road_threshold, p.background_threshold, c.other_class_negatives)


def _contrastive_term(model: torch.nn.Module, teacher: torch.nn.Module | None,
                      inputs: RoundInputs, config: TrainConfig, streams: RoundStreams,
                      device: torch.device, x: torch.Tensor) -> ContrastiveOutcome | None:
    """The step's contrastive term; it also forwards the supervised crops ``x`` (their
    logits are ``supervised_logits``). None when no pair could be drawn."""
    assert streams.pairs is not None and streams.pairs_torch is not None
    batch = pair_batch(inputs, config, streams.pairs, device)
    if batch is None:
        return None
    assert inputs.sites is not None
    return contrastive_loss(model, teacher, batch, config.contrastive, config.augment,
                            rule=negative_rule(config), generator=streams.pairs_torch,
                            redraw=negative_redraw(inputs.read, inputs.sites, batch,
                                                   config.contrastive, streams.pairs),
                            supervised=x)


def _touch(module: torch.nn.Module) -> torch.Tensor:
    """Zero that depends on every parameter: keeps DDP's gradient buckets complete on a
    step without a contrastive term."""
    return sum(p.sum() for p in module.parameters()) * 0.0


def train_round(model: torch.nn.Module, teacher: torch.nn.Module | None, inputs: RoundInputs,
                config: TrainConfig, *, steps: int, device: torch.device,
                streams: RoundStreams, reporter: Reporter, stage: str,
                round_index: int = 1,
                dist: DistributedContext | None = None) -> dict[str, float]:
    """Run ``steps`` optimiser steps of L_sup + lambda_c * L_contrast.

    ``model`` may be in DistributedDataParallel (``dist`` then says which process this
    is): the gradients are averaged over the processes, and cancel is agreed between
    them at each step, so that no process is left waiting in a collective. The teacher
    (soft negatives) runs in eval mode: its batch norm uses the running statistics it
    copies from the student, not those of a batch of two or four views. ``round_index``
    (0-based) sets lambda_c (:func:`contrastive_round_weight`): the default, 1, is a
    round after the first, at full weight from its first step.

    Returns
    -------
    dict
        Mean ``loss`` and ``loss_supervised`` of the round; ``loss_contrastive``, the
        mean over the steps that had a contrastive term (NaN if none);
        ``contrastive_step_share`` and ``contrastive_anchor_share``, the share of steps,
        and of sampled anchors, that carried a contrastive loss (NaN with the branch off).
    """
    optimizer = torch.optim.AdamW(_param_groups(model, config.encoder_lr_scale),
                                  lr=config.learning_rate, weight_decay=config.weight_decay)
    dist = dist if dist is not None else DistributedContext()
    student = model.module if isinstance(model, DistributedDataParallel) else model
    model.train()
    if teacher is not None:
        teacher.eval()
    sums = {"loss": 0.0, "loss_supervised": 0.0, "loss_contrastive": 0.0}
    counts = {"steps": 0, "anchors": 0, "anchors_used": 0}
    # One process checks for cancel before every layer too, so that a step of seconds on a
    # CPU does not delay it; several processes agree on it once a step (a process leaving
    # alone mid-step would leave the others waiting in a collective).
    with cancel_checks(student, None if dist.is_distributed else reporter.check_cancelled):
        _steps(model, teacher, inputs, config, steps=steps, device=device, streams=streams,
               reporter=reporter, stage=stage, round_index=round_index, dist=dist,
               optimizer=optimizer, sums=sums, counts=counts)
    use_contrast = _uses_contrast(config, inputs, round_index)
    nan = float("nan")
    return {"loss": sums["loss"] / steps, "loss_supervised": sums["loss_supervised"] / steps,
            "loss_contrastive": sums["loss_contrastive"] / counts["steps"]
            if counts["steps"] else nan,
            "contrastive_step_share": counts["steps"] / steps if use_contrast else nan,
            "contrastive_anchor_share": counts["anchors_used"] / counts["anchors"]
            if counts["anchors"] else nan}


def _uses_contrast(config: TrainConfig, inputs: RoundInputs, round_index: int) -> bool:
    return (config.contrastive.on_in_round(round_index) and config.contrastive.weight > 0
            and inputs.sites is not None and inputs.contrastive_scale > 0)


def _steps(model: torch.nn.Module, teacher: torch.nn.Module | None, inputs: RoundInputs,
           config: TrainConfig, *, steps: int, device: torch.device, streams: RoundStreams,
           reporter: Reporter, stage: str, round_index: int, dist: DistributedContext,
           optimizer: torch.optim.Optimizer, sums: dict[str, float],
           counts: dict[str, int]) -> None:
    """The optimiser steps of a round; adds the losses and counts into ``sums``/``counts``."""
    use_contrast = _uses_contrast(config, inputs, round_index)
    amp = config.mixed_precision
    student = model.module if isinstance(model, DistributedDataParallel) else model
    for step in range(steps):
        if dist.any_true(reporter.should_stop()):
            raise CancelledError("the run was cancelled")
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, steps, config.learning_rate) * group["lr_scale"]
        x, y = supervised_batch(inputs, config, streams.crops, streams.train_torch)
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        if device.type == "cuda" and config.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        outcome, hog_keep = None, float("nan")
        with autocast(device, amp):
            # The contrastive term forwards the crops with its views (one forward, each
            # batch with its own batch norm statistics); without it they go alone.
            if use_contrast:
                outcome = _contrastive_term(model, teacher, inputs, config, streams, device, x)
            logits = outcome.supervised_logits if outcome is not None else None
            if logits is None:
                logits = model(x, with_embedding=False).logits
            l_sup = supervised_loss(logits.float(), y, dice_weight=config.dice_weight)
            loss = l_sup
            if use_contrast:
                lam = inputs.contrastive_scale * contrastive_round_weight(
                    step, round_index, steps=steps, weight=config.contrastive.weight,
                    rampup_fraction=config.contrastive.rampup_fraction,
                    start_round=config.contrastive.start_round)
                if outcome is not None:
                    counts["anchors"] += outcome.anchors
                    counts["anchors_used"] += outcome.anchors_used
                    hog_keep = outcome.hog_keep
                if outcome is not None and outcome.loss is not None:
                    loss = l_sup + lam * outcome.loss
            if loss is l_sup and dist.is_distributed and inputs.sites is not None:
                # no contrastive loss this step (none drawn, or the term starts in a later
                # round): DDP was set up for a branch that is on, so the head takes part
                loss = l_sup + _touch(student.projection_head)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        if teacher is not None:
            update_ema_teacher(teacher, student, momentum=config.contrastive.teacher_momentum)
        l_con = None if outcome is None or outcome.loss is None else float(outcome.loss.item())
        sums["loss"] += loss.item()
        sums["loss_supervised"] += l_sup.item()
        if l_con is not None:
            sums["loss_contrastive"] += l_con
            counts["steps"] += 1
        reporter.progress(stage, step + 1, steps, loss=loss.item(),
                          loss_supervised=l_sup.item(), loss_contrastive=l_con,
                          hog_keep=hog_keep)
