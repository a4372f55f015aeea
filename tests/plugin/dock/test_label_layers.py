"""Label layers: one GeoPackage in the working folder, the right fields, CRS and group."""

from __future__ import annotations

from qgis.core import QgsVectorLayer, QgsWkbTypes
from road_extraction.plugin.dock.label_layers import ensure_label_layers


def test_ensure_label_layers_writes_a_geopackage_with_fields_and_crs(project, raster,
                                                                     work_dir):
    work_dir.mkdir(parents=True)
    labels = ensure_label_layers(work_dir, raster.crs(), road_width_m=7.5, project=project)
    assert labels.path == work_dir / "road_labels.gpkg" and labels.path.exists()
    for table, geometry in (("road_centerlines", QgsWkbTypes.LineGeometry),
                            ("road_polygons", QgsWkbTypes.PolygonGeometry),
                            ("labeled_areas", QgsWkbTypes.PolygonGeometry)):
        layer = QgsVectorLayer(f"{labels.path}|layername={table}", table, "ogr")
        assert layer.isValid() and layer.geometryType() == geometry
        assert layer.crs() == raster.crs()
    assert labels.centerlines.fields().names()[-1] == "width"
    index = labels.centerlines.fields().indexOf("width")
    assert labels.centerlines.defaultValueDefinition(index).expression() == "7.5"
    assert not labels.centerlines.dataProvider().name() == "memory"


def test_ensure_label_layers_twice_picks_the_existing_layers(project, raster, work_dir):
    work_dir.mkdir(parents=True)
    first = ensure_label_layers(work_dir, raster.crs(), road_width_m=6, project=project)
    second = ensure_label_layers(work_dir, raster.crs(), road_width_m=6, project=project)
    assert [layer.id() for layer in first.all()] == [layer.id() for layer in second.all()]
    group = project.layerTreeRoot().findGroup("Road labels")
    assert sorted(child.layer().id() for child in group.findLayers()) == \
        sorted(layer.id() for layer in first.all())


def test_the_label_group_is_named_in_the_users_language(project, raster, work_dir):
    from road_extraction.plugin.i18n import install_translator, remove_translator

    work_dir.mkdir(parents=True)
    translator = install_translator("de")
    try:
        ensure_label_layers(work_dir, raster.crs(), road_width_m=6, project=project)
    finally:
        remove_translator(translator)
    assert project.layerTreeRoot().findGroup("Straßen-Labels") is not None
