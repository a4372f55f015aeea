"""The paper's protocol on real labelled tiles: label a share of a pool, score a fixed test set.

Per source (bench/real_tiles_data.py: EPFL, Massachusetts), a fixed test set of tiles is
never trained on. From the pool, a labelled share (1/16, 1/8, 1/4, all) is drawn with the
run's seed, so every configuration of one (share, seed) sees the same labels: differences
between configurations are paired. Each run trains with the `fast` profile's schedule
(the configuration's own), then predicts every test tile and cuts it at the model's own
calibrated threshold; pixel and relaxed counts are pooled over the test tiles, APLS is the
mean over the tiles with road in the truth.

    python -m bench.real_tiles run --data /work/realdata --out bench-output/real_tiles \
        [--sources epfl mass] [--shares 8] [--configs scratch mobilenet_v2] [--seeds 0 1 2 3 4]
    python -m bench.real_tiles report --runs bench-output/real_tiles --out bench/results
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from osgeo import gdal

from .grid import GridRun, print_grid, write_record
from .real_tiles_data import SOURCES, prepare, write_labels

__all__ = ["CONFIGS", "run_one", "select_labelled", "predict_tile", "score_tiles", "main"]

#: The pseudo-label settings of the `fast` profile before bench/RESULTS.md section 10.
OLD_PSEUDO = {"max_tiles": 256, "keep_fractions": [0.2, 0.4, 0.6, 0.8], "batch_mode": "replace"}

#: Overrides of the `fast` profile per configuration. "scratch" is the `fast` profile as it
#: was before the ImageNet encoders (a 12-wide, 3-deep U-Net from random weights).
CONFIGS: dict[str, dict[str, Any]] = {
    "scratch": {"model": {"arch": "unet", "base_width": 12, "depth": 3, "embed_dim": 16},
                "crop_px": 96, "batch_size": 4, "steps_per_round": 300, "max_rounds": 3,
                "learning_rate": 3e-3, "val_tile_px": 96, "predict_tile_px": 192,
                "augment": {"scale": 0.0}},
    "mobilenet_v2": {"model": {"arch": "mobilenet_v2"}},
    "mobilenet_v2_random": {"model": {"arch": "mobilenet_v2", "pretrained": False}},
    "efficientnet_lite0": {"model": {"arch": "efficientnet_lite0"}},
    "efficientnet_lite1": {"model": {"arch": "efficientnet_lite1"}},
    "efficientnet_lite2": {"model": {"arch": "efficientnet_lite2"}},
    # training choices of the pretrained network, each against mobilenet_v2
    "mobilenet_v2_encoder_lr1": {"model": {"arch": "mobilenet_v2"}, "encoder_lr_scale": 1.0},
    "mobilenet_v2_scale_aug": {"model": {"arch": "mobilenet_v2"}, "augment": {"scale": 0.25}},
    "mobilenet_v2_crop96": {"model": {"arch": "mobilenet_v2"}, "crop_px": 96},
    # the semi-supervised method and each of its halves, each against mobilenet_v2; these
    # also train on the pool's unlabelled share and the source's unlabelled tiles. Their
    # pseudo-labels are pinned to the `fast` profile's settings of sections 8 and 10 (256
    # tiles scored, a fifth kept, half of the crops replaced), the defaults until section 10
    "mobilenet_v2_semi": {"model": {"arch": "mobilenet_v2"}, "contrastive": {"enabled": True},
                          "pseudo": {"enabled": True, **OLD_PSEUDO}},
    "mobilenet_v2_contrastive": {"model": {"arch": "mobilenet_v2"},
                                 "contrastive": {"enabled": True}},
    "mobilenet_v2_pseudo": {"model": {"arch": "mobilenet_v2"},
                            "pseudo": {"enabled": True, **OLD_PSEUDO}},
    "mobilenet_v2_unlabelled": {"model": {"arch": "mobilenet_v2"}},
    # the contrastive views normalised by batch norm's running statistics (eval mode), so
    # that the small batches of views neither normalise themselves nor move those statistics
    "mobilenet_v2_semi_running_bn": {"model": {"arch": "mobilenet_v2"},
                                     "contrastive": {"enabled": True, "running_batch_norm": True},
                                     "pseudo": {"enabled": True, **OLD_PSEUDO}},
    # what RESULTS 8's measurements point to, each against mobilenet_v2: the contrastive
    # term at a fifth of its weight; more pseudo-labelled area (twice the tiles scored, half
    # kept) that replaces a quarter of the labelled crops rather than half
    "mobilenet_v2_contrastive_w002": {"model": {"arch": "mobilenet_v2"},
                                      "contrastive": {"enabled": True, "weight": 0.02}},
    "mobilenet_v2_pseudo_more": {"model": {"arch": "mobilenet_v2"},
                                 "pseudo": {"enabled": True, "max_tiles": 512,
                                            "keep_fractions": [0.5], "batch_share": 0.25,
                                            "batch_mode": "replace"}},
    # pseudo-labelled crops added to a step's labelled ones (more tiles, half kept); the
    # contrastive term from round 2, on the round-1 supervised model (the paper's order)
    "mobilenet_v2_pseudo_add": {"model": {"arch": "mobilenet_v2"},
                                "pseudo": {"enabled": True, "max_tiles": 512,
                                           "keep_fractions": [0.5], "batch_mode": "add"}},
    "mobilenet_v2_contrastive_r2": {"model": {"arch": "mobilenet_v2"},
                                    "contrastive": {"enabled": True, "start_round": 2}},
    # the contrastive term on the encoder's stride-8 features through their own head
    "mobilenet_v2_contrastive_enc": {"model": {"arch": "mobilenet_v2", "embed_from": "encoder"},
                                     "contrastive": {"enabled": True}},
    # negatives only from pixels confidently of the other class (bench.contrastive_negatives)
    "mobilenet_v2_contrastive_other": {"model": {"arch": "mobilenet_v2"},
                                       "contrastive": {"enabled": True,
                                                       "other_class_negatives": True}},
    # three rounds, supervised and with added pseudo-labels (round 3's from a better model)
    "mobilenet_v2_r3": {"model": {"arch": "mobilenet_v2"}, "max_rounds": 3},
    "mobilenet_v2_pseudo_add_r3": {"model": {"arch": "mobilenet_v2"}, "max_rounds": 3,
                                   "pseudo": {"enabled": True, "max_tiles": 512,
                                              "keep_fractions": [0.5, 0.6],
                                              "batch_mode": "add"}},
    # fine-tuned from a base model (--init, bench.real_base) instead of ImageNet alone
    "mobilenet_v2_base": {"model": {"arch": "mobilenet_v2"}},
}
#: Configurations that start from the model file given to ``run --init``.
INIT_CONFIGS = {"mobilenet_v2_base"}
#: Configurations that are given the unlabelled imagery although neither semi-supervised
#: half is on: "mobilenet_v2_unlabelled" is supervised training on the same inputs as the
#: semi-supervised runs (the unlabelled rasters enter the band statistics, and with them
#: the random draws that follow), the baseline they pair with exactly.
UNLABELLED_INPUT = {"mobilenet_v2_unlabelled"}
RHO_PX = 3.0


def uses_unlabelled(config_name: str) -> bool:
    """Whether a configuration trains on unlabelled imagery (either semi-supervised half)."""
    overrides = CONFIGS[config_name]
    return config_name in UNLABELLED_INPUT or any(overrides.get(half, {}).get("enabled", False)
               for half in ("contrastive", "pseudo"))


def unlabelled_tiles(manifest: dict, labelled: list[dict]) -> list[dict]:
    """The imagery a semi-supervised run sees without labels: the pool's tiles not in the
    labelled share, then the source's unlabelled tiles (never the test tiles)."""
    names = {t["name"] for t in labelled}
    return [t for t in manifest["pool"] if t["name"] not in names] + manifest["unlabeled"]


def select_labelled(pool: list[dict], share: int, seed: int) -> list[dict]:
    """The ``1/share`` of the pool labelled in run ``seed`` (at least one tile with road;
    ``share`` 1 is the whole pool)."""
    order = np.random.default_rng(1000 + seed).permutation(len(pool))
    count = max(1, math.ceil(len(pool) / share))
    chosen = [pool[i] for i in order[:count]]
    if not any(t["road_share"] > 0 for t in chosen):
        chosen[0] = next(pool[i] for i in order if pool[i]["road_share"] > 0)
    return chosen


def predict_tile(model_path: str, image: str, prob_path: Path, *, factor: float = 1.0
                 ) -> float:
    """Predict ``image`` into ``prob_path`` on the image's own grid and return the model's
    threshold. With ``factor`` != 1 the image is read at ``factor`` x its pixel side (a VRT:
    averaged when coarser, bilinear when finer), predicted there and the probability
    resampled back (bilinear): how the model does at another pixel size of the same ground."""
    from engine.predict import predict_raster
    from engine.threshold import raster_threshold

    if factor == 1.0:
        predict_raster(model_path, image, prob_path, device="cpu", overwrite=True)
        return raster_threshold(str(prob_path))
    src = gdal.Open(image)
    gt, cols, rows = src.GetGeoTransform(), src.RasterXSize, src.RasterYSize
    vrt, coarse = prob_path.with_suffix(".in.vrt"), prob_path.with_suffix(".resampled.tif")
    gdal.Translate(str(vrt), src, format="VRT", xRes=gt[1] * factor, yRes=abs(gt[5]) * factor,
                   resampleAlg="average" if factor > 1 else "bilinear")
    predict_raster(model_path, str(vrt), coarse, device="cpu", overwrite=True)
    gdal.Warp(str(prob_path), str(coarse), width=cols, height=rows, resampleAlg="bilinear",
              outputBounds=(gt[0], gt[3] + rows * gt[5], gt[0] + cols * gt[1], gt[3]),
              srcNodata=255, dstNodata=255, format="GTiff")
    return raster_threshold(str(coarse))


def score_tiles(model_path: str, tiles: list[dict], work: Path, *, factor: float = 1.0
                ) -> dict[str, Any]:
    """Predict every tile (``name``, ``image``, ``truth``: 1 road, 0 not, 255 not scored)
    at the model's threshold (``factor``: see :func:`predict_tile`) and pool the scores:
    pixel and relaxed counts summed over the tiles, APLS the mean over tiles with road."""
    from engine.evaluate import evaluate
    from engine.metrics.pixel import count_pixels

    sums = dict.fromkeys(("tp", "fp", "fn", "rp", "rt", "pred", "truth", "valid"), 0)
    apls = []
    threshold = None
    for tile in tiles:
        prob_path = work / f"{tile['name']}_prob.tif"
        threshold = predict_tile(model_path, tile["image"], prob_path, factor=factor)
        prob = gdal.Open(str(prob_path)).ReadAsArray()
        truth = gdal.Open(tile["truth"]).ReadAsArray()
        valid = (truth != 255) & (prob != 255)
        counts = count_pixels(prob.astype(np.float32) / 254.0 >= threshold, truth == 1,
                              rho_px=RHO_PX, valid=valid)
        for key, value in (("tp", counts.tp), ("fp", counts.fp), ("fn", counts.fn),
                           ("rp", counts.relaxed_pred_hits), ("rt", counts.relaxed_truth_hits),
                           ("pred", counts.pred), ("truth", counts.truth),
                           ("valid", int(valid.sum()))):
            sums[key] += int(value)
        if counts.truth:
            apls.append(evaluate(str(prob_path), tile["truth"])["apls"])
    precision = sums["tp"] / max(1, sums["tp"] + sums["fp"])
    recall = sums["tp"] / max(1, sums["tp"] + sums["fn"])
    r_precision, r_recall = sums["rp"] / max(1, sums["pred"]), sums["rt"] / max(1, sums["truth"])
    return {"iou": sums["tp"] / max(1, sums["tp"] + sums["fp"] + sums["fn"]),
            "f1": 2 * precision * recall / max(1e-12, precision + recall),
            "precision": precision, "recall": recall,
            "relaxed_f1": 2 * r_precision * r_recall / max(1e-12, r_precision + r_recall),
            "apls": float(np.nanmean(apls)) if apls else float("nan"),
            "marked_road_share": sums["pred"] / max(1, sums["valid"]),
            "true_road_share": sums["truth"] / max(1, sums["valid"]), "threshold": threshold}


def run_name(source: str, config: str, share: int, seed: int) -> str:
    return f"{source}_{config}_1of{share}_s{seed}"


def run_one(root: Path, data: Path, source: str, config_name: str, share: int, seed: int,
            init: str | None = None) -> dict[str, Any]:
    """Train one configuration on one labelled selection, score the test set, write JSON
    (``init``: the model file the configurations of :data:`INIT_CONFIGS` start from)."""
    if (config_name in INIT_CONFIGS) != (init is not None):
        raise SystemExit(f"{config_name}: --init is needed by {sorted(INIT_CONFIGS)} only")
    from engine.config import profile_config
    from engine.io.digest import file_sha256
    from engine.training import TrainJob, train

    manifest = prepare(data, root / "tiles")[source]
    name = run_name(source, config_name, share, seed)
    work = root / "work" / name
    labelled = select_labelled(manifest["pool"], share, seed)
    roads, aoi = write_labels(labelled, work / "labels")
    config = profile_config("fast").updated(CONFIGS[config_name]).updated({"seed": seed})
    unlabelled = unlabelled_tiles(manifest, labelled) if uses_unlabelled(config_name) else []
    job = TrainJob(images=tuple(t["image"] for t in labelled), roads=roads, aoi=aoi,
                   unlabeled=tuple(t["image"] for t in unlabelled),
                   out=str(work / "model.pt"), overwrite=True, init_model=init,
                   diagnostic_truth=_pool_truth(unlabelled))
    wall, cpu = time.perf_counter(), time.process_time()
    result = train(job, config, device="cpu")
    train_s, train_cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    record = {"source": source, "config": config_name, "share": share, "seed": seed,
              "labelled_tiles": [t["name"] for t in labelled],
              "unlabelled_tiles": len(unlabelled),
              "scores": score_tiles(result.model_path, manifest["test"], work),
              "best_round": result.best_round, "rounds": _round_summaries(result.rounds),
              "train_seconds": train_s,
              "train_cpu_seconds": train_cpu_s, "threads": _threads(),
              "date": time.strftime("%Y-%m-%d"), "commit": _commit(),
              "train_config": config.to_dict(),
              **({"init": {"name": Path(init).name, "sha256": file_sha256(init)}} if init else {})}
    write_record(root / "runs" / f"{name}.json", record)
    return record


def _pool_truth(tiles: list[dict]) -> dict[str, str]:
    """Truth files of the unlabelled tiles that have one, to score the pseudo-labels (never
    trained on)."""
    return {t["image"]: t["truth"] for t in tiles if t.get("truth")}


def _round_summaries(rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("round", "metrics", "threshold", "contrastive_weight", "pseudo_tiles",
            "candidate_tiles", "pseudo_thresholds", "pseudo", "pseudo_seconds", "seconds")
    return [{k: r.get(k) for k in keys} for r in rounds]


def _commit() -> str | None:
    """The project's commit the run was made with (None outside a git checkout)."""
    import subprocess

    proc = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                          cwd=Path(__file__).parent)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real_tiles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("run", "one", "report"))
    parser.add_argument("--data", type=Path, default=Path("/work/realdata"),
                        help="the folder get.sh extracted ../shared/data/real into")
    parser.add_argument("--out", type=Path, default=Path("bench-output/real_tiles"))
    parser.add_argument("--runs", type=Path, default=Path("bench-output/real_tiles"))
    parser.add_argument("--sources", nargs="+", default=list(SOURCES), choices=SOURCES)
    parser.add_argument("--shares", type=int, nargs="+", default=None,
                        help="labelled share of the pool, as 1/N (run: default 16 8 4 1; "
                        "report: only these, default all)")
    parser.add_argument("--configs", nargs="+", default=None, choices=list(CONFIGS),
                        help="run: default scratch mobilenet_v2; report: only these, "
                        "default all")
    parser.add_argument("--compare", nargs=2, default=None,
                        metavar=("REFERENCE", "CONFIG"),
                        help="report: the two configurations its pictures show (default: "
                        "scratch mobilenet_v2)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--source", choices=SOURCES)
    parser.add_argument("--config", choices=list(CONFIGS))
    parser.add_argument("--share", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--records", type=Path, default=None,
                        help="run records kept with the project (default: "
                             "bench/results/real_tiles_runs.jsonl); runs found there are "
                             "not run again")
    parser.add_argument("--name", default="real_tiles", help="report: the name of its "
                        "files under --out (NAME.md, NAME_runs.jsonl, NAME_SOURCE_1ofN.png)")
    parser.add_argument("--init", help="model file the configurations "
                        f"{sorted(INIT_CONFIGS)} start from (a base model of bench.real_base)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    if args.threads <= 0:
        args.threads = max(1, (os.cpu_count() or 1) // args.jobs)
    if args.mode == "one":
        import torch

        torch.set_num_threads(args.threads)
        run_one(args.out, args.data, args.source, args.config, args.share, args.seed,
                args.init if args.config in INIT_CONFIGS else None)
        return 0
    if args.mode == "report":
        from .real_tiles_report import COMPARE, write_report

        print(write_report(args.runs, args.out, args.name, configs=args.configs,
                           shares=args.shares, compare=tuple(args.compare or COMPARE)))
        return 0
    args.shares = args.shares or [16, 8, 4, 1]
    args.configs = args.configs or ["scratch", "mobilenet_v2"]
    prepare(args.data, args.out / "tiles")
    from .real_tiles_report import RECORDS, restore_records

    restored = restore_records(args.records or RECORDS, args.out)
    if restored:
        print(f"{restored} runs restored from their records", flush=True)
    grid = []
    for seed in args.seeds:
        for share in args.shares:
            for source in args.sources:
                for config in args.configs:
                    name = run_name(source, config, share, seed)
                    command = [sys.executable, "-m", "bench.real_tiles", "one", "--out",
                               str(args.out), "--data", str(args.data), "--source", source,
                               "--config", config, "--share", str(share), "--seed", str(seed),
                               "--threads", str(args.threads)]
                    if config in INIT_CONFIGS:
                        if not args.init:
                            parser.error(f"{config} needs --init MODEL")
                        command += ["--init", str(Path(args.init).resolve())]
                    grid.append(GridRun(name, args.out / "runs" / f"{name}.json", command))
    return print_grid(grid, args.jobs, args.threads)


if __name__ == "__main__":
    raise SystemExit(main())
