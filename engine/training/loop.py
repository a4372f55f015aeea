"""One round of training steps: supervised crops plus the contrastive pairs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from ..augment import apply_d4, photometric, random_d4
from ..config import TrainConfig
from ..device import autocast
from ..distributed import DistributedContext
from ..errors import CancelledError
from ..events import Reporter
from ..io.raster import Window
from ..labels import IGNORE
from ..losses.contrastive import update_ema_teacher
from ..losses.supervised import supervised_loss
from ..pairs import sample_pair
from .contrastive_step import PairBatch, contrastive_loss, read_pair_batch
from .crops import CropPool
from .sources import slice_padded

__all__ = ["RoundInputs", "train_round", "lr_at", "contrastive_weight_at", "supervised_batch",
           "pair_batch"]

Reader = Callable[[int, Window], tuple[np.ndarray, np.ndarray]]

#: Share of supervised crops centred on a road pixel (roads are often < 5 % of pixels).
ROAD_CROP_SHARE = 0.5
#: Warm-up length as a share of the round's steps.
WARMUP_SHARE = 0.05


@dataclass
class RoundInputs:
    """What a round trains on."""

    read: Reader  # (source, window) -> normalised image, valid mask
    labels: list[np.ndarray | None]  # per raster: human (minus hold-out) + pseudo labels
    human_pool: CropPool  # crops around human labels
    pseudo_pool: CropPool | None  # crops around pseudo-labels (None in round 1)
    shapes: list[tuple[int, int]]  # (rows, cols) of every raster, for contrastive pairs


def lr_at(step: int, steps: int, base_lr: float) -> float:
    """Linear warm-up then cosine decay to 5 % of ``base_lr`` over a round."""
    warm = max(1, int(WARMUP_SHARE * steps))
    if step < warm:
        return base_lr * (step + 1) / warm
    t = (step - warm) / max(1, steps - warm)
    return base_lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


def contrastive_weight_at(step: int, steps: int, *, weight: float, rampup_fraction: float,
                          first_round: bool) -> float:
    """lambda_c at a step: a sigmoid-shaped ramp-up, exp(-5 (1 - t)^2), in the first round.

    The contrastive gradient, at full weight on a random network, swamps the supervised
    one; the HOG filter also needs predictions with some structure. Letting the
    supervised branch lead for the first steps avoids both (Laine and Aila's ramp).
    """
    ramp = rampup_fraction * steps
    if not first_round or ramp <= 0 or step >= ramp:
        return weight
    return weight * math.exp(-5.0 * (1.0 - step / ramp) ** 2)


def supervised_batch(inputs: RoundInputs, config: TrainConfig, rng: np.random.Generator,
                     generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """One step's augmented supervised crops (B, C, crop, crop) and labels (B, crop, crop)."""
    n = config.batch_size
    n_pseudo = 0
    if inputs.pseudo_pool is not None and not inputs.pseudo_pool.empty:
        n_pseudo = int(rng.binomial(n, config.pseudo.batch_share))
    crops = inputs.human_pool.sample(n - n_pseudo, config.crop_px, road_share=ROAD_CROP_SHARE,
                                     rng=rng)
    if n_pseudo:
        crops += inputs.pseudo_pool.sample(n_pseudo, config.crop_px,
                                           road_share=ROAD_CROP_SHARE, rng=rng)
    xs, ys = [], []
    for src, win in crops:
        image, valid = inputs.read(src, win)
        lab = slice_padded(inputs.labels[src], win, IGNORE)
        lab[~valid] = IGNORE
        t = random_d4(generator)
        xs.append(apply_d4(torch.from_numpy(image), t))
        ys.append(apply_d4(torch.from_numpy(lab), t))
    x = photometric(torch.stack(xs), config.augment, generator=generator)
    return x, torch.stack(ys)


def pair_batch(inputs: RoundInputs, config: TrainConfig, rng: np.random.Generator,
               device: torch.device) -> PairBatch:
    """One step's positive pairs with their negative regions, on ``device``."""
    c = config.contrastive
    pairs = [sample_pair(inputs.shapes, core_px=c.core_px, view_px=c.view_px,
                         negative_px=c.negative_px, rng=rng) for _ in range(c.pairs_per_step)]
    return read_pair_batch(inputs.read, pairs, device)


def train_round(model: torch.nn.Module, teacher: torch.nn.Module | None, inputs: RoundInputs,
                config: TrainConfig, *, steps: int, device: torch.device,
                rng: np.random.Generator, generator: torch.Generator, reporter: Reporter,
                stage: str, first_round: bool = False,
                dist: DistributedContext | None = None) -> dict[str, float]:
    """Run ``steps`` optimiser steps of L_sup + lambda_c * L_contrast.

    ``model`` may be in DistributedDataParallel (``dist`` then says which process this
    is): the gradients are averaged over the processes, and cancel is agreed between
    them at each step, so that no process is left waiting in a collective.

    Returns
    -------
    dict
        Mean ``loss``, ``loss_supervised`` and ``loss_contrastive`` of the round.
    """
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    use_contrast = config.contrastive.enabled and config.contrastive.weight > 0
    amp = config.mixed_precision
    dist = dist if dist is not None else DistributedContext()
    student = model.module if isinstance(model, DistributedDataParallel) else model
    model.train()
    sums = {"loss": 0.0, "loss_supervised": 0.0, "loss_contrastive": 0.0}
    for step in range(steps):
        if dist.any_true(reporter.should_stop()):
            raise CancelledError("the run was cancelled")
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, steps, config.learning_rate)
        x, y = supervised_batch(inputs, config, rng, generator)
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        if device.type == "cuda" and config.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with autocast(device, amp):
            out = model(x, with_embedding=False)
            l_sup = supervised_loss(out.logits.float(), y, dice_weight=config.dice_weight)
            l_con, hog_keep = torch.zeros((), device=device), float("nan")
            if use_contrast:
                batch = pair_batch(inputs, config, rng, device)
                l_con, hog_keep = contrastive_loss(model, teacher, batch, config.contrastive,
                                                   config.augment, generator=generator)
            lam = contrastive_weight_at(step, steps, weight=config.contrastive.weight,
                                        rampup_fraction=config.contrastive.rampup_fraction,
                                        first_round=first_round)
            loss = l_sup + lam * l_con
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        if teacher is not None:
            update_ema_teacher(teacher, student, momentum=config.contrastive.teacher_momentum)
        values = (loss.item(), l_sup.item(), float(l_con.item()))
        for key, v in zip(sums, values, strict=True):
            sums[key] += v
        reporter.progress(stage, step + 1, steps, loss=values[0], loss_supervised=values[1],
                          loss_contrastive=values[2], hog_keep=hog_keep)
    return {k: v / steps for k, v in sums.items()}
