"""'Where to label next': tiles ranked by positive-pair disagreement, and ``label-next``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from osgeo import ogr

from engine.cli.main import main
from engine.errors import CancelledError
from engine.events import CollectingSink, Reporter
from engine.io.raster import read_info
from engine.label_next import context_px_for, rank_tiles
from engine.labels import IGNORE, LabelSources, rasterize_labels


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, scene_files, tiny_config) -> Path:
    """A model trained for 3 steps on the shared scene."""
    from engine.training import TrainJob, train

    out = tmp_path_factory.mktemp("label_next_model") / "m.pt"
    job = TrainJob(images=(str(scene_files["image"]),), roads=str(scene_files["roads"]),
                   aoi=str(scene_files["aoi"]), out=str(out))
    train(job, tiny_config.updated({"max_rounds": 1, "steps_per_round": 3}), device="cpu")
    return out


def _labels(scene_files) -> LabelSources:
    return LabelSources(roads=str(scene_files["roads"]), aoi=str(scene_files["aoi"]))


def test_context_is_one_and_a_half_tiles_on_a_32_grid():
    assert context_px_for(256) == 384
    assert context_px_for(32) == 64
    assert context_px_for(40) == 64


def test_rank_tiles_returns_the_top_n_most_disagreeing_first(small_model, scene_files):
    tiles = rank_tiles(str(small_model), str(scene_files["image"]), tile_px=32, top=5,
                       device="cpu").tiles
    assert len(tiles) == 5
    scores = [d for _, d in tiles]
    assert scores == sorted(scores, reverse=True)
    assert all(np.isfinite(d) and d >= 0 for d in scores)
    every = rank_tiles(str(small_model), str(scene_files["image"]), tile_px=32, top=100,
                       device="cpu").tiles
    assert tiles == every[:5]  # same seed, same scores
    assert scores[0] == max(d for _, d in every)


def test_rank_tiles_leaves_out_labeled_tiles(small_model, scene_files):
    labels = _labels(scene_files)
    human = rasterize_labels(read_info(str(scene_files["image"])), labels)
    every = rank_tiles(str(small_model), str(scene_files["image"]), tile_px=32, top=100,
                       device="cpu")
    free = rank_tiles(str(small_model), str(scene_files["image"]), tile_px=32, top=100,
                      labels=labels, device="cpu")
    assert 0 < len(free.tiles) < len(every.tiles)
    # every full tile is counted once: suggested, left out as labeled, or without data
    assert every.labeled == 0 and free.full_tiles == every.full_tiles == (160 // 32) ** 2
    assert free.labeled == len(every.tiles) - len(free.tiles) > 0
    for window, _ in free.tiles:
        tile = human[window.row_off:window.row_off + 32, window.col_off:window.col_off + 32]
        assert np.count_nonzero(tile != IGNORE) <= 0.1 * tile.size


def test_cli_label_next_writes_ranked_tile_polygons(tmp_path, small_model, scene_files):
    out = tmp_path / "tiles.gpkg"
    code = main(["label-next", "--model", str(small_model), "--image",
                 str(scene_files["image"]), "--out", str(out), "--tile", "32", "--top", "4",
                 "--roads", str(scene_files["roads"]), "--aoi", str(scene_files["aoi"]),
                 "--device", "cpu", "--progress", "none"])
    assert code == 0
    ds = ogr.Open(str(out))
    layer = ds.GetLayerByName("label_next")
    assert layer is not None and layer.GetFeatureCount() == 4
    names = [layer.GetLayerDefn().GetFieldDefn(i).GetName()
             for i in range(layer.GetLayerDefn().GetFieldCount())]
    assert names == ["disagreement", "rank"]
    features = list(layer)
    assert [f.GetField("rank") for f in features] == [1, 2, 3, 4]
    scores = [f.GetField("disagreement") for f in features]
    assert scores == sorted(scores, reverse=True)
    x0, dx, _, y0, _, dy = read_info(str(scene_files["image"])).geotransform
    xmin, xmax, ymin, ymax = features[0].GetGeometryRef().GetEnvelope()
    assert xmax - xmin == pytest.approx(32 * dx) and ymax - ymin == pytest.approx(-32 * dy)
    assert x0 <= xmin and ymax <= y0
    ds = None
    assert main(["label-next", "--model", str(small_model), "--image",
                 str(scene_files["image"]), "--out", str(out), "--tile", "32",
                 "--device", "cpu", "--progress", "none"]) != 0  # exists, no --overwrite


def test_rank_tiles_checks_for_cancel_within_the_forward_passes(small_model, scene_files):
    sink = CollectingSink()
    polls: list[int] = []
    reporter = Reporter(sink, should_stop=lambda: polls.append(1) or len(polls) > 20)
    with pytest.raises(CancelledError):
        rank_tiles(str(small_model), str(scene_files["image"]), tile_px=32, top=5,
                   device="cpu", reporter=reporter)
    done = [e["done"] for e in sink.of_kind("progress") if e["stage"] == "label next"]
    assert not [d for d in done if d > 0]  # stopped inside the first pass, not after it


def test_cli_label_next_says_how_many_tiles_it_chose_from(tmp_path, small_model, scene_files,
                                                           capsys):
    code = main(["label-next", "--model", str(small_model), "--image",
                 str(scene_files["image"]), "--out", str(tmp_path / "t.gpkg"), "--tile", "32",
                 "--top", "3", "--roads", str(scene_files["roads"]), "--aoi",
                 str(scene_files["aoi"]), "--device", "cpu", "--progress", "json"])
    assert code == 0
    done = [json.loads(line) for line in capsys.readouterr().out.splitlines()][-1]
    assert done["event"] == "done" and len(done["tiles"]) == 3
    assert done["full_tiles"] == 25 and 0 < done["labeled_tiles"] < 25
    assert done["tiles_without_data"] == 0


def test_cli_label_next_names_both_band_counts_and_both_files(tmp_path, small_model,
                                                             scene_factory, capsys):
    grey = scene_factory(tmp_path / "grey", bands=1)["image"]  # the model has 3 bands
    code = main(["label-next", "--model", str(small_model), "--image", str(grey),
                 "--out", str(tmp_path / "t.gpkg"), "--tile", "32", "--device", "cpu",
                 "--progress", "none"])
    assert code == 2
    message = capsys.readouterr().err
    assert str(small_model) in message and str(grey) in message
    assert "3 band(s)" in message and "has 1" in message
    assert "statistics describe" not in message
    assert not (tmp_path / "t.gpkg").exists()
