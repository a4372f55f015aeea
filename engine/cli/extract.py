"""The ``extract`` sub-command: predict one raster or several, vectorise them as one."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..errors import BadInputError
from ..events import Reporter
from .common import add_common, claimed
from .roads import (
    add_predict_options,
    add_vectorize_options,
    check_vectorize_options,
    predict_config,
    probability_metadata,
    result_dict,
    vectorize_config,
)

__all__ = ["add_extract", "run_extract", "extract_paths"]

#: Name of the mosaic's outputs when several rasters are given and --name is not.
MOSAIC_NAME = "mosaic"


def add_extract(sub: Any) -> argparse.ArgumentParser:
    """Register ``extract``."""
    p = sub.add_parser("extract", help="predict + vectorize + preview PNG in one go (several "
                       "rasters: one probability raster each, one GeoPackage for all)")
    add_predict_options(p, images="+")
    add_vectorize_options(p)
    p.add_argument("--out-dir", required=True, metavar="DIR")
    p.add_argument("--name", metavar="NAME",
                   help="stem of the shared outputs of several rasters (default: mosaic)")
    add_common(p)
    return p


def extract_paths(images: list[str], out_dir: str,
                  name: str | None = None) -> dict[str, Any]:
    """Output names of ``extract``.

    Each raster gets ``<stem>_prob.tif``. One raster: ``<stem>_roads.gpkg`` and
    ``<stem>_preview.png``; several: ``<name>_prob.vrt`` (the mosaic of the probability
    rasters), ``<name>_roads.gpkg`` and ``<name>_preview.png``, name defaulting to
    "mosaic".
    """
    folder = Path(out_dir)
    stems = [Path(image).stem for image in images]
    for index, stem in enumerate(stems):
        if stem in stems[:index]:
            raise BadInputError(f"--image gives two rasters named {stem} ({images[index]}); "
                                "their outputs would collide: rename one")
    shared = stems[0] if len(images) == 1 else (name or MOSAIC_NAME)
    paths: dict[str, Any] = {"probabilities": [folder / f"{s}_prob.tif" for s in stems]}
    if len(images) > 1:
        paths["mosaic"] = folder / f"{shared}_prob.vrt"
    paths["roads"] = folder / f"{shared}_roads.gpkg"
    paths["preview"] = folder / f"{shared}_preview.png"
    return paths


def _outputs(paths: dict[str, Any]) -> dict[str, Path]:
    outputs = {f"--out-dir (probability of {p.stem[:-5]})": p for p in paths["probabilities"]}
    outputs.update({f"--out-dir ({kind})": path for kind, path in paths.items()
                    if kind != "probabilities"})
    return outputs


def run_extract(args: argparse.Namespace, reporter: Reporter) -> dict[str, Any]:
    """Predict each raster, vectorise the one (or the mosaic of all) and draw the preview."""
    from ..base_model import model_for_raster
    from ..io.mosaic import check_mosaic
    from ..io.paths import check_output_folder, check_outputs

    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise BadInputError("extract runs in one process; under torchrun run predict, then "
                            "vectorize the probability raster in one process")
    config = predict_config(args)
    check_vectorize_options(args)
    check_output_folder(args.out_dir, option="--out-dir", create=False)
    images = [str(image) for image in args.image]
    paths = extract_paths(images, args.out_dir, args.name)
    models = [model_for_raster(args.model, image) for image in images]
    check_outputs(_outputs(paths), {"--image": images, "--model": models},
                  overwrite=args.overwrite)
    if len(images) > 1:
        check_mosaic(images, option="--image")
    with claimed(_outputs(paths)):
        return _extract(args, reporter, images, models, paths, config)


def _extract(args: argparse.Namespace, reporter: Reporter, images: list[str],
             models: list[str], paths: dict[str, Any], config: Any) -> dict[str, Any]:
    """Predict, vectorise and draw the preview into the checked (and claimed) outputs."""
    from ..io.atomic import atomic_output
    from ..io.mosaic import build_vrt, memory_vrt, remove_memory_vrt
    from ..predict import predict_raster
    from ..preview import write_preview
    from ..threshold import resolve_threshold
    from ..vectorize import vectorize_raster

    predicted = []
    for image, model, prob in zip(images, models, paths["probabilities"], strict=True):
        predicted.append(predict_raster(model, image, str(prob), config,
                                        device=args.device, reporter=reporter,
                                        overwrite=args.overwrite))
        reporter.artifact("probability", str(prob))
    probs = [str(p) for p in paths["probabilities"]]
    prob = probs[0]
    if len(images) > 1:
        with atomic_output(str(paths["mosaic"]), overwrite=True, suffix=".vrt") as tmp:
            build_vrt(tmp, probs, metadata=probability_metadata(probs))
        prob = str(paths["mosaic"])
        reporter.artifact("probability_mosaic", prob)
    # The model's calibrated threshold travels in the probability raster's metadata.
    threshold = resolve_threshold(args.threshold, probability_path=prob)
    vectors = vectorize_raster(prob, str(paths["roads"]), vectorize_config(args, threshold),
                               reporter=reporter, overwrite=args.overwrite)
    reporter.artifact("roads", str(paths["roads"]))
    image = images[0] if len(images) == 1 else memory_vrt(images)
    try:
        write_preview(image, prob, str(paths["roads"]), str(paths["preview"]),
                      threshold=threshold)
    finally:
        if image not in images:
            remove_memory_vrt(image)
    reporter.artifact("preview", str(paths["preview"]))
    files = {kind: ([str(p) for p in path] if isinstance(path, list) else str(path))
             for kind, path in paths.items()}
    if len(images) == 1:
        files["probability"] = files.pop("probabilities")[0]
    if args.progress == "bar":
        for kind, path in files.items():
            print(f"{kind}: {path}")
    return {"files": files, "predict": [result_dict(r) for r in predicted]
            if len(images) > 1 else result_dict(predicted[0]),
            "vectorize": result_dict(vectors), "threshold": threshold}
