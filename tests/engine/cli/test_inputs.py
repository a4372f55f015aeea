"""Bad inputs end with exit 2 and a message that says what is wrong and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.io.geotiff import write_raster
from engine.io.raster import read_info
from engine.io.vector import VectorLayer, write_layers
from engine.model_file import FORMAT


def _predict(model: Path, image: Path, out: Path, *extra: object) -> list[object]:
    return ["predict", "--model", model, "--image", image, "--out", out, "--device", "cpu",
            "--tile", "64", "--progress", "json", *extra]


@pytest.mark.parametrize(("payload", "message"), [
    ({"format": FORMAT, "state_dict": {}}, "has no metadata"),
    ({"format": FORMAT, "metadata_json": "[1, 2]", "state_dict": {}}, "not a JSON object"),
    ({"format": FORMAT, "metadata_json": "{oops", "state_dict": {}}, "not valid JSON"),
    ({"format": FORMAT, "metadata_json": json.dumps({"format_version": "1"}),
      "state_dict": {}}, "format_version '1' is not a whole number"),
])
@pytest.mark.parametrize("command", ["info", "predict"])  # both read the model first
def test_cli_crafted_model_file_exits_2_with_the_reason(run_cli, scene_files, tmp_path,
                                                       payload, message, command):
    model = tmp_path / "crafted.pt"
    torch.save(payload, model)
    args = (["info", model, "--progress", "json"] if command == "info"
            else _predict(model, scene_files["image"], tmp_path / "prob.tif"))
    run = run_cli(*args)
    assert run.code == 2
    assert message in run.error and "crafted.pt" in run.error


def test_cli_predict_says_a_model_folder_is_a_folder(run_cli, scene_files, tmp_path):
    run = run_cli(*_predict(tmp_path, scene_files["image"], tmp_path / "prob.tif"))
    assert run.code == 2
    assert "is a folder, not a file" in run.error


@pytest.fixture
def truncated(scene_files, tmp_path) -> Path:
    """The scene's image cut after its header and first tiles, as an unfinished copy is."""
    path = tmp_path / "truncated.tif"
    data = scene_files["image"].read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


@pytest.mark.parametrize("command", ["predict", "labels"])  # both read pixels by windows
def test_cli_truncated_geotiff_is_called_damaged(run_cli, scene_files, cli_model, truncated,
                                                 tmp_path, command):
    out = tmp_path / "out.tif"
    args = (_predict(cli_model, truncated, out) if command == "predict" else
            ["labels", "--image", truncated, "--roads", scene_files["roads"], "--out", out,
             "--progress", "json"])
    run = run_cli(*args)
    assert run.code == 2
    assert "truncated.tif is damaged or incomplete" in run.error
    assert "copy or export it again" in run.error
    assert not out.exists()


def test_cli_predict_refuses_an_all_nodata_raster(run_cli, scene_files, cli_model, tmp_path):
    info = read_info(str(scene_files["image"]))
    empty = tmp_path / "empty.tif"
    write_raster(str(empty), np.zeros((3, 100, 120), np.uint8), geotransform=info.geotransform,
                 crs_wkt=info.crs_wkt, nodata=0)
    run = run_cli(*_predict(cli_model, empty, tmp_path / "prob.tif"))
    assert run.code == 2
    assert "empty.tif holds only nodata pixels" in run.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.tif"]


def test_cli_label_next_refuses_a_tile_larger_than_the_raster(run_cli, scene_files, cli_model,
                                                              tmp_path):
    run = run_cli("label-next", "--model", cli_model, "--image", scene_files["image"], "--out",
                  tmp_path / "tiles.gpkg", "--tile", "256", "--device", "cpu",
                  "--progress", "json")
    assert run.code == 2
    assert "--tile 256 is larger than the raster (160 x 160 px)" in run.error
    assert "--tile 160 or less" in run.error
    assert not (tmp_path / "tiles.gpkg").exists()


def _roads(path: Path, crs_wkt: str, geometries: list[str], geometry_type: str,
           widths: list[float]) -> Path:
    write_layers(str(path), [VectorLayer("roads", geometry_type, crs_wkt, geometries,
                                         fields={"width": widths})])
    return path


def _centre(info) -> tuple[float, float]:
    xmin, ymin, xmax, ymax = info.bounds
    return (xmin + xmax) / 2, (ymin + ymax) / 2


def test_cli_labels_warns_of_an_implausible_road_width(run_cli, scene_files, tmp_path):
    info = read_info(str(scene_files["image"]))
    x, y = _centre(info)
    roads = _roads(tmp_path / "wide.gpkg", info.crs_wkt,
                   [f"LINESTRING ({x - 20} {y}, {x + 20} {y})",
                    f"LINESTRING ({x} {y - 20}, {x} {y + 20})"], "LineString", [1e9, 6.0])
    run = run_cli("labels", "--image", scene_files["image"], "--roads", roads, "--out",
                  tmp_path / "labels.tif", "--progress", "json")
    assert run.code == 0, run.error
    warnings = [e["message"] for e in run.events if e["event"] == "warning"]
    assert any("1 road line(s)" in w and "1e+09 m" in w and "width" in w for w in warnings)


@pytest.fixture
def point_roads(scene_files, tmp_path) -> Path:
    """A road layer holding one point in the middle of the scene."""
    info = read_info(str(scene_files["image"]))
    x, y = _centre(info)
    return _roads(tmp_path / "points.gpkg", info.crs_wkt, [f"POINT ({x} {y})"], "Point", [6.0])


def test_cli_labels_warns_that_points_are_not_roads(run_cli, scene_files, point_roads,
                                                    tmp_path):
    run = run_cli("labels", "--image", scene_files["image"], "--roads", point_roads, "--out",
                  tmp_path / "labels.tif", "--progress", "json")
    warnings = [e["message"] for e in run.events if e["event"] == "warning"]
    assert any("1 point feature(s)" in w and "left out" in w for w in warnings), run.out


def test_cli_progress_none_still_prints_warnings_on_stderr(run_cli, scene_files, point_roads,
                                                           tmp_path):
    run = run_cli("labels", "--image", scene_files["image"], "--roads", point_roads, "--out",
                  tmp_path / "labels.tif", "--progress", "none")
    assert "warning: 1 point feature(s)" in run.err
    assert run.out == ""


@pytest.mark.parametrize("command", ["vectorize", "synth"])  # messages named overwrite=True
def test_cli_existing_output_names_the_overwrite_option(run_cli, scene_files, tmp_path,
                                                        command):
    if command == "vectorize":
        out = tmp_path / "roads.gpkg"
        out.write_bytes(b"mine")
        args = ["vectorize", "--prob", scene_files["truth"], "--out", out]
    else:
        out = tmp_path / "image.tif"
        out.write_bytes(b"mine")
        args = ["synth", "--out", tmp_path, "--size", "64"]
    run = run_cli(*args, "--progress", "json")
    assert run.code == 2
    assert "already exists; pass --overwrite" in run.error
    assert "overwrite=True" not in run.error.split("(")[0]
    assert out.read_bytes() == b"mine"


def test_cli_train_names_the_config_file_with_a_wrong_type(run_cli, scene_files, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('steps_per_round = "300"\n[contrastive]\nweight = 0.1\n')
    run = run_cli("train", "--image", scene_files["image"], "--roads", scene_files["roads"],
                  "--aoi", scene_files["aoi"], "--out", tmp_path / "m.pt", "--config", config,
                  "--device", "cpu", "--progress", "json")
    assert run.code == 2
    assert "bad.toml" in run.error and "steps_per_round = '300'" in run.error
    assert "a whole number" in run.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]
