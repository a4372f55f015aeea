"""Before a round the label edits are saved, edit mode is left (no write handle open) and
every label layer reads again; the layers being edited are edited again afterwards."""

from __future__ import annotations

from osgeo import gdal
from road_extraction.plugin.dock import label_session


def test_a_round_reads_saved_labels_from_layers_that_all_read(fake_dock, monkeypatch, qtbot):
    layers = fake_dock.labels.layers
    assert layers.centerlines.isEditable() and layers.areas.isEditable()  # drawn, unsaved
    seen = {}
    export = label_session.export_labels

    def recording_export(labels, folder, **options):
        seen["editing"] = [layer.isEditable() for layer in labels.all()]
        seen["counts"] = [layer.featureCount() for layer in labels.all()]
        return export(labels, folder, **options)

    monkeypatch.setattr(label_session, "export_labels", recording_export)
    errors = []
    gdal.PushErrorHandler(lambda kind, number, message: errors.append(message))
    try:
        assert fake_dock.start_rounds(1)
        layers.polygons.updateExtents()
        extent = layers.polygons.extent()
    finally:
        gdal.PopErrorHandler()
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    assert seen["editing"] == [False, False, False]  # saved, out of edit mode
    assert seen["counts"][0] > 0 and seen["counts"][1] == 0 and seen["counts"][2] > 0
    assert extent.isEmpty() and layers.polygons.featureCount() == 0  # read, not -1
    assert not [e for e in errors if "unable to open database file" in e]
    assert layers.centerlines.isEditable() and layers.areas.isEditable()  # drawing goes on
    assert not layers.polygons.isEditable()


def test_saving_one_label_layer_leaves_the_others_readable(labeled_dock):
    layers = labeled_dock.labels.layers
    assert layers.centerlines.commitChanges() and layers.areas.commitChanges()
    assert layers.polygons.featureCount() == 0  # -1 when its file handle went stale


def test_the_other_label_layers_read_after_the_first_drawing(dock, scene):
    """Drawing the first road starts editing the centerlines, which opens the GeoPackage
    in WAL mode; QGIS 3.22 reads the other label layers of the file through read-only
    handles opened with NOLOCK, which cannot read a WAL database: "unable to open database
    file" and a feature count of -1 (road polygons), until those layers reload."""
    from .conftest import copy_features

    errors = []
    gdal.PushErrorHandler(lambda kind, number, message: errors.append(message))
    try:
        dock._draw_roads()  # the label layers are made, the centerlines edited
        layers = dock.labels.layers
        assert layers.centerlines.isEditable()
        copy_features(scene["roads"], layers.centerlines, width=6.0)
        counts = [layer.featureCount() for layer in (layers.polygons, layers.areas)]
        dock.draw_area()  # the first labeled area: the areas layer is edited next
        copy_features(scene["aoi"], layers.areas)
        polygons_after = layers.polygons.featureCount()
    finally:
        gdal.PopErrorHandler()
    assert counts == [0, 0]
    assert polygons_after == 0
    assert not [e for e in errors if "unable to open database file" in e]
