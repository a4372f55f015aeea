"""Extract with the best model: the dialog opens on the run's best model and on the checked
rasters (the dock's raster), whatever layer is active."""

from __future__ import annotations

from qgis.core import QgsVectorLayer


def test_extract_opens_with_the_best_model_and_the_docks_raster(provider, fake_dock, iface,
                                                                 project, scene, qtbot,
                                                                 monkeypatch):
    import processing
    from qgis.gui import QgsBrowserGuiModel
    from road_extraction.plugin.dock.dock_widget import EXTRACT_ALGORITHM

    assert fake_dock.start_rounds(1)
    qtbot.waitUntil(lambda: not fake_dock.is_busy(), timeout=30_000)
    roads = QgsVectorLayer(str(scene["roads"]), "roads", "ogr")
    project.addMapLayer(roads)
    iface.setActiveLayer(roads)  # a vector is active, as after drawing labels
    parameters = fake_dock.extract_parameters()
    assert parameters["MODEL"] == str(fake_dock.run_model())  # model.pt: the best round
    browser = QgsBrowserGuiModel()  # 3.22's dialog asks the iface, pytest-qgis's has none
    monkeypatch.setattr(iface, "browserModel", lambda: browser, raising=False)
    dialog = processing.createAlgorithmDialog(EXTRACT_ALGORITHM, parameters)
    qtbot.addWidget(dialog)
    wrappers = dialog.mainWidget().wrappers
    # The checked rasters (here the dock's own), as the multiple-raster input lists them.
    assert wrappers["INPUT"].parameterValue() == [fake_dock.raster().source()]
    assert wrappers["MODEL"].parameterValue() == str(fake_dock.run_model())
