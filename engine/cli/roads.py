"""The ``predict``, ``vectorize`` and ``extract`` sub-commands: from a model to road layers."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path
from typing import Any

from ..errors import BadInputError
from ..events import Reporter
from .common import add_common, add_distributed, distributed_run

__all__ = ["add_predict", "run_predict", "add_vectorize", "run_vectorize", "add_extract",
           "run_extract"]


def _add_predict_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, metavar="MODEL")
    p.add_argument("--image", required=True, metavar="IMG")
    p.add_argument("--tile", type=int, default=512, metavar="PX", help="window side (512)")
    p.add_argument("--overlap", type=float, default=0.25, help="window overlap (0.25)")
    p.add_argument("--batch", type=int, default=4, metavar="N", help="windows per batch (4)")
    p.add_argument("--tta", action="store_true", help="average the 8 flips/rotations")
    p.add_argument("--float32", action="store_true",
                   help="write Float32 probability instead of Byte 0-254")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")


def _add_vectorize_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", type=float, default=None,
                   help="road probability cut (default: the model's threshold, calibrated on "
                   "its hold-out and recorded in the probability raster; else 0.5)")


def _predict_config(args: argparse.Namespace) -> Any:
    from ..predict import PredictConfig

    return PredictConfig(tile_px=args.tile, overlap=args.overlap, batch_size=args.batch,
                         tta=args.tta, output_dtype="float32" if args.float32 else "byte")


def _check_threshold(args: argparse.Namespace) -> None:
    """Check a given ``--threshold`` before any work (omitted: the model's is used)."""
    from ..vectorize import VectorizeConfig

    if args.threshold is not None:
        VectorizeConfig(threshold=args.threshold)


def _result(obj: Any) -> dict[str, Any]:
    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else dict(obj)
    return {k: str(v) if isinstance(v, Path) else v for k, v in data.items()}


def add_predict(sub: Any) -> argparse.ArgumentParser:
    """Register ``predict``."""
    p = sub.add_parser("predict", help="road probability raster of an image, streamed by "
                       "windows")
    _add_predict_options(p)
    p.add_argument("--out", required=True, metavar="PROB.tif")
    add_distributed(p)
    add_common(p)
    return p


def run_predict(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Predict one raster."""
    from ..io.paths import check_outputs
    from ..predict import predict_raster

    config = _predict_config(args)
    check_outputs({"--out": args.out}, {"--image": args.image, "--model": args.model},
                  overwrite=args.overwrite)
    with distributed_run(args) as (dist, device):
        result = predict_raster(args.model, args.image, args.out, config, device=device,
                                reporter=reporter, overwrite=args.overwrite, dist=dist)
    reporter.artifact("probability", args.out)
    return _result(result)


def add_vectorize(sub: Any) -> argparse.ArgumentParser:
    """Register ``vectorize``."""
    p = sub.add_parser("vectorize", help="road polygons and centerlines from a probability "
                       "raster")
    p.add_argument("--prob", required=True, metavar="PROB.tif")
    p.add_argument("--out", required=True, metavar="ROADS.gpkg")
    p.add_argument("--overwrite", action="store_true")
    _add_vectorize_options(p)
    add_common(p)
    return p


def run_vectorize(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Vectorise one probability raster."""
    from ..io.paths import check_outputs
    from ..threshold import resolve_threshold
    from ..vectorize import VectorizeConfig, vectorize_raster

    _check_threshold(args)
    check_outputs({"--out": args.out}, {"--prob": args.prob}, overwrite=args.overwrite)
    threshold = resolve_threshold(args.threshold, probability_path=args.prob)
    result = vectorize_raster(args.prob, args.out, VectorizeConfig(threshold=threshold),
                              reporter=reporter, overwrite=args.overwrite)
    reporter.artifact("roads", args.out)
    return {**_result(result), "threshold": threshold}


def add_extract(sub: Any) -> argparse.ArgumentParser:
    """Register ``extract``."""
    p = sub.add_parser("extract", help="predict + vectorize + preview PNG in one go")
    _add_predict_options(p)
    _add_vectorize_options(p)
    p.add_argument("--out-dir", required=True, metavar="DIR")
    add_common(p)
    return p


def extract_paths(image: str, out_dir: str) -> dict[str, Path]:
    """Output names of ``extract``: ``<stem>_prob.tif``, ``<stem>_roads.gpkg``, ``_preview.png``."""
    stem = Path(image).stem
    folder = Path(out_dir)
    return {"probability": folder / f"{stem}_prob.tif", "roads": folder / f"{stem}_roads.gpkg",
            "preview": folder / f"{stem}_preview.png"}


def run_extract(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Predict, vectorise and draw the preview of one raster."""
    from ..io.paths import check_output_folder, check_outputs
    from ..predict import predict_raster
    from ..preview import write_preview
    from ..threshold import resolve_threshold
    from ..vectorize import VectorizeConfig, vectorize_raster

    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise BadInputError("extract runs in one process; under torchrun run predict, then "
                            "vectorize the probability raster in one process")
    config = _predict_config(args)
    _check_threshold(args)
    check_output_folder(args.out_dir, option="--out-dir", create=False)
    paths = extract_paths(args.image, args.out_dir)
    check_outputs({f"--out-dir ({kind})": path for kind, path in paths.items()},
                  {"--image": args.image, "--model": args.model}, overwrite=args.overwrite)
    predicted = predict_raster(args.model, args.image, str(paths["probability"]), config,
                               device=args.device, reporter=reporter, overwrite=args.overwrite)
    reporter.artifact("probability", str(paths["probability"]))
    # The model's calibrated threshold travels in the probability raster's metadata.
    threshold = resolve_threshold(args.threshold, probability_path=str(paths["probability"]))
    vectors = vectorize_raster(str(paths["probability"]), str(paths["roads"]),
                               VectorizeConfig(threshold=threshold), reporter=reporter,
                               overwrite=args.overwrite)
    reporter.artifact("roads", str(paths["roads"]))
    write_preview(args.image, str(paths["probability"]), str(paths["roads"]),
                  str(paths["preview"]), threshold=threshold)
    reporter.artifact("preview", str(paths["preview"]))
    if args.progress == "bar":
        for kind, path in paths.items():
            print(f"{kind}: {path}")
    return {"files": {k: str(v) for k, v in paths.items()}, "predict": _result(predicted),
            "vectorize": _result(vectors), "threshold": threshold}
