"""Sliding-window prediction of an in-memory image with Hann-window blending."""

from __future__ import annotations

import numpy as np
import torch

from .errors import BadInputError
from .predict.forward import forward_probability
from .predict.layout import WindowLayout, hann_window, window_starts

# hann_window and window_starts live in engine.predict.layout (shared with the streaming
# prediction of rasters); they are re-exported here for existing callers.
__all__ = ["hann_window", "window_starts", "predict_probability"]


def predict_probability(model: torch.nn.Module, image: np.ndarray, *, tile_px: int,
                        overlap: float = 0.25, batch_size: int = 4,
                        device: torch.device | None = None, amp: bool = True,
                        tta: bool = False) -> np.ndarray:
    """Predict road probability over a normalised image held in memory.

    The window layout, Hann weights and forward pass are those of
    :func:`engine.predict.predict_raster`, which streams a raster instead; this
    function accumulates over the whole image and is its reference.

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
    tta : bool
        Average over the 8 flips and quarter turns of each window.

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
    layout = WindowLayout.for_grid(h, w, tile_px=tile_px, overlap=overlap)
    ph, pw = layout.padded_shape
    padded = np.zeros((c, ph, pw), np.float32)
    padded[:, :h, :w] = image
    weights = hann_window(tile_px)
    acc = np.zeros((ph, pw), np.float32)
    norm = np.zeros((ph, pw), np.float32)
    offsets = [(r, q) for _, r, q in layout.offsets()]
    for i in range(0, len(offsets), batch_size):
        chunk = offsets[i:i + batch_size]
        batch = np.stack([padded[:, r:r + tile_px, q:q + tile_px] for r, q in chunk])
        probs = forward_probability(model, batch, device=device, amp=amp, tta=tta)
        for (r, q), prob in zip(chunk, probs, strict=True):
            acc[r:r + tile_px, q:q + tile_px] += prob * weights
            norm[r:r + tile_px, q:q + tile_px] += weights
    return (acc / norm)[:h, :w]
