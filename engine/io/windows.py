"""Pixels by windows: reads padded at the raster's edges, valid-pixel masks, sampling."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from osgeo import gdal, gdal_array

from engine.errors import BadInputError, RasterReadError

__all__ = [
    "Window",
    "damaged_raster_error",
    "dataset_dtype",
    "nodata_only_error",
    "read_window",
    "read_valid_mask",
    "sample_valid_pixels",
    "raster_is_all_nodata",
    "window_is_empty",
]

gdal.UseExceptions()

logger = logging.getLogger(__name__)

# Side of the square windows read when sampling, in pixels (a common GeoTIFF tile size).
_BLOCK_PX = 256
# Blocks a sample is spread over when they have enough valid pixels; bounds the reading.
_SAMPLE_BLOCKS = 256


@dataclass(frozen=True)
class Window:
    """A rectangle of pixels; it may extend beyond the raster (read_window pads it)."""

    row_off: int  # first row, may be negative
    col_off: int  # first column, may be negative
    rows: int  # height in pixels, >= 1
    cols: int  # width in pixels, >= 1

    def __post_init__(self) -> None:
        if self.rows < 1 or self.cols < 1:
            raise BadInputError(
                f"a window needs rows >= 1 and cols >= 1; got rows={self.rows}, cols={self.cols}"
            )

    @classmethod
    def whole(cls, width: int, height: int) -> Window:
        """The window covering a whole raster of ``width`` x ``height`` pixels."""
        return cls(0, 0, height, width)

    def clip(self, width: int, height: int) -> Window | None:
        """The part of this window inside a ``width`` x ``height`` raster; None if none."""
        row0, col0 = max(self.row_off, 0), max(self.col_off, 0)
        row1 = min(self.row_off + self.rows, height)
        col1 = min(self.col_off + self.cols, width)
        if row1 <= row0 or col1 <= col0:
            return None
        return Window(row0, col0, row1 - row0, col1 - col0)


def dataset_dtype(ds: gdal.Dataset) -> np.dtype:
    """The numpy dtype of the raster's pixels (first band); RasterReadError if unsupported."""
    code = ds.GetRasterBand(1).DataType
    numeric = gdal_array.GDALTypeCodeToNumericTypeCode(code)
    if numeric is None or np.issubdtype(numeric, np.complexfloating):
        raise RasterReadError(
            f"{ds.GetDescription()} has pixel type {gdal.GetDataTypeName(code)}, which is not "
            f"supported; convert it with gdal_translate -ot Float32"
        )
    return np.dtype(numeric)


def damaged_raster_error(ds: gdal.Dataset, err: RuntimeError,
                         what: str = "pixels") -> RasterReadError:
    """The error of a raster whose pixels GDAL could not read (a truncated or corrupt
    file, a VRT whose source is gone): what failed, GDAL's words, and what to do."""
    reason = " ".join(str(err).split()) or "GDAL gave no reason"
    if "no such file" in reason.lower():
        return RasterReadError(
            f"{ds.GetDescription()}: its {what} cannot be read ({reason}); a file it is made "
            "of is missing or was moved: restore it, or rebuild the raster")
    return RasterReadError(
        f"{ds.GetDescription()} is damaged or incomplete: its {what} cannot be read "
        f"({reason}); copy or export it again (an interrupted copy or download leaves such "
        "a file)")


def nodata_only_error(path: str) -> RasterReadError:
    """The error of a raster without a single valid pixel."""
    return RasterReadError(f"{path} holds only nodata pixels; choose a raster with image "
                           "data (or check its nodata value and mask)")


def _read_clipped(ds: gdal.Dataset, part: Window) -> np.ndarray:
    """Read a window that lies inside the raster, always as (bands, rows, cols)."""
    try:
        data = ds.ReadAsArray(part.col_off, part.row_off, part.cols, part.rows)
    except RuntimeError as err:
        raise damaged_raster_error(ds, err, f"pixels ({part})") from err
    return data.reshape(ds.RasterCount, part.rows, part.cols)


def read_window(ds: gdal.Dataset, window: Window, *, fill: float = 0) -> np.ndarray:
    """Read a window of every band; the parts outside the raster are set to ``fill``.

    Parameters
    ----------
    ds : gdal.Dataset
        From :func:`open_raster`.
    window : Window
        May extend beyond the raster, e.g. a context window at an edge.
    fill : float
        Value of pixels outside the raster; must be representable in the raster's dtype.

    Returns
    -------
    np.ndarray
        Shape (bands, window.rows, window.cols), the raster's native dtype.
    """
    dtype = dataset_dtype(ds)
    value = np.asarray(fill)
    with np.errstate(invalid="ignore", over="ignore"):
        cast = value.astype(dtype)
    if not (cast == value or (np.isnan(value) and np.isnan(cast))):
        raise BadInputError(f"fill={fill!r} cannot be stored in a {dtype.name} raster")
    out = np.full((ds.RasterCount, window.rows, window.cols), cast, dtype=dtype)
    part = window.clip(ds.RasterXSize, ds.RasterYSize)
    if part is not None:
        rows = slice(part.row_off - window.row_off, part.row_off - window.row_off + part.rows)
        cols = slice(part.col_off - window.col_off, part.col_off - window.col_off + part.cols)
        out[:, rows, cols] = _read_clipped(ds, part)
    return out


def _nodata_as(value: float | None, dtype: np.dtype) -> float | None:
    """The nodata value as the band's dtype stores it; None if it cannot occur."""
    if value is None or (np.issubdtype(dtype, np.floating) and math.isnan(value)):
        return None  # NaN is handled by the isnan test
    if np.issubdtype(dtype, np.integer):
        limits = np.iinfo(dtype)
        if value != int(value) or not limits.min <= value <= limits.max:
            return None
    return np.asarray(value).astype(dtype).item()


def _invalid_from_masks(ds: gdal.Dataset, part: Window) -> np.ndarray:
    """True where GDAL's alpha or per-dataset mask bands mark a pixel invalid."""
    invalid = np.zeros((part.rows, part.cols), dtype=bool)
    seen_per_dataset = False
    for index in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(index)
        flags = band.GetMaskFlags()
        if flags & gdal.GMF_ALL_VALID or flags == gdal.GMF_NODATA:
            continue  # nodata is compared directly, which also catches NaN nodata
        if flags & gdal.GMF_PER_DATASET:
            if seen_per_dataset:
                continue
            seen_per_dataset = True
        try:
            mask = band.GetMaskBand().ReadAsArray(part.col_off, part.row_off, part.cols,
                                                  part.rows)
        except RuntimeError as err:
            raise damaged_raster_error(ds, err, f"mask of band {index}") from err
        invalid |= mask == 0
    return invalid


def read_valid_mask(
    ds: gdal.Dataset, window: Window, *, data: np.ndarray | None = None
) -> np.ndarray:
    """Which pixels of a window hold data.

    A pixel is invalid where any band equals its nodata value, where a float band is NaN,
    where GDAL's mask band (alpha band, .msk file) says so, and outside the raster.

    Parameters
    ----------
    ds : gdal.Dataset
        From :func:`open_raster`.
    window : Window
        May extend beyond the raster.
    data : np.ndarray, optional
        The result of ``read_window(ds, window)``, to avoid reading the pixels twice.

    Returns
    -------
    np.ndarray
        Shape (window.rows, window.cols), dtype bool, True where valid.
    """
    expected = (ds.RasterCount, window.rows, window.cols)
    if data is not None and data.shape != expected:
        raise BadInputError(f"data has shape {data.shape}; expected {expected} for {window}")
    valid = np.zeros((window.rows, window.cols), dtype=bool)
    part = window.clip(ds.RasterXSize, ds.RasterYSize)
    if part is None:
        return valid
    rows = slice(part.row_off - window.row_off, part.row_off - window.row_off + part.rows)
    cols = slice(part.col_off - window.col_off, part.col_off - window.col_off + part.cols)
    pixels = data[:, rows, cols] if data is not None else _read_clipped(ds, part)
    invalid = _invalid_from_masks(ds, part)
    for index in range(ds.RasterCount):
        band_data = pixels[index]
        if np.issubdtype(band_data.dtype, np.floating):
            invalid |= np.isnan(band_data)
        nodata = _nodata_as(ds.GetRasterBand(index + 1).GetNoDataValue(), band_data.dtype)
        if nodata is not None:
            invalid |= band_data == nodata
    valid[rows, cols] = ~invalid
    return valid


def _fills_with_nodata(band: gdal.Band) -> bool:
    """Whether the pixels GDAL fills in for missing data are invalid in this band: its
    nodata value, or 0 in an alpha band."""
    return (band.GetNoDataValue() is not None
            or band.GetColorInterpretation() == gdal.GCI_AlphaBand)


def window_is_empty(ds: gdal.Dataset, window: Window) -> bool:
    """Whether GDAL knows, without reading pixels, that a window holds no valid pixel.

    GDAL's data coverage (a VRT's area outside its sources, the missing blocks of a
    sparse GeoTIFF) says where there is no data; such pixels read as the band's nodata
    value, so they are invalid when the band has one (or is an alpha band). A window
    outside the raster is empty. False when GDAL cannot tell: the pixels must be read.

    Parameters
    ----------
    ds : gdal.Dataset
        From :func:`open_raster`.
    window : Window
        May extend beyond the raster.

    Returns
    -------
    bool
    """
    part = window.clip(ds.RasterXSize, ds.RasterYSize)
    if part is None:
        return True
    for index in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(index)
        if not _fills_with_nodata(band):
            continue
        try:
            flags, _ = band.GetDataCoverageStatus(part.col_off, part.row_off, part.cols,
                                                  part.rows)
        except RuntimeError as err:  # e.g. a VRT source gone: reading the pixels says so
            logger.debug("no data coverage of %s: %s", ds.GetDescription(), err)
            return False
        if flags & gdal.GDAL_DATA_COVERAGE_STATUS_EMPTY and not (
                flags & gdal.GDAL_DATA_COVERAGE_STATUS_DATA):
            return True
    return False


def _grid_windows(width: int, height: int) -> list[Window]:
    return [
        Window(row, col, min(_BLOCK_PX, height - row), min(_BLOCK_PX, width - col))
        for row in range(0, height, _BLOCK_PX)
        for col in range(0, width, _BLOCK_PX)
    ]


def sample_valid_pixels(ds: gdal.Dataset, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Draw up to ``n`` random valid pixels, reading a few blocks at a time.

    Blocks of 256 x 256 pixels are visited in random order and each gives at most
    ``ceil(n / min(blocks, 256))`` pixels, so about 256 blocks are read whatever the raster's
    size (more only where nodata leaves too few valid pixels) and memory holds one block
    plus the sample.

    Parameters
    ----------
    ds : gdal.Dataset
        From :func:`open_raster`.
    n : int
        Most pixels to return, >= 1.
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    np.ndarray
        Shape (bands, m), float64, m <= n; m == 0 when the raster has no valid pixel.
    """
    if n < 1:
        raise BadInputError(f"n must be >= 1 pixels to sample; got {n}")
    windows = _grid_windows(ds.RasterXSize, ds.RasterYSize)
    quota = math.ceil(n / min(len(windows), _SAMPLE_BLOCKS))
    chunks: list[np.ndarray] = []
    taken = 0
    for index in rng.permutation(len(windows)):
        window = windows[index]
        data = read_window(ds, window)
        valid = np.flatnonzero(read_valid_mask(ds, window, data=data))
        if valid.size == 0:
            continue
        pick = rng.choice(valid, size=min(quota, valid.size, n - taken), replace=False)
        chunks.append(data.reshape(ds.RasterCount, -1)[:, pick].astype(np.float64))
        taken += pick.size
        if taken >= n:
            break
    if not chunks:
        return np.zeros((ds.RasterCount, 0), dtype=np.float64)
    return np.concatenate(chunks, axis=1)


def raster_is_all_nodata(ds: gdal.Dataset) -> bool:
    """Whether no pixel of the raster is valid.

    Blocks are read in a fixed pseudo-random order until one valid pixel is found, so a
    raster with data answers after a block or two; an all-nodata raster is read in full.

    Returns
    -------
    bool
    """
    return sample_valid_pixels(ds, 1, rng=np.random.default_rng(0)).shape[1] == 0
