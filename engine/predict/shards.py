"""Prediction split across processes: bands of rows, one part file each, merged by rank 0."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from osgeo import gdal

from ..errors import BadInputError
from ..io.atomic import atomic_output
from ..io.raster import RasterInfo
from .config import PredictConfig
from .layout import WindowLayout
from .writer import RowWriter, create_output

__all__ = ["RowShard", "plan_shards", "part_path", "PartWriter", "merge_parts"]

#: Rows handed to the output writer at a time while merging.
_MERGE_ROWS = 64
_DTYPES = {"byte": np.uint8, "float32": np.float32}


@dataclass(frozen=True)
class RowShard:
    """The share of one process: a band of output rows and the windows that make it.

    Each output row is blended from every window over it, by one process, in the
    order of a single-process run: the result does not depend on the number of
    processes. The windows just above a band, which also touch the band below,
    are predicted by both processes.
    """

    window_rows: range  # rows of windows this process predicts (indices into row_starts)
    owned_rows: range  # of those, the ones it counts; each row of windows has one owner
    out_rows: range  # grid rows it writes; the bands of all processes tile the grid

    def windows(self, layout: WindowLayout) -> int:
        """Number of windows this process counts (its progress total)."""
        return len(self.owned_rows) * len(layout.col_starts)


def plan_shards(layout: WindowLayout, world_size: int) -> list[RowShard]:
    """Split the rows of windows of ``layout`` into ``world_size`` consecutive shares.

    Returns
    -------
    list of RowShard, one per process in rank order; with more processes than rows
    of windows, the last ones get empty shares.
    """
    if world_size < 1:
        raise BadInputError(f"world_size must be >= 1, got {world_size}")
    starts, tile = layout.row_starts, layout.tile_px
    shards = []
    for chunk in np.array_split(np.arange(len(starts)), world_size):
        if len(chunk) == 0:
            shards.append(RowShard(range(0), range(0), range(layout.height, layout.height)))
            continue
        first, stop = int(chunk[0]), int(chunk[-1]) + 1
        top = 0 if first == 0 else starts[first]
        bottom = layout.height if stop == len(starts) else starts[stop]
        # The windows over row ``top`` start after ``top - tile``.
        reach = next(k for k, s in enumerate(starts) if s > top - tile)
        shards.append(RowShard(range(reach, stop), range(first, stop), range(top, bottom)))
    return shards


def part_path(out_path: str | Path, rank: int, *, prefix: str | None = None) -> Path:
    """The part file of process ``rank``, hidden beside the output.

    ``prefix`` starts its name: rank 0's :func:`~engine.io.atomic.temporary_prefix`, so
    that the parts of a killed run are recognised and removed by a later one.
    """
    out = Path(out_path)
    return out.with_name(f"{prefix or f'.{out.name}.'}part{rank:04d}.raw")


class PartWriter:
    """Appends encoded rows (uint8 or float32, shape (n, width)) to a raw part file.

    Same ``write`` / ``close`` / ``abort`` as :class:`~engine.predict.writer.RowWriter`;
    the file is removed by :meth:`abort` unless :meth:`close` finished it.
    """

    def __init__(self, path: Path, rows: int, width: int, output_dtype: str) -> None:
        self.path, self.rows, self.width = path, rows, width
        self.dtype = np.dtype(_DTYPES[output_dtype])
        self._file = path.open("wb")
        self._written = 0
        self._closed = False

    def write(self, rows: np.ndarray) -> None:
        """Append ``rows`` below the rows written so far."""
        self._file.write(np.ascontiguousarray(rows, dtype=self.dtype).tobytes())
        self._written += len(rows)

    def close(self) -> None:
        """Finish the file; it must hold exactly the planned rows."""
        self._file.close()
        if self._written != self.rows:
            raise RuntimeError(f"part {self.path} got {self._written} rows, "
                               f"{self.rows} planned")
        self._closed = True

    def abort(self) -> None:
        """Close the file and remove it unless :meth:`close` finished it."""
        self._file.close()
        if not self._closed:
            self.path.unlink(missing_ok=True)


def merge_parts(parts: list[tuple[Path, int]], out_path: str | Path, info: RasterInfo,
                config: PredictConfig, *, overwrite: bool,
                threshold: float | None = None) -> None:
    """Write the output GeoTIFF (with its overviews) from the parts, top to bottom.

    Parameters
    ----------
    parts : list of (Path, int)
        Part files in rank order, with their number of rows; together ``info.height``.
    out_path : str or Path
        The GeoTIFF, written as by a single-process run (a temporary file renamed).
    info : RasterInfo
        The input raster (grid, CRS, size).
    config : PredictConfig
    overwrite : bool
        Replace an existing ``out_path``.
    threshold : float, optional
        The model's decision threshold, recorded in the output.
    """
    dtype = _DTYPES[config.output_dtype]
    with atomic_output(str(out_path), overwrite=overwrite, suffix=".tif") as tmp:
        ds: gdal.Dataset | None = create_output(tmp, info, config.output_dtype,
                                                threshold=threshold)
        writer = RowWriter(ds, config.nodata)
        try:
            for path, rows in parts:
                if rows == 0:
                    continue
                data = np.memmap(path, dtype=dtype, mode="r", shape=(rows, info.width))
                for start in range(0, rows, _MERGE_ROWS):
                    writer.write(np.array(data[start:start + _MERGE_ROWS]))
                del data
            writer.close()
        finally:
            writer.abort()
            ds = None  # closes the file before it is renamed, or removed after an error
            for path, _ in parts:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
