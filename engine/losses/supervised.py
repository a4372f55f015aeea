"""Supervised loss on labeled pixels only: BCE plus soft Dice, ignoring unlabeled pixels."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import Tensor

from ..errors import BadInputError

__all__ = ["supervised_loss", "BACKGROUND", "ROAD", "IGNORE"]

BACKGROUND = 0  # label value of background pixels
ROAD = 1  # label value of road pixels
IGNORE = 255  # label value of unlabeled pixels; they never count as background
DICE_SMOOTH = 1.0  # additive smoothing of the Dice ratio, in pixels


def supervised_loss(logits: Tensor, labels: Tensor, *, dice_weight: float = 1.0) -> Tensor:
    """BCE-with-logits plus ``dice_weight`` times soft Dice, over labeled pixels only.

    The BCE is the mean over labeled pixels of the batch; the soft Dice is computed once
    over all labeled pixels of the batch (not per image), ``1 - (2 sum(p t) + s) /
    (sum(p) + sum(t) + s)`` with smoothing s = 1, so a crop with no road and p ~ 0 costs ~0.

    Parameters
    ----------
    logits : Tensor
        (B, 1, H, W) float road logits.
    labels : Tensor
        (B, H, W) uint8: 0 background, 1 road, 255 unlabeled (ignored).
    dice_weight : float
        Weight of the Dice term, >= 0.

    Returns
    -------
    Tensor
        Scalar float loss. With no labeled pixel it is 0, still connected to ``logits``
        (so ``backward`` works and gives zero gradients).
    """
    _check_inputs(logits, labels, dice_weight)
    logits = logits[:, 0].float()
    labeled = labels != IGNORE
    if not bool(labeled.any()):
        return logits.sum() * 0.0
    target = (labels == ROAD).to(logits.dtype)
    bce = F.binary_cross_entropy_with_logits(logits[labeled], target[labeled])
    if dice_weight == 0:
        return bce
    weight = labeled.to(logits.dtype)
    prob = torch.sigmoid(logits) * weight
    intersection = (prob * target).sum()
    denominator = prob.sum() + (target * weight).sum()
    dice = 1.0 - (2.0 * intersection + DICE_SMOOTH) / (denominator + DICE_SMOOTH)
    return bce + dice_weight * dice


def _check_inputs(logits: Tensor, labels: Tensor, dice_weight: float) -> None:
    if logits.dim() != 4 or logits.shape[1] != 1 or not logits.is_floating_point():
        raise BadInputError(
            f"logits must be a (B, 1, H, W) float tensor, got shape {tuple(logits.shape)} "
            f"and dtype {logits.dtype}"
        )
    expected = (logits.shape[0], *logits.shape[2:])
    if tuple(labels.shape) != expected:
        raise BadInputError(
            f"labels must have shape (B, H, W) = {expected} to match logits, "
            f"got {tuple(labels.shape)}"
        )
    if labels.dtype != torch.uint8:
        raise BadInputError(f"labels must be uint8 (0, 1, 255), got dtype {labels.dtype}")
    unknown = (labels != BACKGROUND) & (labels != ROAD) & (labels != IGNORE)
    if bool(unknown.any()):
        value = int(labels[unknown][0])
        raise BadInputError(f"labels hold value {value}; allowed: 0 background, 1 road, 255 ignore")
    if not (dice_weight >= 0 and dice_weight < float("inf")):
        raise BadInputError(f"dice_weight={dice_weight!r} is invalid: a finite number >= 0")
