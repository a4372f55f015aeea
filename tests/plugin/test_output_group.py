"""The layers an algorithm loads go into a group of their own, even when the active layer
sits in another group ("Road labels"), where QGIS would otherwise add them."""

from __future__ import annotations

from qgis.core import (
    QgsLayerTreeRegistryBridge,
    QgsProject,
    QgsRasterLayer,
)


def test_extract_outputs_load_into_their_own_group(provider, recording_runner, scene,
                                                   qgis_new_project, tmp_path):
    import processing

    project = QgsProject.instance()
    labels = project.layerTreeRoot().insertGroup(0, "Road labels")
    image = QgsRasterLayer(str(scene["image"]), "image")
    project.addMapLayer(image, False)
    labels.addLayer(image)
    # What QGIS does when a layer of "Road labels" is the active one.
    project.layerTreeRegistryBridge().setLayerInsertionPoint(
        QgsLayerTreeRegistryBridge.InsertionPoint(labels, 0))
    try:
        processing.runAndLoadResults("roadextraction:extract_roads", {
            "MODEL": str(tmp_path / "model.pt"), "INPUT": str(scene["image"]),
            "OUTPUT_PROBABILITY": str(tmp_path / "prob.tif"),
            "OUTPUT_ROADS": str(tmp_path / "roads.gpkg"),
            "OUTPUT_CENTERLINES": str(tmp_path / "lines.gpkg")})
        group = project.layerTreeRoot().findGroup("Extract roads")
        assert group is not None and group.parent() == project.layerTreeRoot()
        assert len(group.findLayers()) == 3
        assert [node.layer().name() for node in labels.findLayers()] == ["image"]
    finally:
        project.clear()
