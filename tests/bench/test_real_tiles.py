"""Tests of bench.real_tiles: the labelled selection, the tiles' grids, the paired table."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from bench.real_tiles import select_labelled, unlabelled_tiles, uses_unlabelled
from bench.real_tiles_data import MASS_SUB_PX, _mass_cut, write_labels
from bench.real_tiles_report import summary


def _pool(n: int, with_road: set[int]) -> list[dict]:
    return [{"name": f"t{i}", "road_share": 0.1 if i in with_road else 0.0} for i in range(n)]


@pytest.mark.parametrize(("share", "count"), [(16, 5), (8, 9), (4, 17), (1, 66)])
def test_select_labelled_takes_the_share_of_the_pool(share: int, count: int) -> None:
    assert len(select_labelled(_pool(66, set(range(66))), share, 0)) == count


def test_select_labelled_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    pool = _pool(66, set(range(66)))
    names = lambda seed: [t["name"] for t in select_labelled(pool, 8, seed)]  # noqa: E731
    assert names(3) == names(3) and names(3) != names(4)


def test_select_labelled_always_holds_a_tile_with_road() -> None:
    chosen = select_labelled(_pool(40, {39}), 16, 0)
    assert any(t["road_share"] > 0 for t in chosen)


def test_mass_cut_leaves_out_mostly_white_tiles_and_masks_white(tmp_path) -> None:
    size = 2 * MASS_SUB_PX
    image = np.full((3, size, size), 100, np.uint8)
    image[:, :MASS_SUB_PX, :MASS_SUB_PX] = 255  # one cut all white: left out
    image[:, MASS_SUB_PX:, :40] = 255  # a white strip in another: nodata there
    road = np.zeros((size, size), bool)
    road[:, 700:710] = True
    tiles = _mass_cut(tmp_path, "x", image, road, 0)
    assert [t["name"] for t in tiles] == ["mass_x_01", "mass_x_10", "mass_x_11"]
    truth = gdal.Open(tiles[1]["truth"]).ReadAsArray()
    assert (truth[:, :40] == 255).all() and (truth[:, 40:] != 255).all()
    ds = gdal.Open(tiles[1]["image"])
    assert not ds.GetRasterBand(1).GetMaskBand().ReadAsArray()[:, :40].any()
    assert tiles[0]["index"] != tiles[1]["index"]  # tiles never share ground


def test_write_labels_polygons_burn_back_to_the_truth(tmp_path) -> None:
    from engine.io.raster import read_info
    from engine.labels import ROAD, LabelSources, rasterize_labels

    image = np.full((3, MASS_SUB_PX, MASS_SUB_PX), 90, np.uint8)
    road = np.zeros((MASS_SUB_PX, MASS_SUB_PX), bool)
    road[200:215, :] = True
    (tile,) = _mass_cut(tmp_path, "y", image, road, 7)
    roads, aoi = write_labels([tile], tmp_path / "labels")
    labels = rasterize_labels(read_info(tile["image"]), LabelSources(roads=roads, aoi=aoi))
    assert np.array_equal(labels == ROAD, road)


def _run(config: str, seed: int, iou: float) -> dict:
    scores = {"iou": iou, "relaxed_f1": iou, "apls": iou, "precision": iou, "recall": iou,
              "marked_road_share": 0.2, "true_road_share": 0.2}
    return {"source": "epfl", "config": config, "share": 8, "seed": seed, "scores": scores,
            "labelled_tiles": ["a"] * 9, "train_cpu_seconds": 100.0, "train_seconds": 120.0}


def test_summary_pairs_the_pretrained_network_with_scratch_by_seed() -> None:
    runs = [_run("scratch", s, 0.4) for s in range(3)] + \
        [_run("mobilenet_v2", s, 0.6 + 0.01 * s) for s in range(3)]
    text = summary(runs)
    assert "**epfl, 1/8 labelled** (9 tiles" in text
    assert "| mobilenet_v2 - scratch | 3 | +0.210 [" in text and "(3/3)" in text


def test_semi_supervised_runs_see_the_unlabelled_pool_and_tiles_but_never_the_test_set() -> None:
    manifest = {"pool": _pool(16, set(range(16))), "test": _pool(4, {0}),
                "unlabeled": [{"name": f"u{i}"} for i in range(3)]}
    for t in manifest["test"]:
        t["name"] = "test_" + t["name"]
    labelled = select_labelled(manifest["pool"], 8, 0)
    seen = [t["name"] for t in unlabelled_tiles(manifest, labelled)]
    assert len(seen) == 14 + 3
    assert not set(seen) & {t["name"] for t in labelled}
    assert not any(name.startswith("test_") for name in seen)
    assert uses_unlabelled("mobilenet_v2_semi") and uses_unlabelled("mobilenet_v2_pseudo")
    assert uses_unlabelled("mobilenet_v2_contrastive") and not uses_unlabelled("mobilenet_v2")
    assert uses_unlabelled("mobilenet_v2_unlabelled")  # the semi-supervised runs' baseline


def test_records_written_by_the_report_restore_the_runs_elsewhere(tmp_path) -> None:
    from bench.real_tiles_report import restore_records, write_report

    def record(config: str, seed: int, iou: float) -> dict:
        scores = {m: iou for m in ("iou", "relaxed_f1", "apls", "precision", "recall")}
        scores.update(marked_road_share=0.2, true_road_share=0.2, threshold=0.5)
        return {"source": "epfl", "config": config, "share": 8, "seed": seed,
                "labelled_tiles": ["a"], "scores": scores, "train_cpu_seconds": 1.0,
                "train_seconds": 1.0}

    first = tmp_path / "first"
    (first / "runs").mkdir(parents=True)
    for seed in (0, 1):
        for config, iou in (("scratch", 0.4), ("mobilenet_v2", 0.6 + seed / 100)):
            (first / "runs" / f"epfl_{config}_1of8_s{seed}.json").write_text(
                __import__("json").dumps(record(config, seed, iou)))
    text = write_report(first, tmp_path / "results")
    second = tmp_path / "second"
    assert restore_records(tmp_path / "results" / "real_tiles_runs.jsonl", second) == 4
    assert restore_records(tmp_path / "results" / "real_tiles_runs.jsonl", second) == 0
    assert write_report(second, tmp_path / "again") == text
    assert "| mobilenet_v2 - scratch | 2 | +0.205" in text


def test_rounds_summary_shows_what_each_semi_supervised_round_did() -> None:
    from bench.real_tiles_report import rounds_summary

    def run(seed: int, best: int) -> dict:
        first = {"round": 1, "metrics": {"iou": 0.5}, "contrastive_weight": 0.09,
                 "candidate_tiles": 0, "pseudo_tiles": 0, "pseudo": None,
                 "pseudo_seconds": 0.0, "seconds": 60.0}
        second = {"round": 2, "metrics": {"iou": 0.6 + seed / 10}, "contrastive_weight": 0.09,
                  "candidate_tiles": 256, "pseudo_tiles": 50,
                  "pseudo": {"pseudo_road_px": 1000, "road_precision": 0.8,
                             "road_recall": 0.3, "background_precision": 0.99},
                  "pseudo_seconds": 15.0, "seconds": 75.0}
        return {"source": "epfl", "share": 8, "config": "mobilenet_v2_semi", "seed": seed,
                "best_round": best, "rounds": [first, second]}

    supervised = {"source": "epfl", "share": 8, "config": "mobilenet_v2", "seed": 0,
                  "best_round": 1, "rounds": [{"round": 1, "contrastive_weight": 0.0,
                                               "candidate_tiles": 0}]}
    lines = rounds_summary([run(0, 2), run(1, 1), supervised]).splitlines()
    assert len(lines) == 4  # header, rule, two rounds of the one semi-supervised group
    assert lines[3] == ("| epfl, 1/8 | mobilenet_v2_semi | 2 | 2 | 0.650 | 0.090 | 256 / 50 | "
                        "1000 | 0.80 / 0.30 | 0.990 | 0.20 | 1/2 |")
    assert rounds_summary([supervised]) == ""


def test_a_base_model_start_needs_its_model_file_and_only_it_does(tmp_path) -> None:
    from bench.real_tiles import run_one

    with pytest.raises(SystemExit, match="mobilenet_v2_base: --init is needed"):
        run_one(tmp_path, tmp_path, "epfl", "mobilenet_v2_base", 8, 0, None)
    with pytest.raises(SystemExit, match="mobilenet_v2: --init is needed by"):
        run_one(tmp_path, tmp_path, "epfl", "mobilenet_v2", 8, 0, str(tmp_path / "m.pt"))


def test_the_report_keeps_only_the_configurations_and_shares_asked_for(tmp_path) -> None:
    import json

    from bench.real_tiles_report import write_report

    runs = tmp_path / "runs"
    runs.mkdir()
    for config in ("scratch", "mobilenet_v2", "mobilenet_v2_pseudo_add"):
        for share in (8, 4):
            for seed in (0, 1):
                scores = {m: 0.5 + seed / 10 for m in ("iou", "relaxed_f1", "apls",
                                                       "precision", "recall")}
                scores.update(marked_road_share=0.2, true_road_share=0.2, threshold=0.5)
                (runs / f"epfl_{config}_1of{share}_s{seed}.json").write_text(json.dumps(
                    {"source": "epfl", "config": config, "share": share, "seed": seed,
                     "labelled_tiles": ["a"], "scores": scores, "train_cpu_seconds": 1.0,
                     "train_seconds": 1.0}))
    text = write_report(tmp_path, tmp_path / "out", "semi",
                        configs=["mobilenet_v2", "mobilenet_v2_pseudo_add"], shares=[8],
                        compare=("mobilenet_v2", "mobilenet_v2_pseudo_add"))
    assert "| mobilenet_v2_pseudo_add - mobilenet_v2 | 2 | +0.000" in text
    assert "scratch" not in text and "1/4" not in text
    kept = (tmp_path / "out" / "semi_runs.jsonl").read_text().splitlines()
    assert len(kept) == 4
