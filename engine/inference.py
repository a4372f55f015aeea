"""Sliding-window prediction of an in-memory image with Hann-window blending."""

from __future__ import annotations

import numpy as np
import torch

from .device import autocast
from .errors import BadInputError

__all__ = ["hann_window", "window_starts", "predict_probability"]


def hann_window(tile_px: int) -> np.ndarray:
    """2-D Hann weights of shape (tile_px, tile_px), floored so edge pixels still count.

    The floor (1e-3) keeps pixels that only one window sees (the raster's border)
    defined instead of 0 / 0.
    """
    w = np.hanning(tile_px + 2)[1:-1].astype(np.float32)
    return np.maximum(np.outer(w, w), 1e-3).astype(np.float32)


def window_starts(length: int, tile_px: int, stride: int) -> list[int]:
    """Offsets of windows of ``tile_px`` covering ``length`` with the given stride."""
    if length <= tile_px:
        return [0]
    starts = list(range(0, length - tile_px + 1, stride))
    if starts[-1] != length - tile_px:
        starts.append(length - tile_px)
    return starts


def _forward(model: torch.nn.Module, batch: np.ndarray, device: torch.device,
             amp: bool) -> np.ndarray:
    x = torch.from_numpy(batch).to(device)
    if device.type == "cuda":
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode(), autocast(device, amp):
        logits = model(x, with_embedding=False).logits
    return torch.sigmoid(logits.float())[:, 0].cpu().numpy()


def predict_probability(model: torch.nn.Module, image: np.ndarray, *, tile_px: int,
                        overlap: float = 0.25, batch_size: int = 4,
                        device: torch.device | None = None, amp: bool = True) -> np.ndarray:
    """Predict road probability over a normalised image held in memory.

    Parameters
    ----------
    model : RoadNet
        In eval mode on ``device``.
    image : ndarray of float32, shape (C, H, W)
        Normalised image.
    tile_px : int
        Window side.
    overlap : float
        Fraction of a window shared with its neighbour, in [0, 0.9].
    batch_size : int
        Windows per forward pass.
    device : torch.device, optional
        Where the model lives (CPU when omitted).
    amp : bool
        bf16 autocast on CUDA.

    Returns
    -------
    ndarray of float32, shape (H, W)
        Road probability in [0, 1].
    """
    if image.ndim != 3:
        raise BadInputError(f"image must be (C, H, W), got shape {image.shape}")
    if not 0.0 <= overlap <= 0.9:
        raise BadInputError(f"overlap must be in [0, 0.9], got {overlap}")
    device = device or torch.device("cpu")
    c, h, w = image.shape
    ph, pw = max(h, tile_px), max(w, tile_px)
    padded = np.zeros((c, ph, pw), np.float32)
    padded[:, :h, :w] = image
    stride = max(1, int(round(tile_px * (1 - overlap))))
    weights = hann_window(tile_px)
    acc = np.zeros((ph, pw), np.float32)
    norm = np.zeros((ph, pw), np.float32)
    offsets = [(r, q) for r in window_starts(ph, tile_px, stride)
               for q in window_starts(pw, tile_px, stride)]
    for i in range(0, len(offsets), batch_size):
        chunk = offsets[i:i + batch_size]
        batch = np.stack([padded[:, r:r + tile_px, q:q + tile_px] for r, q in chunk])
        for (r, q), prob in zip(chunk, _forward(model, batch, device, amp), strict=True):
            acc[r:r + tile_px, q:q + tile_px] += prob * weights
            norm[r:r + tile_px, q:q + tile_px] += weights
    return (acc / norm)[:h, :w]
