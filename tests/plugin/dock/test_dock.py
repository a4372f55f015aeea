"""The dock in QGIS (offscreen): labels, counts, warnings, a round, cancel."""

from __future__ import annotations

import time

from qgis.core import Qgis, QgsApplication, QgsMapLayer, QgsRasterLayer, QgsTask


def test_dock_opens_in_the_main_window(dock, iface):
    from qgis.PyQt.QtCore import Qt

    iface.mainWindow().addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    assert dock.ui.raster.currentLayer() is not None
    assert dock.ui.train.isEnabled() and not dock.ui.cancel.isEnabled()
    assert not dock.is_busy()


def test_start_without_labels_warns_and_starts_nothing(dock, iface):
    dock.create_label_layers()
    tasks_before = QgsApplication.taskManager().count()
    assert dock.start_rounds(1) is False
    assert "No labeled area" in dock.ui.warning.text()
    assert "No road is labeled" in dock.ui.warning.text()
    assert not dock.is_busy()
    assert QgsApplication.taskManager().count() == tasks_before
    warnings = iface.messageBar().get_messages(Qgis.MessageLevel.Warning)
    assert any("cannot start" in m for m in warnings)


def test_counts_show_area_pixels_and_length(labeled_dock):
    reasons = labeled_dock.update_counts()
    text = labeled_dock.ui.counts.text()
    assert reasons == []
    assert "km²" in text and " px of image" in text and "road length" in text
    assert "road length: 0 m" not in text


def test_labels_outside_the_raster_block_a_round(labeled_dock):
    from qgis.core import QgsRectangle
    from road_extraction.plugin.dock.label_tools import add_rectangle

    extent = labeled_dock.raster().extent()
    far = QgsRectangle(extent.xMaximum() + 1000, extent.yMaximum() + 1000,
                       extent.xMaximum() + 1100, extent.yMaximum() + 1100)
    add_rectangle(labeled_dock.labels.layers.areas, far)
    assert labeled_dock.start_rounds(1) is False
    assert "outside the raster" in labeled_dock.ui.warning.text()


def test_draw_roads_edits_centerlines_and_triggers_add_feature(dock, iface, project):
    dock.ui.draw_roads.click()
    layer = dock.labels.layers.centerlines
    assert layer.isEditable() and iface.activeLayer() is layer
    assert iface.add_feature_triggered
    settings = project.snappingConfig().individualLayerSettings(layer)
    assert project.snappingConfig().enabled() and settings.enabled()


def test_train_round_predicts_every_raster_into_named_layers(labeled_dock, project, qtbot,
                                                             second_scene):
    second = QgsRasterLayer(str(second_scene["image"]), "second")
    project.addMapLayer(second)
    labeled_dock.ui.unlabeled.set_checked([second.id()])
    t0 = time.monotonic()
    # Waits for the dock to say the round ended, however busy the machine (no time limit
    # but pytest-timeout's).
    with qtbot.waitSignal(labeled_dock.ended, timeout=None):
        assert labeled_dock.start_rounds(1) is True
        assert labeled_dock.is_busy() and labeled_dock.ui.cancel.isEnabled()
    print(f"tiny round inside QGIS: {time.monotonic() - t0:.1f} s")
    assert not labeled_dock.labels.layers.areas.isModified()  # committed before the round
    group = project.layerTreeRoot().findGroup("Roads - round 1")
    assert group is not None, labeled_dock.ui.stage.text()
    layers = [node.layer() for node in group.findLayers()]
    names = {layer.name() for layer in layers}
    for raster in ("image", "second"):  # the training raster and the unlabeled one
        assert {f"Road probability - round 1 - {raster}",
                f"Predicted roads - round 1 - {raster}",
                f"Predicted centerlines - round 1 - {raster}"} <= names
    assert "Where to label next - round 1" in names
    assert "road polygons" not in names  # the label layer's name, never an output's
    label_next = next(la for la in layers if la.name() == "Where to label next - round 1")
    assert label_next.fields().names()[-2:] == ["disagreement", "rank"]
    features = sorted(label_next.getFeatures(), key=lambda f: f["rank"])
    assert features and [f["rank"] for f in features] == list(range(1, len(features) + 1))
    scores = [f["disagreement"] for f in features]
    assert scores == sorted(scores, reverse=True)
    assert all(layer.isValid() for layer in layers)
    assert sum(layer.type() == QgsMapLayer.LayerType.RasterLayer for layer in layers) == 2
    assert [r.round_index for r in labeled_dock.results.history.rounds] == [1]
    assert "iou" in labeled_dock.results.history.rounds[0].metrics
    assert labeled_dock.ui.use_model.isEnabled() and labeled_dock.run_model().exists()


def test_cancel_stops_the_round_and_returns_to_idle(labeled_dock, qtbot, tmp_path):
    import json

    slow = tmp_path / "slow.json"  # many steps: the round is still training when cancelled
    config = json.loads(open(labeled_dock.ui.config.filePath()).read())
    slow.write_text(json.dumps({**config, "steps_per_round": 5000}))
    labeled_dock.ui.config.setFilePath(str(slow))
    assert labeled_dock.start_rounds(1)
    statuses: list[int] = []
    labeled_dock.task.statusChanged.connect(statuses.append)
    qtbot.waitUntil(lambda: "training" in labeled_dock.ui.stage.text(), timeout=120_000)
    t0 = time.monotonic()
    labeled_dock.ui.cancel.click()
    qtbot.waitUntil(lambda: not labeled_dock.is_busy(), timeout=30_000)
    assert time.monotonic() - t0 < 15
    assert "Cancelled" in labeled_dock.ui.stage.text()
    assert labeled_dock.ui.train.isEnabled() and not labeled_dock.ui.cancel.isEnabled()
    # QGIS tells "Task failed" for a terminated task; a cancel ends as a completed one.
    assert QgsTask.TaskStatus.Terminated not in statuses
    assert statuses[-1] == QgsTask.TaskStatus.Complete


def test_label_next_args_run_the_engine_on_the_round_model_with_the_labels(tmp_path):
    from road_extraction.plugin.dock.round_job import RoundJob

    job = RoundJob(round_index=2, run_model=tmp_path / "model.pt", images=("a.tif", "b.tif"),
                   unlabeled=(), roads="labels.gpkg|layername=roads", aoi="aoi.gpkg",
                   road_width_m=5.0, profile="fast", device="cpu", tile_px=64, top_k=3)
    args = job.label_next_args()
    pairs = dict(zip(args[:-1:2], args[1::2], strict=True))
    assert pairs["--model"] == str(job.round_model) and pairs["--image"] == "a.tif"
    assert pairs["--out"] == str(job.out_dir / "label_next.gpkg") == str(job.label_next_path)
    assert (pairs["--tile"], pairs["--top"]) == ("64", "3")
    assert (pairs["--roads"], pairs["--aoi"], pairs["--road-width"]) == (
        "labels.gpkg|layername=roads", "aoi.gpkg", "5.0")
    assert args[-1] == "--overwrite"
