"""Outputs never replace an input, also through a VRT; outputs are checked before work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from osgeo import gdal

from .conftest import build_vrt


def _labels_args(files: dict[str, Path], out: Path) -> list[object]:
    return ["labels", "--image", files["image"], "--roads", files["roads"], "--aoi",
            files["aoi"], "--out", out, "--overwrite", "--progress", "json"]


@pytest.mark.parametrize("target", ["roads", "aoi", "image"])  # each input of labels
def test_cli_labels_refuses_an_output_that_is_an_input(run_cli, scene_copy, target):
    before = scene_copy[target].read_bytes()
    run = run_cli(*_labels_args(scene_copy, scene_copy[target]))
    assert run.code == 2
    assert "would overwrite the input" in run.error and str(scene_copy[target]) in run.error
    assert scene_copy[target].read_bytes() == before


def test_cli_label_next_refuses_an_output_that_is_its_roads(run_cli, scene_copy, cli_model):
    roads = scene_copy["roads"]
    before = roads.read_bytes()
    run = run_cli("label-next", "--model", cli_model, "--image", scene_copy["image"],
                  "--roads", roads, "--aoi", scene_copy["aoi"], "--out", roads,
                  "--overwrite", "--device", "cpu", "--progress", "json")
    assert run.code == 2
    assert "--out" in run.error and "would overwrite the input --roads" in run.error
    assert roads.read_bytes() == before


def _through_vrt(command: str, files: dict[str, Path], model: Path, tmp_path: Path
                 ) -> tuple[list[object], Path]:
    """Arguments of ``command`` reading a VRT of a file that its output would replace."""
    image, truth = files["image"], files["truth"]
    vrt = build_vrt(tmp_path / "mosaic.vrt", image)
    common = ["--overwrite", "--progress", "json"]
    if command == "predict":
        return ["predict", "--model", model, "--image", vrt, "--out", image, "--device",
                "cpu", *common], image
    if command == "labels":
        return ["labels", "--image", vrt, "--roads", files["roads"], "--out", image,
                *common], image
    if command == "label-next":
        return ["label-next", "--model", model, "--image", vrt, "--out", image, "--device",
                "cpu", *common], image
    if command == "vectorize":
        return ["vectorize", "--prob", build_vrt(tmp_path / "prob.vrt", truth), "--out",
                truth, *common], truth
    if command == "extract":  # mosaic.vrt gives mosaic_prob.tif: the source, renamed so
        source = image.with_name("mosaic_prob.tif")
        shutil.copyfile(image, source)
        return ["extract", "--model", model, "--image", build_vrt(vrt, source), "--out-dir",
                image.parent, "--device", "cpu", *common], source
    assert command == "train"
    return ["train", "--image", vrt, "--roads", files["roads"], "--aoi", files["aoi"],
            "--out", image, "--device", "cpu", *common], image


@pytest.mark.parametrize("command", ["predict", "labels", "label-next", "vectorize",
                                     "extract", "train"])  # every command with an output
def test_cli_refuses_an_output_that_a_vrt_input_reads(run_cli, scene_copy, cli_model,
                                                      tmp_path, command):
    args, victim = _through_vrt(command, scene_copy, cli_model, tmp_path)
    before = victim.read_bytes()
    run = run_cli(*args)
    assert run.code == 2
    assert "would overwrite the input" in run.error
    assert f"which reads {victim}" in run.error
    assert victim.read_bytes() == before


def test_cli_extract_checks_the_threshold_before_predicting(run_cli, scene_files, cli_model,
                                                            tmp_path):
    run = run_cli("extract", "--model", cli_model, "--image", scene_files["image"],
                  "--out-dir", tmp_path, "--threshold", "2", "--device", "cpu",
                  "--progress", "json")
    assert run.code == 2
    assert "threshold" in run.error and "2" in run.error
    assert not [e for e in run.events if e["event"] == "progress"]
    assert list(tmp_path.iterdir()) == []


def test_cli_synth_refuses_an_out_that_is_a_file(run_cli, tmp_path):
    target = tmp_path / "scene"
    target.write_bytes(b"a file")
    run = run_cli("synth", "--out", target, "--size", "64", "--progress", "json")
    assert run.code == 2
    assert "is a file, not a folder" in run.error
    assert target.read_bytes() == b"a file"


def test_cli_synth_into_a_folder_it_cannot_create_exits_2(run_cli, tmp_path, monkeypatch):
    def refused(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refused)  # as a read-only parent folder does
    run = run_cli("synth", "--out", tmp_path / "new", "--size", "64", "--progress", "json")
    assert run.code == 2
    assert "Permission denied" in run.error and "new" in run.error


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_cli_synth_into_a_read_only_folder_exits_2(run_cli, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        run = run_cli("synth", "--out", folder, "--size", "64", "--progress", "json")
    finally:
        folder.chmod(0o755)
    assert run.code == 2
    assert "not writable" in run.error
    assert list(folder.iterdir()) == []


def test_cli_labels_refuses_a_geopackage_with_several_layers(run_cli, scene_files, tmp_path):
    multi = tmp_path / "multi.gpkg"
    _two_layer_copy(scene_files, multi)
    run = run_cli("labels", "--image", scene_files["image"], "--roads", multi, "--aoi", multi,
                  "--out", tmp_path / "labels.tif", "--progress", "json")
    assert run.code == 2
    assert "has several layers (roads, aoi)" in run.error and "|layername=" in run.error
    assert not (tmp_path / "labels.tif").exists()


def test_cli_labels_reads_the_layers_named_in_the_paths(run_cli, scene_files, tmp_path):
    multi = tmp_path / "multi.gpkg"
    _two_layer_copy(scene_files, multi)
    named = run_cli("labels", "--image", scene_files["image"], "--roads",
                    f"{multi}|layername=roads", "--aoi", f"{multi}|layername=aoi", "--out",
                    tmp_path / "named.tif", "--progress", "json")
    single = run_cli("labels", "--image", scene_files["image"], "--roads", scene_files["roads"],
                     "--aoi", scene_files["aoi"], "--out", tmp_path / "single.tif",
                     "--progress", "json")
    assert named.code == 0 and single.code == 0, named.error
    assert named.events[-1]["road_px"] == single.events[-1]["road_px"] > 0
    assert named.events[-1]["background_px"] == single.events[-1]["background_px"] > 0


def _two_layer_copy(files: dict[str, Path], multi: Path) -> None:
    """``multi`` holds the scene's roads and labeled area as layers "roads" and "aoi"."""
    gdal.VectorTranslate(str(multi), str(files["roads"]), layerName="roads")
    gdal.VectorTranslate(str(multi), str(files["aoi"]), layerName="aoi", accessMode="update")


@pytest.mark.parametrize("target", ["roads", "config"])  # one of train's, one of the CLI's
def test_cli_train_refuses_an_out_that_is_an_input_and_leaves_nothing(run_cli, scene_copy,
                                                                       tmp_path, target):
    config = tmp_path / "tiny.json"
    config.write_text("{}")
    victim = config if target == "config" else scene_copy["roads"]
    before = victim.read_bytes()
    run = run_cli("train", "--image", scene_copy["image"], "--roads", scene_copy["roads"],
                  "--aoi", scene_copy["aoi"], "--config", config, "--out", victim,
                  "--overwrite", "--device", "cpu", "--progress", "json")
    assert run.code == 2
    assert f"would overwrite the input --{target}" in run.error
    assert victim.read_bytes() == before
    assert not Path(str(victim) + ".rounds").exists()
