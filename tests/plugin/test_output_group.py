"""The layers an algorithm loads go into a group of their own, even when the active layer
sits in another group ("Road labels"), where QGIS would otherwise add them."""

from __future__ import annotations

from qgis.core import (
    QgsLayerTreeRegistryBridge,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor


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
        # project.clear() deletes the group but not the bridge's pointer to it: the next
        # layer added to the project would be inserted into freed memory (a crash).
        project.layerTreeRegistryBridge().setLayerInsertionPoint(
            QgsLayerTreeRegistryBridge.InsertionPoint(project.layerTreeRoot(), 0))
        project.clear()


def styled_like(path: str, style: str, layer_type):
    """A layer of ``path`` with the dock's QML style ``style`` (resources/styles/)."""
    from road_extraction.plugin.layer_styles import style_path

    layer = layer_type(path, "reference") if layer_type is QgsRasterLayer else \
        layer_type(path, "reference", "ogr")
    _, ok = layer.loadNamedStyle(str(style_path(style)))
    assert ok
    return layer


def ramp(layer: QgsRasterLayer) -> list[tuple[float, str]]:
    shader = layer.renderer().shader().rasterShaderFunction()
    return [(item.value, item.color.name(QColor.NameFormat.HexArgb))
            for item in shader.colorRampItemList()]


def test_extract_loads_its_layers_in_the_docks_styles(provider, recording_runner, scene,
                                                     qgis_new_project, tmp_path):
    """The probability raster is the dock's transparent ramp, not opaque grey over the
    image; roads and centerlines are drawn as the dock draws a round's."""
    import processing

    project = QgsProject.instance()
    try:
        processing.runAndLoadResults("roadextraction:extract_roads", {
            "MODEL": str(tmp_path / "model.pt"), "INPUT": str(scene["image"]),
            "OUTPUT_PROBABILITY": str(tmp_path / "prob.tif"),
            "OUTPUT_ROADS": str(tmp_path / "roads.gpkg"),
            "OUTPUT_CENTERLINES": str(tmp_path / "lines.gpkg")})
        group = project.layerTreeRoot().findGroup("Extract roads")
        layers = {node.layer().source().split("|")[0]: node.layer()
                  for node in group.findLayers()}
        probability = layers[str(tmp_path / "prob.tif")]
        reference = styled_like(str(tmp_path / "prob.tif"), "probability", QgsRasterLayer)
        assert probability.renderer().type() == "singlebandpseudocolor"
        assert ramp(probability) == ramp(reference)
        assert ramp(probability)[0][1].startswith("#00")  # no road: fully transparent
        assert probability.renderer().opacity() == reference.renderer().opacity()
        for file, style in (("roads.gpkg", "road_polygons"), ("lines.gpkg", "centerlines")):
            layer = layers[str(tmp_path / file)]
            reference = styled_like(str(tmp_path / file), style, QgsVectorLayer)
            symbol, expected = layer.renderer().symbol(), reference.renderer().symbol()
            assert symbol.color() == expected.color(), file
            assert symbol.symbolLayer(0).layerType() == expected.symbolLayer(0).layerType()
    finally:
        project.clear()


def test_vectorize_names_its_layers_after_the_probability_raster(provider, recording_runner,
                                                                 truth_probability,
                                                                 qgis_new_project, tmp_path):
    import processing

    project = QgsProject.instance()
    try:
        processing.runAndLoadResults("roadextraction:vectorize_probability", {
            "INPUT": str(truth_probability), "OUTPUT_ROADS": str(tmp_path / "roads.gpkg"),
            "OUTPUT_CENTERLINES": str(tmp_path / "lines.gpkg")})
        group = project.layerTreeRoot().findGroup("Vectorize road probability")
        layers = {node.layer().name(): node.layer() for node in group.findLayers()}
        assert sorted(layers) == ["Road centerlines - truth_prob", "Roads - truth_prob"]
        reference = styled_like(str(tmp_path / "roads.gpkg"), "road_polygons", QgsVectorLayer)
        assert layers["Roads - truth_prob"].renderer().symbol().color() == \
            reference.renderer().symbol().color()
    finally:
        project.clear()


def test_extract_over_several_rasters_loads_the_styled_mosaic(provider, recording_runner,
                                                              scene, qgis_new_project,
                                                              tmp_path):
    """With several rasters the probability output is the VRT mosaic, and that is what
    loads (the .tif asked for is never written, so nothing loaded before)."""
    import processing
    from osgeo import gdal

    second = tmp_path / "second.tif"
    gdal.Translate(str(second), str(scene["image"])).FlushCache()
    project = QgsProject.instance()
    try:
        processing.runAndLoadResults("roadextraction:extract_roads", {
            "MODEL": str(tmp_path / "model.pt"), "INPUT": [str(scene["image"]), str(second)],
            "OUTPUT_PROBABILITY": str(tmp_path / "prob.tif"),
            "OUTPUT_ROADS": str(tmp_path / "roads.gpkg"),
            "OUTPUT_CENTERLINES": str(tmp_path / "lines.gpkg")})
        group = project.layerTreeRoot().findGroup("Extract roads")
        layers = {node.layer().name(): node.layer() for node in group.findLayers()}
        mosaic = layers["Road probability - image, second"]
        assert mosaic.source() == str(tmp_path / "prob.vrt")
        assert mosaic.renderer().type() == "singlebandpseudocolor"
    finally:
        project.clear()


def test_a_name_chosen_for_an_output_is_kept(qgis_new_project):
    """Only Processing's default name (the output's description) gives way to the raster's;
    a name chosen elsewhere (a model's output name) stays."""
    from qgis.core import QgsProcessingContext
    from road_extraction.plugin.algorithms.output_group import group_outputs

    context = QgsProcessingContext()
    project = QgsProject.instance()
    for output, name in (("a.gpkg", "Roads"), ("b.gpkg", "my roads")):
        context.addLayerToLoadOnCompletion(
            output, QgsProcessingContext.LayerDetails(name, project, "OUTPUT_ROADS"))
    group_outputs(context, ["a.gpkg", "b.gpkg"], "Extract roads",
                  layer_names={"a.gpkg": ("Roads", "Roads - image"),
                               "b.gpkg": ("Roads", "Roads - image")})
    assert context.layerToLoadOnCompletionDetails("a.gpkg").name == "Roads - image"
    assert context.layerToLoadOnCompletionDetails("b.gpkg").name == "my roads"
