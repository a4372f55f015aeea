"""Creates (or finds) the label layers in a GeoPackage of the working folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsDefaultValue,
    QgsField,
    QgsFields,
    QgsLayerTreeGroup,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..layer_styles import apply_style
from ..layer_tree import insert_expanded, show_expanded
from ..qt_compat import FIELD_DOUBLE
from .common import tr

__all__ = ["GPKG_NAME", "LabelLayers", "ensure_label_layers", "group_name",
           "find_label_layers", "label_gpkg"]

#: File of the labels inside the working folder.
GPKG_NAME = "road_labels.gpkg"
#: (table name, geometry, style name) of each label layer.
TABLES = (("road_centerlines", QgsWkbTypes.Type.LineString, "label_centerlines"),
          ("road_polygons", QgsWkbTypes.Type.Polygon, "label_polygons"),
          ("labeled_areas", QgsWkbTypes.Type.Polygon, "labeled_areas"))


@dataclass(frozen=True)
class LabelLayers:
    """The three label layers of one GeoPackage."""

    centerlines: QgsVectorLayer  # lines with a ``width`` field (metres)
    polygons: QgsVectorLayer  # road polygons (optional labels)
    areas: QgsVectorLayer  # labeled areas: inside, what is not road is background
    path: Path  # the GeoPackage

    def all(self) -> tuple[QgsVectorLayer, QgsVectorLayer, QgsVectorLayer]:
        """The layers in drawing order of the group (roads over areas)."""
        return self.centerlines, self.polygons, self.areas


def group_name() -> str:
    """The layer-tree group holding the label layers (a literal here, so that the
    translation script finds it)."""
    return tr("Road labels")


def label_gpkg(folder: Path) -> Path:
    """The labels' GeoPackage in ``folder``."""
    return folder / GPKG_NAME


def _fields(table: str, road_width_m: float) -> QgsFields:
    fields = QgsFields()
    if table == "road_centerlines":
        width = QgsField("width", FIELD_DOUBLE)
        width.setDefaultValueDefinition(_default(road_width_m))
        fields.append(width)
    return fields


def _default(value: float) -> QgsDefaultValue:
    return QgsDefaultValue(repr(float(value)))


def _create_table(path: Path, table: str, geometry: int, crs: QgsCoordinateReferenceSystem,
                  road_width_m: float) -> None:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = table
    action = QgsVectorFileWriter.ActionOnExistingFile
    options.actionOnExistingFile = (action.CreateOrOverwriteLayer if path.exists()
                                    else action.CreateOrOverwriteFile)
    writer = QgsVectorFileWriter.create(str(path), _fields(table, road_width_m), geometry, crs,
                                        QgsCoordinateTransformContext(), options)
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(tr("Cannot write {}: {}").format(path, writer.errorMessage()))
    del writer  # closes the file


def _existing(project: QgsProject, path: Path, table: str) -> QgsVectorLayer | None:
    for layer in project.mapLayers().values():
        source = layer.source().split("|")
        if (isinstance(layer, QgsVectorLayer) and Path(source[0]) == path
                and f"layername={table}" in source[1:]):
            return layer
    return None


def _table_names(path: Path) -> set[str]:
    if not path.exists():
        return set()
    layer = QgsVectorLayer(str(path), "probe", "ogr")
    return {sub.split("!!::!!")[1] for sub in layer.dataProvider().subLayers()}


def _add_to_group(project: QgsProject, layers: list[QgsVectorLayer]) -> None:
    """Put new label layers in the group "Road labels" (made with them, at the top) and
    show it expanded."""
    root = project.layerTreeRoot()
    group = root.findGroup(group_name())
    if group is None:
        group = QgsLayerTreeGroup(group_name())
        for layer in layers:
            group.addLayer(layer)
        insert_expanded(root, 0, group)
        return
    for layer in layers:
        group.addLayer(layer)
    show_expanded(group)


def _open_layer(project: QgsProject, path: Path, table: str, style: str,
                road_width_m: float) -> tuple[QgsVectorLayer, bool]:
    """The project's layer of ``table``, else a new one (not yet in the tree); and whether
    it is new."""
    layer = _existing(project, path, table)
    if layer is not None:
        return layer, False
    names = {"road_centerlines": tr("road centerlines"), "road_polygons": tr("road polygons"),
             "labeled_areas": tr("labeled areas")}
    layer = QgsVectorLayer(f"{path}|layername={table}", names[table], "ogr")
    if not layer.isValid():
        raise OSError(tr("Cannot open the layer {} of {}").format(table, path))
    apply_style(layer, style)
    index = layer.fields().indexOf("width")
    if index >= 0:
        layer.setDefaultValueDefinition(index, _default(road_width_m))
    project.addMapLayer(layer, False)
    return layer, True


def ensure_label_layers(folder: Path, crs: QgsCoordinateReferenceSystem, *,
                        road_width_m: float, project: QgsProject) -> LabelLayers:
    """Create the missing tables of ``folder/road_labels.gpkg`` in ``crs`` and add the three
    layers (styled, in the group "Road labels") unless the project already has them.

    Raises
    ------
    OSError
        When the GeoPackage cannot be written or read.
    """
    path = label_gpkg(folder)
    present = _table_names(path)
    for table, geometry, _ in TABLES:
        if table not in present:
            _create_table(path, table, geometry, crs, road_width_m)
    opened = [_open_layer(project, path, table, style, road_width_m)
              for table, _, style in TABLES]
    new = [layer for layer, is_new in opened if is_new]
    if new:
        _add_to_group(project, new)
    return LabelLayers(*(layer for layer, _ in opened), path=path)


def find_label_layers(project: QgsProject) -> LabelLayers | None:
    """The label layers the project already holds (the three tables of one labels
    GeoPackage, wherever it is), or None."""
    folders = []
    for layer in project.mapLayers().values():
        source = layer.source().split("|")
        if isinstance(layer, QgsVectorLayer) and Path(source[0]).name == GPKG_NAME:
            folders.append(Path(source[0]).parent)
    for folder in dict.fromkeys(folders):
        path = label_gpkg(folder)
        layers = [_existing(project, path, table) for table, _, _ in TABLES]
        if all(layer is not None for layer in layers):
            return LabelLayers(*layers, path=path)
    return None
