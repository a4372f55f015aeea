"""The ``predict`` and ``vectorize`` sub-commands: a probability raster, road layers."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from ..events import Reporter
from .common import add_common, add_distributed, claimed, distributed_run

__all__ = ["add_predict", "run_predict", "add_vectorize", "run_vectorize",
           "add_predict_options", "add_vectorize_options", "predict_config", "vectorize_config",
           "check_vectorize_options", "probability_metadata", "result_dict"]


def add_predict_options(p: argparse.ArgumentParser, *, images: str | None = None) -> None:
    """Options of the sub-commands that predict; ``images="+"`` takes several rasters."""
    p.add_argument("--model", required=True, metavar="MODEL",
                   help="a model file, or base: the bundled base model of the raster's band "
                   "count (none is bundled yet)")
    p.add_argument("--image", required=True, metavar="IMG", nargs=images)
    p.add_argument("--tile", type=int, default=512, metavar="PX", help="window side (512)")
    p.add_argument("--overlap", type=float, default=0.25, help="window overlap (0.25)")
    p.add_argument("--batch", type=int, default=4, metavar="N", help="windows per batch (4)")
    p.add_argument("--tta", action="store_true", help="average the 8 flips/rotations")
    p.add_argument("--float32", action="store_true",
                   help="write Float32 probability instead of Byte 0-254")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")


def add_vectorize_options(p: argparse.ArgumentParser) -> None:
    """Options of the sub-commands that vectorise."""
    p.add_argument("--threshold", type=float, default=None,
                   help="road probability cut (default: the model's threshold, calibrated on "
                   "its hold-out and recorded in the probability raster; else 0.5)")
    p.add_argument("--block", type=int, default=2048, metavar="PX",
                   help="vectorise by square blocks of this many pixels (2048); memory "
                   "follows the block, not the raster")


def predict_config(args: argparse.Namespace) -> Any:
    """The PredictConfig of the predict options."""
    from ..predict import PredictConfig

    return PredictConfig(tile_px=args.tile, overlap=args.overlap, batch_size=args.batch,
                         tta=args.tta, output_dtype="float32" if args.float32 else "byte")


def check_vectorize_options(args: argparse.Namespace) -> None:
    """Check ``--block`` and a given ``--threshold`` before any work (omitted: the model's
    is used)."""
    from ..vectorize import VectorizeConfig

    VectorizeConfig(block_px=args.block)
    if args.threshold is not None:
        VectorizeConfig(threshold=args.threshold)


def vectorize_config(args: argparse.Namespace, threshold: float) -> Any:
    """The VectorizeConfig of the vectorize options, cutting at ``threshold``."""
    from ..vectorize import VectorizeConfig

    return VectorizeConfig(threshold=threshold, block_px=args.block)


def probability_metadata(paths: list[str]) -> dict[str, str]:
    """The tags ``predict`` writes that every raster of ``paths`` shares (a mosaic of them
    keeps them: a probability, and the model's threshold when all record the same)."""
    from osgeo import gdal

    from ..io.probability import PROBABILITY_TAG
    from ..threshold import THRESHOLD_TAG

    shared: dict[str, str] = {}
    for tag in (PROBABILITY_TAG, THRESHOLD_TAG):
        values = {gdal.OpenEx(path, gdal.OF_RASTER).GetMetadataItem(tag) for path in paths}
        if len(values) == 1 and None not in values:
            shared[tag] = values.pop()
    return shared


def result_dict(obj: Any) -> dict[str, Any]:
    """A dataclass result as a JSON-ready dict."""
    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else dict(obj)
    return {k: str(v) if isinstance(v, Path) else v for k, v in data.items()}


def add_predict(sub: Any) -> argparse.ArgumentParser:
    """Register ``predict``."""
    p = sub.add_parser("predict", help="road probability raster of an image, streamed by "
                       "windows")
    add_predict_options(p)
    p.add_argument("--out", required=True, metavar="PROB.tif")
    add_distributed(p)
    add_common(p)
    return p


def run_predict(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Predict one raster."""
    from ..base_model import model_for_raster
    from ..io.paths import check_outputs
    from ..predict import predict_raster

    config = predict_config(args)
    model = model_for_raster(args.model, args.image)
    check_outputs({"--out": args.out}, {"--image": args.image, "--model": model},
                  overwrite=args.overwrite)
    with claimed({"--out": args.out}), distributed_run(args) as (dist, device):
        result = predict_raster(model, args.image, args.out, config, device=device,
                                reporter=reporter, overwrite=args.overwrite, dist=dist)
    reporter.artifact("probability", args.out)
    return result_dict(result)


def add_vectorize(sub: Any) -> argparse.ArgumentParser:
    """Register ``vectorize``."""
    p = sub.add_parser("vectorize", help="road polygons and centerlines from a probability "
                       "raster (several: one GeoPackage for their mosaic)")
    p.add_argument("--prob", required=True, nargs="+", metavar="PROB.tif")
    p.add_argument("--out", required=True, metavar="ROADS.gpkg")
    p.add_argument("--overwrite", action="store_true")
    add_vectorize_options(p)
    add_common(p)
    return p


def run_vectorize(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Vectorise a probability raster, or the mosaic of several (a VRT in memory)."""
    from ..io.mosaic import check_mosaic, memory_vrt, remove_memory_vrt
    from ..io.paths import check_outputs
    from ..threshold import resolve_threshold
    from ..vectorize import vectorize_raster

    check_vectorize_options(args)
    check_outputs({"--out": args.out}, {"--prob": args.prob}, overwrite=args.overwrite)
    probs = [str(p) for p in args.prob]
    if len(probs) > 1:
        check_mosaic(probs, option="--prob")
    with claimed({"--out": args.out}):
        prob = probs[0] if len(probs) == 1 else memory_vrt(
            probs, metadata=probability_metadata(probs))
        try:
            threshold = resolve_threshold(args.threshold, probability_path=prob)
            result = vectorize_raster(prob, args.out, vectorize_config(args, threshold),
                                      reporter=reporter, overwrite=args.overwrite)
        finally:
            if prob not in probs:
                remove_memory_vrt(prob)
    reporter.artifact("roads", args.out)
    return {**result_dict(result), "path": args.out, "threshold": threshold}
