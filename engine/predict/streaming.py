"""predict_raster: a probability GeoTIFF from a model and a raster, streamed by windows."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import torch
from osgeo import gdal

from ..device import resolve_device
from ..distributed import DistributedContext
from ..errors import BadInputError, ModelLoadError
from ..events import NullSink, Reporter
from ..io.atomic import atomic_output, temporary_prefix
from ..io.paths import check_outputs
from ..io.raster import RasterInfo, Window, open_raster, read_info, window_is_empty
from ..io.windows import nodata_only_error
from ..model_file import load_model
from ..normalization import BandStats, model_stats
from ..threshold import model_threshold
from .blend import RowBand
from .config import PredictConfig
from .forward import forward_probability, prepare_model
from .layout import WindowLayout
from .reader import read_batches
from .shards import PartWriter, RowShard, merge_parts, part_path, plan_shards
from .threads import Prefetcher
from .writer import RowWriter, create_output, encode_rows

__all__ = ["PredictResult", "predict_raster", "check_pixel_size"]

logger = logging.getLogger(__name__)

#: Raster pixels this many times larger or smaller than the model's training pixels warn.
PIXEL_RATIO_WARNING = 1.5


@dataclass(frozen=True)
class PredictResult:
    """What :func:`predict_raster` wrote."""

    out_path: str  # the probability GeoTIFF
    windows_total: int  # windows of the layout
    windows_skipped_nodata: int  # all-nodata windows, not sent to the model
    seconds: float  # wall time of the whole call
    pixels: int  # width x height of the output

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every field."""
        return asdict(self)


def _check_paths(model_path: str, image_path: str, out_path: str, overwrite: bool) -> None:
    check_outputs({"out_path": out_path}, {"image_path": image_path, "model_path": model_path},
                  overwrite=overwrite)


def check_pixel_size(info: RasterInfo, meta: dict[str, Any], reporter: Reporter) -> None:
    """Warn when the raster's pixels differ from the model's by more than 1.5x either way
    (from the nearest end of ``pixel_size_range_m`` for a model trained on a range)."""
    model_m = meta.get("pixel_size_m")
    if not model_m or model_m <= 0 or info.pixel_size_m <= 0:
        return
    trained = meta.get("pixel_size_range_m")
    if isinstance(trained, list) and len(trained) == 2 and 0 < trained[0] <= trained[1]:
        model_m = min(max(info.pixel_size_m, trained[0]), trained[1])
    factor = info.pixel_size_m / model_m
    if max(factor, 1 / factor) > PIXEL_RATIO_WARNING:
        reporter.warning(
            f"raster pixel {info.pixel_size_m:.2f} m is {factor:.1f}x the model's "
            f"{model_m:.2f} m training pixel; results may suffer; resample the raster "
            f"to about {model_m:.2f} m (e.g. gdalwarp -tr {model_m:g} {model_m:g})")


def _check_bands(info: RasterInfo, meta: dict[str, Any], model_path: str) -> None:
    expected = int(meta["bands"]["count"])
    if info.band_count != expected:
        raise ModelLoadError(
            f"the model {model_path} was trained on {expected} band(s) but the raster "
            f"{info.path} has {info.band_count}; predict on rasters with the model's bands")


def predict_raster(model_path: str | Path, image_path: str | Path, out_path: str | Path,
                   config: PredictConfig | None = None, *, device: str | torch.device = "auto",
                   reporter: Reporter | None = None, overwrite: bool = False,
                   dist: DistributedContext | None = None) -> PredictResult:
    """Write a road-probability GeoTIFF for a raster, window by window.

    Windows of ``config.tile_px`` overlap by ``config.overlap``; their predictions are
    blended with a Hann window over a band of rows that slides down the raster, and
    finished rows are written as soon as no later window touches them, so memory does
    not grow with the raster's height. A reader thread reads and normalises batches
    ahead of the model, and a writer thread compresses finished rows.

    Parameters
    ----------
    model_path : str or Path
        A model file (:mod:`engine.model_file`).
    image_path : str or Path
        Any raster GDAL reads, with the model's band count.
    out_path : str or Path
        The GeoTIFF to write: the input's grid, CRS and size; one band, uint8
        (probability x 254, nodata 255) or float32 (nodata -1); tiled 256 px, DEFLATE,
        with overviews (2 x 2 averages ignoring nodata, each level from the one above)
        written along with the rows. Written to a temporary file renamed at the end.
    config : PredictConfig, optional
        Window, batch, TTA and output settings; the defaults when omitted.
    device : str or torch.device
        ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
    reporter : Reporter, optional
        Receives progress ("predicting", in windows) and warnings; its ``should_stop``
        is polled before every layer of every forward pass, while waiting for the
        reader and between chunks of written rows.
    overwrite : bool
        Replace an existing ``out_path`` (never the input itself).
    dist : DistributedContext, optional
        This process's place in a multi-process run (in a joined process group): each
        process predicts a band of rows (:func:`~engine.predict.shards.plan_shards`)
        into a part file beside ``out_path`` (a folder every process sees), and rank 0
        merges them; the output equals a single-process run's. One process when omitted.

    Returns
    -------
    PredictResult

    Raises
    ------
    OutputWriteError
        ``out_path`` exists (without ``overwrite``), is the input, or cannot be written.
    ModelLoadError
        An unreadable model, or one trained on another band count.
    RasterReadError
        An unreadable raster, one without a CRS, or one without a valid pixel.
    CancelledError
        ``reporter.should_stop()`` turned true; nothing is left under ``out_path``.
    """
    start = time.monotonic()
    config = config if config is not None else PredictConfig()
    if not isinstance(config, PredictConfig):
        raise BadInputError(f"config must be a PredictConfig, got {type(config).__name__}")
    reporter = reporter if reporter is not None else Reporter()
    dist = dist if dist is not None else DistributedContext()
    if not dist.is_main:
        reporter = Reporter(NullSink(), should_stop=reporter.should_stop)
    _check_paths(str(model_path), str(image_path), str(out_path), overwrite)
    dev = device if isinstance(device, torch.device) else resolve_device(device)
    model, meta = load_model(model_path, device=dev)
    info = read_info(str(image_path))
    if window_is_empty(open_raster(info.path), Window.whole(info.width, info.height)):
        raise nodata_only_error(info.path)
    _check_bands(info, meta, str(model_path))
    check_pixel_size(info, meta, reporter)
    stats = model_stats(meta, info.path)
    layout = WindowLayout.for_grid(info.height, info.width, tile_px=config.tile_px,
                                   overlap=config.overlap)
    run = _Run(prepare_model(model, dev), dev, info, stats, layout, config, reporter,
               model_threshold(meta))
    if dist.is_distributed:
        skipped = _write_parts(run, str(out_path), dist, overwrite)
    else:
        with atomic_output(str(out_path), overwrite=overwrite, suffix=".tif") as tmp:
            skipped = _write_prediction(tmp, run)
            if skipped == len(layout):  # no window held a valid pixel
                raise nodata_only_error(info.path)
    result = PredictResult(str(out_path), len(layout), skipped, time.monotonic() - start,
                           info.width * info.height)
    logger.info("predicted %s: %s", image_path, result)
    return result


@dataclass(frozen=True)
class _Run:
    """What every stage of one prediction needs."""

    model: torch.nn.Module
    device: torch.device
    info: RasterInfo
    stats: BandStats
    layout: WindowLayout
    config: PredictConfig
    reporter: Reporter
    threshold: float  # the model's decision threshold, recorded in the output


def _write_prediction(tmp: str, run: _Run) -> int:
    """Fill a new GeoTIFF at ``tmp``; return the number of skipped windows."""
    ds: gdal.Dataset | None = create_output(tmp, run.info, run.config.output_dtype,
                                            threshold=run.threshold)
    writer = RowWriter(ds, run.config.nodata)
    try:
        skipped = _stream(run, writer, plan_shards(run.layout, 1)[0])
        writer.close()
    finally:
        writer.abort()
        ds = None  # closes the file before it is renamed, or removed after an error
    return skipped


def _write_parts(run: _Run, out_path: str, dist: DistributedContext, overwrite: bool) -> int:
    """Predict this process's band into its part file; rank 0 merges every part.

    Returns the number of skipped windows of all processes.
    """
    shards = plan_shards(run.layout, dist.world_size)
    shard = shards[dist.rank]
    # Named after rank 0's process, so that a later run removes the parts of a killed one.
    prefix = dist.broadcast_object(temporary_prefix(out_path))
    own = part_path(out_path, dist.rank, prefix=prefix)
    writer = PartWriter(own, len(shard.out_rows), run.info.width, run.config.output_dtype)
    try:
        skipped = _stream(run, writer, shard)
        writer.close()
    finally:
        writer.abort()
    skipped = sum(dist.all_gather_object(skipped))  # also waits until every part is written
    if skipped == len(run.layout):  # no window held a valid pixel
        own.unlink(missing_ok=True)
        raise nodata_only_error(run.info.path)
    parts = [(part_path(out_path, r, prefix=prefix), len(s.out_rows))
             for r, s in enumerate(shards)]
    dist.run_on_main(lambda: merge_parts(parts, out_path, run.info, run.config,
                                         overwrite=overwrite, threshold=run.threshold))
    return skipped


def _stream(run: _Run, writer: RowWriter | PartWriter, shard: RowShard) -> int:
    """Predict the shard's batches, blend them and hand its finished rows to ``writer``."""
    config, layout, reporter = run.config, run.layout, run.reporter
    if not shard.out_rows:  # more processes than rows of windows: nothing to do here
        return 0
    first = layout.row_starts[shard.window_rows.start] if shard.window_rows else 0
    band = RowBand(layout, top=first)
    done = skipped = 0
    produce = partial(read_batches, run.info.path, layout, run.stats,
                      batch_size=config.batch_size, pin_memory=run.device.type == "cuda",
                      rows=shard.window_rows, counted=shard.owned_rows)
    total = shard.windows(layout)
    reporter.progress("predicting", 0, total)
    # Cancel is checked while waiting for the reader, before every layer of the forward
    # passes and between chunks of written rows: a cancel waits for one layer at most.
    with Prefetcher(produce, depth=config.prefetch, on_wait=reporter.check_cancelled) as batches:
        for batch in batches:
            reporter.check_cancelled()
            if batch.offsets:
                probs = forward_probability(run.model, batch.pixels, device=run.device,
                                            amp=config.amp, tta=config.tta,
                                            check_cancelled=reporter.check_cancelled)
                for (_, row, col), prob, valid in zip(batch.offsets, probs, batch.valid,
                                                      strict=True):
                    _write_rows(band, row, shard, writer, run)
                    band.add(row, col, prob, valid)
            # No later window starts above the reader's position: those rows are final.
            _write_rows(band, batch.next_row, shard, writer, run)
            done += batch.windows_done
            skipped += batch.skipped
            reporter.progress("predicting", done, total)
    _write_rows(band, shard.out_rows.stop, shard, writer, run)
    return skipped


def _write_rows(band: RowBand, row: int, shard: RowShard, writer: RowWriter | PartWriter,
                run: _Run) -> None:
    """Advance ``band`` to ``row``; write the finished rows that fall in the shard's band."""
    at = band.top  # grid row of the next finished row
    for prob, valid in band.advance_to(row):
        run.reporter.check_cancelled()  # a skipped empty area may give many rows
        lo = max(shard.out_rows.start - at, 0)
        hi = min(shard.out_rows.stop - at, len(prob))
        if hi > lo:
            writer.write(encode_rows(prob[lo:hi], valid[lo:hi], run.config.output_dtype))
        at += len(prob)
