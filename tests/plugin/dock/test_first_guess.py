"""The dock's First guess: the bundled base model's roads on the raster, before any label."""

from __future__ import annotations

import shutil

import pytest
from qgis.core import Qgis, QgsMapLayer
from road_extraction.plugin.runner import EngineRunError

GROUP = "First guess (base model, no labels) - image"


@pytest.fixture()
def guess_dock(base_dir, dock):
    """The dock on the scene's RGB raster, with a (fake) 3-band base model bundled."""
    (base_dir / "base_3band.pt").write_bytes(b"fake base model")
    dock.update_first_guess()
    return dock


def group_layers(project, name=GROUP):
    group = project.layerTreeRoot().findGroup(name)
    return None if group is None else [node.layer() for node in group.findLayers()]


def test_first_guess_is_disabled_saying_which_file_is_missing(base_dir, dock):
    button = dock.ui.first_guess
    assert not button.isEnabled()
    assert "3-band" in button.toolTip()
    assert str(base_dir / "base_3band.pt") in button.toolTip()
    assert dock.start_first_guess() is False
    assert not dock.is_busy()


def shown_texts(dock) -> list[str]:
    """The texts of the dock's visible labels, without the zero-width spaces that let a path
    wrap."""
    from qgis.PyQt.QtWidgets import QLabel

    return [label.text().replace("\u200b", "") for label in dock.findChildren(QLabel)
            if label.isVisible()]


def test_first_guess_says_why_it_is_disabled_in_the_dock_not_only_in_its_tooltip(base_dir,
                                                                                 dock):
    notes = [text for text in shown_texts(dock) if "No base model is bundled" in text]
    assert len(notes) == 1 and "3-band" in notes[0], shown_texts(dock)
    assert str(base_dir / "base_3band.pt") in dock.ui.first_guess.toolTip()  # the path
    dock.ui.raster.setLayer(None)
    assert [text for text in shown_texts(dock) if "Choose a raster" in text]


def test_first_guess_is_enabled_when_the_base_model_of_the_bands_is_bundled(guess_dock):
    button = guess_dock.ui.first_guess
    assert button.isEnabled()
    assert "base model" in button.toolTip() and "before any label" in button.toolTip()
    assert not [text for text in shown_texts(guess_dock) if "First guess" in text]
    guess_dock.ui.raster.setLayer(None)
    assert not button.isEnabled() and "Choose a raster" in button.toolTip()


def test_first_guess_runs_extract_with_the_base_model_and_shows_its_layers(
        fake_engine, guess_dock, project, qtbot, work_dir, raster):
    guess_dock.checker = None
    guess_dock.ui.first_guess.click()
    assert guess_dock.is_busy() and guess_dock.ui.cancel.isEnabled()
    assert not guess_dock.ui.first_guess.isEnabled() and not guess_dock.ui.train.isEnabled()
    qtbot.waitUntil(lambda: not guess_dock.is_busy(), timeout=30_000)
    command, args = fake_engine.calls[-1]
    assert command == "extract"
    assert args[args.index("--model") + 1] == "base"
    assert args[args.index("--image") + 1] == raster.source()
    out_dir = work_dir / "first_guess" / "01_image"
    assert args[args.index("--out-dir") + 1] == str(out_dir)
    assert "--overwrite" not in args  # a new folder: nothing of the user's is replaced
    layers = group_layers(project)
    assert layers is not None, guess_dock.ui.stage.text()
    assert {layer.name() for layer in layers} == {
        "Road probability - first guess", "Predicted roads - first guess",
        "Predicted centerlines - first guess"}
    assert all(layer.isValid() for layer in layers)
    assert all(layer.source().startswith(str(out_dir)) for layer in layers)
    probability = next(la for la in layers if la.type() == QgsMapLayer.LayerType.RasterLayer)
    assert probability.renderer().type() == "singlebandpseudocolor"  # probability.qml
    assert guess_dock.ui.progress.value() == 100
    assert "First guess finished" in guess_dock.ui.stage.text()
    assert guess_dock.ui.first_guess.isEnabled() and guess_dock.ui.train.isEnabled()
    assert guess_dock.raster() is raster  # the probability output is no training image

    guess_dock.ui.first_guess.click()  # again: a new folder, the group replaced
    qtbot.waitUntil(lambda: not guess_dock.is_busy(), timeout=30_000)
    args = fake_engine.calls[-1][1]
    assert args[args.index("--out-dir") + 1] == str(work_dir / "first_guess" / "02_image")
    assert (out_dir / "image_prob.tif").exists()
    groups = [g.name() for g in project.layerTreeRoot().findGroups()]
    assert groups.count(GROUP) == 1


def test_cancel_stops_the_first_guess(fake_engine, guess_dock, project, qtbot, work_dir):
    guess_dock.checker = None
    fake_engine.start_s = 30.0
    assert guess_dock.start_first_guess()
    qtbot.wait(200)
    guess_dock.ui.cancel.click()
    qtbot.waitUntil(lambda: not guess_dock.is_busy(), timeout=10_000)
    assert "Cancelled" in guess_dock.ui.stage.text()
    assert group_layers(project) is None
    assert not (work_dir / "first_guess" / "01_image").exists()
    assert guess_dock.ui.first_guess.isEnabled()


def test_a_failed_first_guess_says_why(fake_engine, guess_dock, project, qtbot, iface,
                                       monkeypatch):
    guess_dock.checker = None

    def refuse(args, on_event, should_stop):
        raise EngineRunError("--model base: no base model for 3-band rasters", exit_code=2)

    monkeypatch.setattr(fake_engine, "_extract", refuse)
    assert guess_dock.start_first_guess()
    qtbot.waitUntil(lambda: not guess_dock.is_busy(), timeout=10_000)
    assert guess_dock.ui.stage.text() == "The first guess failed."
    errors = iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any("no base model for 3-band" in m for m in errors)
    assert group_layers(project) is None


def test_first_guess_through_the_engine(guess_dock, base_dir, tiny_model, project, qtbot):
    shutil.copyfile(tiny_model, base_dir / "base_3band.pt")  # a stand-in for the real one
    guess_dock.ui.device.setCurrentText("cpu")
    with qtbot.waitSignal(guess_dock.ended, timeout=None):  # however busy the machine
        assert guess_dock.start_first_guess()
    layers = group_layers(project)
    assert layers is not None, guess_dock.ui.stage.text()
    assert len(layers) == 3 and all(layer.isValid() for layer in layers)
