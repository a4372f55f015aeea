"""Bands filled by rows in whole blocks, and overviews computed from the rows as they pass."""

from __future__ import annotations

import numpy as np
from osgeo import gdal

__all__ = ["halve", "BandRows", "overview_levels"]

gdal.UseExceptions()

#: Overviews are made down to about this many pixels on the longer side.
_OVERVIEW_MIN_PX = 256
#: Rows are halved and written this many columns at a time (a multiple of the 256 px
#: tiles, even): the temporaries of a row of tiles of a wide raster stay small, and the
#: parts that are all nodata are not written at all (a sparse GeoTIFF reads them as
#: nodata), nor held in GDAL's cache.
_COLUMNS = 8192


def overview_levels(width: int, height: int) -> list[int]:
    """Factors 2, 4, 8, ... while the overview's longer side stays >= 256 px."""
    levels, factor = [], 2
    while max(width, height) // factor >= _OVERVIEW_MIN_PX:
        levels.append(factor)
        factor *= 2
    return levels


def halve(rows: np.ndarray, nodata: float) -> np.ndarray:
    """Average 2 x 2 pixels, ignoring nodata (all-nodata blocks stay nodata).

    Parameters
    ----------
    rows : ndarray of uint8 or float32, shape (n, w)
    nodata : float

    Returns
    -------
    ndarray, same dtype, shape (ceil(n / 2), ceil(w / 2))
        Integers are rounded to the nearest value.
    """
    n, w = rows.shape
    out = np.empty(((n + 1) // 2, (w + 1) // 2), rows.dtype)
    for start in range(0, w, _COLUMNS):  # _COLUMNS is even: no 2 x 2 block is cut
        stop = min(start + _COLUMNS, w)
        out[:, start // 2:(stop + 1) // 2] = _halve_part(rows[:, start:stop], nodata)
    return out


def _halve_part(rows: np.ndarray, nodata: float) -> np.ndarray:
    """:func:`halve` of a few columns."""
    n, w = rows.shape
    if (rows == nodata).all():  # an empty area stays empty, without the averaging
        return np.full(((n + 1) // 2, (w + 1) // 2), nodata, rows.dtype)
    padded = np.full((n + n % 2, w + w % 2), nodata, rows.dtype)
    padded[:n, :w] = rows
    blocks = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2)
    valid = blocks != nodata
    count = valid.sum(axis=(1, 3))
    # float32 sums are exact for bytes (at most 4 x 254) and ample for probabilities.
    total = np.where(valid, blocks, 0).sum(axis=(1, 3), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    if np.issubdtype(rows.dtype, np.integer):
        mean = np.rint(mean)
    return np.where(count > 0, mean, nodata).astype(rows.dtype)


class BandRows:
    """Fills a band from the top by rows, writing only whole rows of its blocks.

    Holding rows back until a row of blocks is complete writes each compressed tile
    once. Every written row of blocks is halved and passed to the next overview, if any.

    Parameters
    ----------
    band : gdal.Band
        The band to fill (the full resolution or an overview).
    nodata : float
        Its nodata value, ignored by the averages.
    overviews : list of gdal.Band
        The overviews below ``band``, each half the size of the one before.
    """

    def __init__(self, band: gdal.Band, nodata: float, overviews: list[gdal.Band]) -> None:
        self._band = band
        self.width = band.XSize  # columns of the band
        self._nodata = nodata
        self._block_rows = band.GetBlockSize()[1]
        self._pending: list[np.ndarray] = []
        self._pending_rows = 0
        self.rows_written = 0  # rows of ``band`` written so far
        self._next = BandRows(overviews[0], nodata, overviews[1:]) if overviews else None

    def push(self, rows: np.ndarray) -> None:
        """Append ``rows`` (shape (n, band width)) below the rows pushed so far."""
        self._pending.append(rows)
        self._pending_rows += rows.shape[0]
        whole = self._pending_rows // self._block_rows * self._block_rows
        if whole:
            self._write(whole)

    def finish(self) -> None:
        """Write the rows held back, here and in every overview."""
        if self._pending_rows:
            self._write(self._pending_rows)
        if self._next is not None:
            self._next.finish()

    def _write(self, n: int) -> None:
        data = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        rest = data[n:]
        self._pending, self._pending_rows = ([rest] if len(rest) else []), len(rest)
        rows = data[:n, :self.width]
        for start in range(0, self.width, _COLUMNS):
            part = rows[:, start:start + _COLUMNS]
            if not (part == self._nodata).all():  # an empty part stays unwritten: nodata
                self._band.WriteArray(part, start, self.rows_written)
        self.rows_written += n
        if self._next is not None:  # n is even unless these are the last rows
            self._next.push(halve(rows, self._nodata)[:, :self._next.width])
