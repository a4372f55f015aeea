"""The probability GeoTIFF: created on the input's grid, filled by rows with its overviews."""

from __future__ import annotations

import numpy as np
from osgeo import gdal

from ..io.geotiff import gtiff_options
from ..io.probability import BYTE_SCALE, PROBABILITY_TAG
from ..io.raster import RasterInfo
from ..threshold import THRESHOLD_TAG
from .blend import CHUNK_ROWS
from .config import NODATA
from .overviews import BandRows, overview_levels
from .threads import OrderedWorker

__all__ = ["create_output", "encode_rows", "RowWriter"]

gdal.UseExceptions()

#: Chunks of finished rows (CHUNK_ROWS each, as the band hands them back) queued for the
#: writer thread at most ...
_WRITE_DEPTH = 8
#: ... and at most about this many bytes of them (at least 2 chunks): a raster 200000
#: columns wide has chunks of 12.8 MB.
_WRITE_QUEUE_BYTES = 32 * 2**20
_GDAL_TYPES = {"byte": gdal.GDT_Byte, "float32": gdal.GDT_Float32}


def create_output(path: str, info: RasterInfo, output_dtype: str, *,
                  threshold: float | None = None) -> gdal.Dataset:
    """Create a one-band tiled, DEFLATE-compressed, sparse GeoTIFF on the grid of ``info``.

    Its overviews (factors 2, 4, ... down to about 256 px) are created empty, to be
    filled by :class:`RowWriter` along with the full resolution. ``threshold``, the
    model's decision threshold, is recorded in the metadata
    (:data:`engine.threshold.THRESHOLD_TAG`) for ``vectorize`` and ``evaluate``.

    Returns
    -------
    gdal.Dataset
        Open for writing; its band's nodata is :data:`engine.predict.config.NODATA`.
    """
    # Sparse: tiles that are all nodata (an empty area of a mosaic) are not written, so
    # they take no disk and GDAL reports them empty to vectorize and evaluate.
    options = [*gtiff_options(floating=output_dtype == "float32"), "SPARSE_OK=TRUE"]
    driver = gdal.GetDriverByName("GTiff")
    ds = driver.Create(path, info.width, info.height, 1, _GDAL_TYPES[output_dtype],
                       options=options)
    ds.SetGeoTransform(info.geotransform)
    ds.SetProjection(info.crs_wkt)
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(float(NODATA[output_dtype]))
    band.SetDescription("road probability")
    # Tells readers (vectorize, evaluate) this is a probability even if it holds only 0/1.
    ds.SetMetadataItem(PROBABILITY_TAG, str(BYTE_SCALE if output_dtype == "byte" else 1))
    if threshold is not None:
        ds.SetMetadataItem(THRESHOLD_TAG, f"{threshold:.4f}")
    levels = overview_levels(info.width, info.height)
    if levels:
        ds.BuildOverviews("NONE", levels)  # the structure only; RowWriter fills them
    return ds


def encode_rows(prob: np.ndarray, valid: np.ndarray, output_dtype: str) -> np.ndarray:
    """Turn probabilities into output pixels.

    Parameters
    ----------
    prob : ndarray of float32, shape (n, width)
        Probabilities in [0, 1].
    valid : ndarray of bool, shape (n, width)
        False where the output is nodata.
    output_dtype : {"byte", "float32"}
        "byte": ``round(prob * 254)`` as uint8, nodata 255; "float32": ``prob``, nodata -1.

    Returns
    -------
    ndarray of uint8 or float32, shape (n, width)
    """
    out = np.full(prob.shape, NODATA[output_dtype],
                  np.uint8 if output_dtype == "byte" else np.float32)
    columns = np.flatnonzero(valid.any(axis=0))
    if not len(columns):  # an empty area: no arithmetic on its probabilities
        return out
    # Only the columns from the first to the last valid one are computed: a row of a wide
    # mosaic with data in one place costs no float temporaries over its whole width.
    span = slice(columns[0], columns[-1] + 1)
    if output_dtype == "byte":
        part = np.rint(np.clip(prob[:, span], 0.0, 1.0) * BYTE_SCALE).astype(np.uint8)
    else:
        part = prob[:, span].astype(np.float32, copy=True)
    part[~valid[:, span]] = NODATA[output_dtype]
    out[:, span] = part
    return out


class RowWriter:
    """Writes finished rows and their overviews to band 1 of ``ds`` in a background thread.

    Each tile is written once, when its row of tiles is complete (see
    :class:`~engine.predict.overviews.BandRows`), and the dataset's cache is flushed after
    each write, so neither GDAL's block cache nor the overviews grow with the raster:
    there is nothing to read back at the end.

    Parameters
    ----------
    ds : gdal.Dataset
        From :func:`create_output`, with its (empty) overviews.
    nodata : float
        Nodata of the output, ignored by the overview averages.
    """

    def __init__(self, ds: gdal.Dataset, nodata: float) -> None:
        self._ds: gdal.Dataset | None = ds
        band = ds.GetRasterBand(1)
        overviews = [band.GetOverview(i) for i in range(band.GetOverviewCount())]
        self._rows: BandRows | None = BandRows(band, nodata, overviews)
        chunk = CHUNK_ROWS * ds.RasterXSize * gdal.GetDataTypeSize(band.DataType) // 8
        depth = min(_WRITE_DEPTH, max(2, _WRITE_QUEUE_BYTES // max(chunk, 1)))
        self._worker = OrderedWorker(depth=depth, name="predict-writer")

    def write(self, rows: np.ndarray) -> None:
        """Queue ``rows`` (shape (n, width)) to go below the rows written so far."""
        self._worker.submit(self._push, rows)

    def _push(self, rows: np.ndarray) -> None:
        assert self._rows is not None and self._ds is not None  # not after abort()
        written = self._rows.rows_written
        self._rows.push(rows)
        if self._rows.rows_written != written:
            self._ds.FlushCache()  # writes the finished tiles and drops them from the cache

    def _finish(self) -> None:
        assert self._rows is not None and self._ds is not None  # not after abort()
        self._rows.finish()
        self._ds.FlushCache()

    def close(self) -> None:
        """Write the last rows and wait until everything is written."""
        self._worker.submit(self._finish)
        self._worker.close()

    def abort(self) -> None:
        """Stop writing (after the write in progress) and let go of the dataset and bands.

        Call it last, also after :meth:`close`: the caller can then close the dataset.
        """
        self._worker.abort()
        self._rows = None
        self._ds = None
