"""Reading windows of a raster into normalised batches, passing over all-nodata windows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from ..io.raster import Window, open_raster, read_valid_mask, read_window, window_is_empty
from ..normalization import BandStats, normalize
from .layout import WindowLayout

__all__ = ["WindowBatch", "read_batches", "HEARTBEAT_WINDOWS"]

#: A batch goes to the consumer at least every this many windows, predicted or skipped.
HEARTBEAT_WINDOWS = 64


@dataclass
class WindowBatch:
    """Windows ready for the model, plus how far through the layout they reach."""

    offsets: list[tuple[int, int, int]]  # (row_index, row_off, col_off) of each window
    pixels: np.ndarray | torch.Tensor  # (B, C, T, T) float32 normalised (pinned on CUDA)
    valid: np.ndarray  # (B, T, T) bool, True where the input holds data
    windows_done: int  # layout windows passed since the previous batch, skipped included
    skipped: int  # of those, the all-nodata windows that are not predicted
    next_row: int  # grid row of the last window passed: no later window starts above it


def _batch(items: list[tuple[tuple[int, int, int], np.ndarray, np.ndarray]], bands: int,
           tile_px: int, done: int, skipped: int, next_row: int,
           pin_memory: bool) -> WindowBatch:
    if items:
        pixels = np.stack([item[1] for item in items])
        valid = np.stack([item[2] for item in items])
    else:  # only skipped windows since the previous batch
        pixels = np.zeros((0, bands, tile_px, tile_px), np.float32)
        valid = np.zeros((0, tile_px, tile_px), bool)
    tensor = torch.from_numpy(pixels).pin_memory() if pin_memory and items else pixels
    return WindowBatch([item[0] for item in items], tensor, valid, done, skipped, next_row)


def read_batches(path: str, layout: WindowLayout, stats: BandStats, *, batch_size: int,
                 pin_memory: bool = False, rows: range | None = None,
                 counted: range | None = None) -> Iterator[WindowBatch]:
    """Read the layout's windows in order and group those with data into batches.

    Windows may extend past the raster (when it is smaller than a window); the pixels
    outside it are invalid. Invalid pixels are 0 after normalisation. Windows that GDAL
    reports empty (:func:`~engine.io.windows.window_is_empty`: outside a VRT's sources,
    missing blocks of a sparse file) are skipped unread, and a batch is handed on at
    least every 64 windows, even with no window to predict, so that progress and cancel
    are seen, and the rows above are written, while a large empty area passes.

    Parameters
    ----------
    path : str
        The raster; opened here, so the dataset belongs to the calling thread.
    layout : WindowLayout
        The windows, on the raster's grid.
    stats : BandStats
        The model's normalisation statistics.
    batch_size : int
        Windows per batch (a batch may hold fewer, or none when only skipped windows
        passed since the previous one).
    pin_memory : bool
        Return page-locked tensors, for non-blocking copies to a GPU.
    rows : range, optional
        Read only these rows of windows (indices into ``layout.row_starts``); all
        when omitted.
    counted : range, optional
        Rows of windows that count in ``windows_done`` and ``skipped`` (a process of a
        sharded run also reads a few rows of windows that another process counts);
        all when omitted.

    Yields
    ------
    WindowBatch
    """
    ds = open_raster(path)
    tile = layout.tile_px
    items: list[tuple[tuple[int, int, int], np.ndarray, np.ndarray]] = []
    done = skipped = passed = 0
    for offset in layout.offsets(rows):
        window = Window(offset[1], offset[2], tile, tile)
        count = counted is None or offset[0] in counted
        done += count
        passed += 1
        pixels = valid = None
        if not window_is_empty(ds, window):
            pixels = read_window(ds, window)
            valid = read_valid_mask(ds, window, data=pixels)
        if valid is None or not valid.any():
            skipped += count
        else:
            items.append((offset, normalize(pixels, stats, valid_mask=valid), valid))
        if len(items) == batch_size or passed >= HEARTBEAT_WINDOWS:
            yield _batch(items, ds.RasterCount, tile, done, skipped, offset[1], pin_memory)
            items, done, skipped, passed = [], 0, 0, 0
    if items or done:
        yield _batch(items, ds.RasterCount, tile, done, skipped, offset[1], pin_memory)
