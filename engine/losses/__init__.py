"""Losses: supervised BCE + Dice, pixel-wise contrastive (hard and soft), HOG negative filter."""

from __future__ import annotations

from .contrastive import (
    cell_index,
    pixel_infonce,
    sample_anchor_indices,
    sample_negative_indices,
    soft_infonce,
    update_ema_teacher,
)
from .hog_filter import cell_hog_descriptors, negative_keep_mask
from .supervised import supervised_loss

__all__ = [
    "supervised_loss",
    "cell_hog_descriptors",
    "negative_keep_mask",
    "pixel_infonce",
    "soft_infonce",
    "sample_anchor_indices",
    "sample_negative_indices",
    "cell_index",
    "update_ema_teacher",
]
