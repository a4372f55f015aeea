"""How good is a base model with no label at all? Zero-shot scores on labelled images.

A base model (``python -m engine pretrain``) predicts each image with its own band count,
and its road map, at the model's own decision threshold (the one a user gets: chosen on
the hold-out of the real images it was pretrained with, else 0.5) and at the threshold
that would have been best (an upper bound no user can pick without labels), is scored
against the truth. Real sites are those of ``bench.real_imagery``
(their test parts, the same pixels the trained models are scored on); generated scenes
those of ``bench.ablation`` (the test scenes of both styles).

    python -m bench.base_zero_shot --model-1band M1.pt --model-3band M3.pt \
        --real bench-output/real --scenes bench-output/ablation2/scenes \
        --out bench-output/zero_shot [--picture-dir bench/results] [--sites NAME ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

from engine.evaluate import evaluate
from engine.io.probability import read_probability
from engine.io.raster import read_info
from engine.metrics import pixel_scores
from engine.model_file import read_model_file
from engine.predict import predict_raster
from engine.threshold import model_threshold

from .real_imagery import _overlay, save_panels, stretched_gray

__all__ = ["best_threshold_iou", "score_image", "main"]

METRICS = ("iou", "relaxed_f1", "precision", "recall", "apls")


def best_threshold_iou(prob: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """The threshold (0.05-0.95) with the best pixel IoU on the scored pixels, and that IoU.

    ``prob`` in [0, 1] with NaN where nothing was predicted; ``truth`` 1 road, 0
    background, anything else not scored.
    """
    scored = np.isin(truth, (0, 1)) & np.isfinite(prob)
    p = np.nan_to_num(prob)
    best = (0.5, -1.0)
    for t in np.round(np.arange(0.05, 0.951, 0.05), 2):
        iou = pixel_scores(p >= t, truth == 1, valid=scored).iou
        if iou > best[1]:
            best = (float(t), float(iou))
    return best


def _probability(path: Path) -> np.ndarray:
    """A probability raster in [0, 1], NaN where it holds no prediction."""
    prob, valid = read_probability(read_info(str(path)))
    return np.where(valid, prob, np.nan)


def score_image(model: Path, image: str, truth: str, work: Path) -> dict[str, Any]:
    """Predict ``image`` with ``model`` and score it against ``truth`` at the model's
    decision threshold."""
    work.mkdir(parents=True, exist_ok=True)
    prob_path = work / "prob.tif"
    predict_raster(model, image, prob_path, device="cpu", overwrite=True)
    threshold = model_threshold(read_model_file(model)[1])
    scores = evaluate(str(prob_path), truth, threshold=threshold)
    prob = _probability(prob_path)
    labels = gdal.Open(truth).ReadAsArray()
    scored = np.isin(labels, (0, 1)) & np.isfinite(prob)
    best_t, best_iou = best_threshold_iou(prob, labels)
    return {"scores": {k: float(scores[k]) for k in METRICS}, "threshold": threshold,
            "marked_road_share": float(np.mean(prob[scored] >= threshold)),
            "true_road_share": float(np.mean(labels[scored] == 1)),
            "oracle_threshold": best_t, "oracle_iou": best_iou, "prob": str(prob_path)}


def _picture(image: str, truth: str, prob: str, threshold: float, best: float, title: str,
             path: Path) -> None:
    gray = stretched_gray(image)
    labels = gdal.Open(truth).ReadAsArray()
    scored = np.isin(labels, (0, 1))
    p = np.nan_to_num(_probability(Path(prob)))
    save_panels([(_overlay(gray, labels == 1, scored, (1.0, 0.85, 0.0)),
                  "truth (yellow; dimmed: not scored)"),
                 (_overlay(gray, p >= threshold, scored, (1.0, 0.1, 0.1)),
                  f"base model, no label (red, p >= {threshold:.2f}, its threshold)"),
                 (_overlay(gray, p >= best, scored, (1.0, 0.1, 0.1)),
                  f"at p >= {best:.2f}, the best threshold (it needs labels)")], title, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.base_zero_shot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-1band", type=Path)
    parser.add_argument("--model-3band", type=Path)
    parser.add_argument("--real", type=Path, default=Path("bench-output/real"),
                        help="folder of bench.real_imagery (its sites/)")
    parser.add_argument("--scenes", type=Path, default=Path("bench-output/ablation2/scenes"),
                        help="folder of bench.ablation's scenes")
    parser.add_argument("--out", type=Path, default=Path("bench-output/zero_shot"))
    parser.add_argument("--picture-dir", type=Path, help="write one picture per real site")
    args = parser.parse_args(argv)
    models = {1: args.model_1band, 3: args.model_3band}
    if args.picture_dir is not None:
        args.picture_dir.mkdir(parents=True, exist_ok=True)
    images: list[tuple[str, str, str]] = []
    for site in sorted((args.real / "sites").glob("*/source.json")):
        source = json.loads(site.read_text())
        images.append((f"real: {site.parent.name}", source["image"], source["truth"]))
    for scene in sorted(args.scenes.glob("*_*")):
        if scene.name.startswith(("test_", "heldout_")):
            images.append((f"generated: {scene.name}", str(scene / "image.tif"),
                           str(scene / "truth.tif")))
    rows = []
    for name, image, truth in images:
        model = models.get(read_info(image).band_count)
        if model is None:
            continue
        work = args.out / name.replace(": ", "_")
        result = score_image(model, image, truth, work)
        rows.append({"image": name, "model": str(model), **result})
        if args.picture_dir is not None and name.startswith("real"):
            site = name.split(": ")[1]
            _picture(image, truth, result["prob"], result["threshold"],
                     result["oracle_threshold"],
                     f"{site}: the base model with no label; IoU "
                     f"{result['scores']['iou']:.3f} at {result['threshold']:.2f}, "
                     f"{result['oracle_iou']:.3f} at {result['oracle_threshold']:.2f}",
                     args.picture_dir / f"zero_shot_{site}.png")
        print(json.dumps(rows[-1]), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "zero_shot.json").write_text(json.dumps(rows, indent=1))
    print("| image | threshold | " + " | ".join(METRICS) + " | marked road (truth) | best "
          "threshold (its IoU) |")
    print("|" + " --- |" * (len(METRICS) + 4))
    for r in rows:
        cells = [f"{r['scores'][m]:.3f}" for m in METRICS]
        print(f"| {r['image']} | {r['threshold']:.2f} | " + " | ".join(cells) +
              f" | {r['marked_road_share']:.1%} "
              f"({r['true_road_share']:.1%}) | {r['oracle_threshold']:.2f} "
              f"({r['oracle_iou']:.3f}) |")
    generated = [r["scores"]["iou"] for r in rows if r["image"].startswith("generated")]
    if generated:
        print(f"\ngenerated scenes, mean IoU at the models' thresholds: "
              f"{statistics.fmean(generated):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
