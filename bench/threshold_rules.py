"""Which rule, on a model's own hold-out, picks the threshold that scores best on new scenes?

For every finished run of ``bench.ablation`` (below 100 % labels), the run's model predicts
its hold-out tiles again; each rule chooses a threshold there; the test scenes' saved
probability rasters are scored at each choice. Rules: the single best pixel F1 (``f1``)
or relaxed F1 (``relaxed_f1``), the middle of the plateau of thresholds within 0.02 of
the best (``f1_plateau``, ``relaxed_f1_plateau``), and 0.5.

    python -m bench.threshold_rules --runs bench-output/ablation
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import torch
from osgeo import gdal

from engine.io.probability import read_probability
from engine.io.raster import Window, read_info
from engine.labels import LabelSources, rasterize_labels
from engine.metrics import pixel_scores
from engine.model_file import load_model
from engine.normalization import BandStats
from engine.threshold import calibrate_threshold
from engine.training.holdout import HoldoutTile
from engine.training.sources import RasterSource
from engine.training.validate import holdout_probabilities, mosaic

__all__ = ["RULES", "rule_thresholds", "main"]

#: name -> (rule of calibrate_threshold, plateau tolerance); None: the fixed 0.5.
RULES: dict[str, tuple[str, float] | None] = {
    "f1": ("f1", 0.0), "relaxed_f1": ("relaxed_f1", 0.0),
    "f1_plateau": ("f1", 0.02), "relaxed_f1_plateau": ("relaxed_f1", 0.02), "0.5": None}


def rule_thresholds(prob: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> dict[str, float]:
    """The threshold each rule of :data:`RULES` chooses on one hold-out mosaic."""
    out = {}
    for name, rule in RULES.items():
        out[name] = 0.5 if rule is None else calibrate_threshold(
            prob, truth, valid, rule=rule[0], tolerance=rule[1]).value
    return out


def _holdout(work: Path, meta: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The run's hold-out tiles predicted again, as one mosaic (prob, truth, valid)."""
    model, _ = load_model(work / "model.pt")
    stats = BandStats.from_dict(meta["normalization"])
    probs, tiles = [], []
    for entry in meta["holdout"]:
        info = read_info(entry["image"])
        labels = rasterize_labels(info, LabelSources(roads=str(work / "roads.gpkg"),
                                                     aoi=str(work / "aoi.gpkg")))
        source = RasterSource(info, stats)
        r, c, h, w = entry["window"]
        tile = HoldoutTile(0, Window(r, c, h, w), labels[r:r + h, c:c + w])
        probs += holdout_probabilities(model.eval(), lambda _, win, s=source: s.read(win), [tile],
                                       tile_px=meta["config"]["predict_tile_px"],
                                       device=torch.device("cpu"))
        tiles.append(tile)
    gap = 8
    return (mosaic(probs, gap, 0.0), mosaic([t.labels == 1 for t in tiles], gap, False),
            mosaic([t.labels != 255 for t in tiles], gap, False))


def _test_iou(work: Path, scenes: Path, record: dict[str, Any], threshold: float) -> float:
    ious = []
    for split in record["scores"].values():
        for scene in split:
            prob, _ = read_probability(read_info(str(work / f"{scene}_prob.tif")))
            truth = gdal.Open(str(scenes / scene / "truth.tif")).ReadAsArray() == 1
            ious.append(pixel_scores(prob >= threshold, truth).iou)
    return float(np.mean(ious))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.threshold_rules", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=Path("bench-output/ablation"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    gains: dict[str, dict[str, list[float]]] = {}
    for path in sorted((args.runs / "runs").glob("*.json")):
        record = json.loads(path.read_text())
        if record.get("extra") or record["fraction"] >= 1.0:
            continue
        work = args.runs / "work" / path.stem
        _, meta = load_model(work / "model.pt")
        chosen = rule_thresholds(*_holdout(work, meta))
        ious = {k: _test_iou(work, args.runs / "scenes", record, t) for k, t in chosen.items()}
        per_config = gains.setdefault(record["config"], {k: [] for k in RULES})
        for k in RULES:
            per_config[k].append(ious[k] - ious["0.5"])
        print(path.stem, {k: round(v, 2) for k, v in chosen.items()}, flush=True)
    print("| configuration | runs | " + " | ".join(RULES) + " |")
    print("|" + " --- |" * (len(RULES) + 2))
    for config, per_rule in gains.items():
        cells = [f"{statistics.fmean(v):+.3f} ({sum(d > 0 for d in v)}/{len(v)})"
                 for v in per_rule.values()]
        print(f"| {config} | {len(per_rule['0.5'])} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
