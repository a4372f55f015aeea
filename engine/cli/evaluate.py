"""The ``evaluate`` and ``labels`` sub-commands: scores against a reference, label rasters."""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import Any

import numpy as np

from ..errors import BadInputError
from ..events import Reporter
from .common import add_common, claimed, label_files, label_sources

__all__ = ["add_evaluate", "run_evaluate", "add_labels", "run_labels", "holdout_only"]


def add_evaluate(sub: Any) -> argparse.ArgumentParser:
    """Register ``evaluate``."""
    p = sub.add_parser("evaluate", help="pixel, relaxed, centerline and APLS scores")
    p.add_argument("--pred", required=True, metavar="PROB_or_MASK.tif|ROADS.gpkg")
    p.add_argument("--truth", required=True, metavar="MASK.tif|LINES.gpkg")
    p.add_argument("--rho", type=float, default=3.0, help="relaxed tolerance in pixels (3)")
    p.add_argument("--buffer-m", type=float, default=3.0,
                   help="centerline buffer in metres for completeness/correctness (3)")
    p.add_argument("--threshold", type=float, default=None,
                   help="road probability cut (default: the model's threshold recorded in "
                   "the probability raster by predict; else 0.5)")
    p.add_argument("--block", type=int, default=2048, metavar="PX",
                   help="read rasters by square blocks of this many pixels (2048)")
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    add_common(p)
    return p


def run_evaluate(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Score a prediction against a reference and print the scores."""
    from ..evaluate import evaluate
    from ..vectorize import VectorizeConfig

    scores = evaluate(args.pred, args.truth, rho_px=args.rho, buffer_m=args.buffer_m,
                      threshold=args.threshold,
                      vectorize_config=VectorizeConfig(block_px=args.block), reporter=reporter)
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v)
             for k, v in scores.items()}
    if args.json:
        print(json.dumps(clean))
    elif args.progress != "json":
        for key, value in clean.items():
            print(f"{key:>18}  {'n/a' if value is None else f'{value:.4f}'}")
    return {"scores": clean}


def add_labels(sub: Any) -> argparse.ArgumentParser:
    """Register ``labels``."""
    p = sub.add_parser("labels", help="rasterise road labels on an image's grid "
                       "(1 road, 0 background, 255 unlabeled)")
    p.add_argument("--image", required=True, metavar="IMG")
    p.add_argument("--roads", required=True, metavar="VEC")
    p.add_argument("--aoi", metavar="VEC")
    p.add_argument("--background", metavar="VEC")
    p.add_argument("--road-width", type=float, default=6.0, metavar="METRES")
    p.add_argument("--width-field", default="width")
    p.add_argument("--holdout-of", metavar="MODEL",
                   help="keep only the tiles this model held out for validation")
    p.add_argument("--out", required=True, metavar="LABELS.tif")
    p.add_argument("--overwrite", action="store_true")
    add_common(p)
    return p


def holdout_only(labels: np.ndarray, image: str, holdout: list[dict[str, Any]]) -> np.ndarray:
    """Set every pixel outside the hold-out windows of ``image`` to unlabeled (255).

    Parameters
    ----------
    labels : ndarray of uint8, shape (H, W)
    image : str
        The raster the labels belong to; windows of other rasters are ignored.
    holdout : list of dict
        The model metadata's ``holdout`` entries: ``image`` and ``window``
        (row, col, rows, cols).
    """
    out = np.full_like(labels, 255)
    found = 0
    for tile in holdout:
        if not (os.path.exists(tile["image"]) and os.path.samefile(tile["image"], image)):
            continue
        r, c, h, w = tile["window"]
        out[r:r + h, c:c + w] = labels[r:r + h, c:c + w]
        found += 1
    if not found:
        raise BadInputError(f"the model held out no tile of {image!r}; give the raster it "
                            "was trained on")
    return out


def _check_has_holdout(meta: dict[str, Any], model: str) -> None:
    """Refuse a model whose labels were too few to hold any back: it has no hold-out to
    write, whatever the raster (a fitted or configured split records its tile size)."""
    split = meta.get("holdout_split")
    if isinstance(split, dict) and split.get("tile_px") is None and not meta.get("holdout"):
        raise BadInputError(
            f"the model {model!r} was trained without a hold-out (its labels were too few to "
            "keep any back, so its threshold comes from the training labels); there are no "
            "hold-out labels to write: score it on labels it never saw instead")


def run_labels(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Rasterise the labels (optionally only the hold-out) and write them."""
    from ..io.paths import check_outputs
    from ..io.raster import read_info, write_raster
    from ..labels import IGNORE, count_labels, rasterize_labels
    from ..model_file import read_model_file

    sources = label_sources(args)
    check_outputs({"--out": args.out}, {"--image": args.image, **label_files(args),
                                        "--holdout-of": args.holdout_of},
                  overwrite=args.overwrite)
    with claimed({"--out": args.out}):
        meta = read_model_file(args.holdout_of)[1] if args.holdout_of else None
        info = read_info(args.image)
        labels = rasterize_labels(info, sources)
        if meta is not None:
            _check_has_holdout(meta, args.holdout_of)
            labels = holdout_only(labels, args.image, meta.get("holdout", []))
        write_raster(args.out, labels, geotransform=info.geotransform, crs_wkt=info.crs_wkt,
                     nodata=IGNORE, overwrite=args.overwrite)
    reporter.artifact("labels", args.out)
    counts = count_labels(labels)
    return {"out": args.out, "road_px": counts.road, "background_px": counts.background}
