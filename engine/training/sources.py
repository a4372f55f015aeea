"""Normalised image windows of one raster, read from GDAL or from an in-memory copy."""

from __future__ import annotations

import numpy as np

from ..io.raster import RasterInfo, Window, open_raster, read_valid_mask, read_window
from ..normalization import BandStats, normalize

__all__ = ["RasterSource", "slice_padded"]

#: Rasters with at most this many pixels (x bands) are held in memory, normalised, so that
#: training crops cost a slice instead of a GDAL read. 64 M float32 values = 256 MB.
CACHE_MAX_VALUES = 64_000_000


def slice_padded(array: np.ndarray, window: Window, fill: float | bool = 0) -> np.ndarray:
    """Return ``array[..., window]``, filling the parts of the window outside the array.

    Parameters
    ----------
    array : ndarray, shape (..., H, W)
    window : Window
        May extend past any edge.
    fill : scalar
        Value of the pixels outside ``array``.
    """
    h, w = array.shape[-2:]
    out = np.full(array.shape[:-2] + (window.rows, window.cols), fill, dtype=array.dtype)
    r0, c0 = max(window.row_off, 0), max(window.col_off, 0)
    r1 = min(window.row_off + window.rows, h)
    c1 = min(window.col_off + window.cols, w)
    if r0 < r1 and c0 < c1:
        out[..., r0 - window.row_off:r1 - window.row_off, c0 - window.col_off:c1 - window.col_off] \
            = array[..., r0:r1, c0:c1]
    return out


class RasterSource:
    """Reads normalised windows of one raster.

    Parameters
    ----------
    info : RasterInfo
        The raster.
    stats : BandStats
        Normalisation statistics (those stored in the model).
    cache_max_values : int
        Rasters up to this many values are read once and kept in memory.
    """

    def __init__(self, info: RasterInfo, stats: BandStats, *,
                 cache_max_values: int = CACHE_MAX_VALUES) -> None:
        self.info = info
        self.stats = stats
        self._ds = open_raster(info.path)
        self._cache: tuple[np.ndarray, np.ndarray] | None = None
        if info.width * info.height * info.band_count <= cache_max_values:
            full = Window(0, 0, info.height, info.width)
            self._cache = self._read_gdal(full)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of the raster."""
        return self.info.height, self.info.width

    def _read_gdal(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        valid = read_valid_mask(self._ds, window)
        image = normalize(read_window(self._ds, window), self.stats, valid_mask=valid)
        return image, valid

    def valid_mask(self) -> np.ndarray | None:
        """The whole raster's valid mask when it is held in memory, else None."""
        return None if self._cache is None else self._cache[1]

    def valid_shares(self, block_px: int) -> tuple[np.ndarray, int]:
        """Share of valid pixels per ``block_px`` block, and the count of valid pixels.

        A raster not held in memory is read by strips of ``block_px`` rows, so memory
        stays at one strip.

        Returns
        -------
        shares : ndarray of float32, shape (ceil(rows / block_px), ceil(cols / block_px))
        valid_px : int
        """
        from .pair_sites import block_shares

        whole = self.valid_mask()
        if whole is not None:
            return block_shares(whole, block_px), int(np.count_nonzero(whole))
        rows, cols = self.shape
        strips, count = [], 0
        for r in range(0, rows, block_px):
            strip = read_valid_mask(self._ds, Window(r, 0, min(block_px, rows - r), cols))
            count += int(np.count_nonzero(strip))
            full = np.zeros((block_px, cols), bool)
            full[:strip.shape[0]] = strip
            strips.append(block_shares(full, block_px))
        return np.concatenate(strips), count

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Read a window (it may extend past the edges).

        Returns
        -------
        image : ndarray of float32, shape (C, rows, cols)
            Normalised; 0 where invalid or outside the raster.
        valid : ndarray of bool, shape (rows, cols)
        """
        if self._cache is None:
            return self._read_gdal(window)
        image, valid = self._cache
        return slice_padded(image, window, 0.0), slice_padded(valid, window, False)
