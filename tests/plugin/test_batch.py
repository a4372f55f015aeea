"""A batch of two Extract runs through Processing's own batch dialog, offscreen.

QGIS 3.22's BatchAlgorithmDialog builds and runs offscreen: its rows are filled through the
panel's widget wrappers, as a user (or a loaded batch JSON file) fills them, and
runAlgorithm() runs the rows one after another on this (the GUI) thread with a new context
per row and a BatchFeedback (QgsProcessingMultiStepFeedback) around the dialog's feedback.
"""

from __future__ import annotations

from qgis.core import QgsApplication, QgsRasterLayer, QgsVectorLayer

OUTPUTS = {"OUTPUT_PROBABILITY": "tif", "OUTPUT_ROADS": "gpkg", "OUTPUT_CENTERLINES": "gpkg"}


def fill_row(panel, row: int, values: dict, outputs: dict, context) -> None:
    """Set one batch row's input widgets and output paths."""
    for name, value in values.items():
        panel.wrappers[row][panel.parameter_to_column[name]].setParameterValue(value, context)
    for name, path in outputs.items():
        # Row 0 of the table is the "fill down" row, so batch row r is table row r + 1.
        panel.tblParameters.cellWidget(row + 1, panel.parameter_to_column[name]).setValue(path)


def test_batch_dialog_runs_two_extracts(provider, tiny_model, scene, second_scene, tmp_path,
                                        qgis_iface):
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.tools import dataobjects

    alg = QgsApplication.processingRegistry().createAlgorithmById(
        "roadextraction:extract_roads")
    dialog = BatchAlgorithmDialog(alg)
    panel = dialog.mainWidget()
    panel.addRow()  # the dialog starts with one row
    panel.checkLoadLayersOnCompletion.setChecked(False)
    context = dataobjects.createContext()
    images = [scene["image"], second_scene["image"]]
    for row, image in enumerate(images):
        fill_row(panel, row, {"MODEL": str(tiny_model), "INPUT": str(image), "TILE": 64,
                              "DEVICE": "cpu"},
                 {name: str(tmp_path / f"{row}_{name.lower()}.{ext}")
                  for name, ext in OUTPUTS.items()}, context)
    finished = {}
    dialog.finish = lambda results, errors: finished.update(results=results, errors=errors)
    # The dialog's own feedback, recorded: every engine progress event of each row reaches it
    # (so a batch on the GUI thread does not look frozen). The feedback must not outlive
    # runAlgorithm(): it holds the dialog's proxy progress task, which exitQgis waits for.
    percents: list[float] = []
    dialog_feedback = dialog.createFeedback

    def recording_feedback():
        feedback = dialog_feedback()
        feedback.progressChanged.connect(percents.append)
        return feedback

    dialog.createFeedback = recording_feedback
    dialog.runAlgorithm()
    assert finished["errors"] == []
    assert len(finished["results"]) == 2
    assert any(0 < p < 50 for p in percents) and any(50 < p < 100 for p in percents)
    assert len(percents) >= 6
    for row, image in enumerate(images):
        prob = QgsRasterLayer(str(tmp_path / f"{row}_output_probability.tif"), "p")
        source = QgsRasterLayer(str(image), "i")
        assert (prob.width(), prob.height()) == (source.width(), source.height())
        assert prob.extent() == source.extent()
        for name in ("output_roads", "output_centerlines"):
            assert QgsVectorLayer(str(tmp_path / f"{row}_{name}.gpkg"), name).isValid()


def test_batch_extract_names_each_rows_layers_after_its_raster(provider, recording_runner,
                                                               scene, tmp_path, qgis_iface,
                                                               qgis_new_project):
    """Loaded on completion, each row's layers are named after the row's raster (they were
    all "Road probability", "Roads", "Road centerlines")."""
    from osgeo import gdal
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.tools import dataobjects
    from qgis.core import QgsProject

    second = tmp_path / "second.tif"
    gdal.Translate(str(second), str(scene["image"])).FlushCache()
    alg = QgsApplication.processingRegistry().createAlgorithmById(
        "roadextraction:extract_roads")
    dialog = BatchAlgorithmDialog(alg)
    panel = dialog.mainWidget()
    panel.addRow()
    panel.checkLoadLayersOnCompletion.setChecked(True)
    context = dataobjects.createContext()
    for row, image in enumerate((scene["image"], second)):
        fill_row(panel, row, {"MODEL": str(tmp_path / "model.pt"), "INPUT": str(image)},
                 {name: str(tmp_path / f"{row}_{name.lower()}.{ext}")
                  for name, ext in OUTPUTS.items()}, context)
    dialog.finish = lambda results, errors: None
    project = QgsProject.instance()
    try:
        dialog.runAlgorithm()
        names = sorted(layer.name() for layer in project.mapLayers().values())
        assert names == sorted(f"{output} - {raster}"
                               for output in ("Road probability", "Roads", "Road centerlines")
                               for raster in ("image", "second"))
    finally:
        project.clear()
