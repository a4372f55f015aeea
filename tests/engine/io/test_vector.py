"""Tests of engine.io.vector: GeoPackage writing and reprojected reading."""

from __future__ import annotations

import os

import numpy as np
import pytest
from osgeo import ogr, osr

from engine.errors import BadInputError, OutputWriteError, VectorReadError
from engine.io import vector as vector_module
from engine.io.vector import VectorLayer, list_fields, read_features, write_layers

ogr.UseExceptions()

SQUARE = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"


def roads_layer(**overrides) -> VectorLayer:
    values = dict(
        name="roads",
        geometry_type="LineString",
        crs_wkt="EPSG:32631",
        geometries=["LINESTRING (500000 5000000, 500010 5000010)", "LINESTRING (1 1, 2 2)"],
        fields={"width": [8.0, None], "kind": ["track", "street"], "lanes": [1, 2]},
    )
    values.update(overrides)
    return VectorLayer(**values)


def write_without_crs(path: str) -> None:
    ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(path)
    layer = ds.CreateLayer("nocrs", None, ogr.wkbLineString)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt("LINESTRING (0 0, 1 1)"))
    layer.CreateFeature(feature)
    ds = None


class TestVectorLayer:
    def test_vector_layer_rejects_unknown_geometry_type(self):
        with pytest.raises(BadInputError, match="'Curve'.*LineString"):
            roads_layer(geometry_type="Curve")

    def test_vector_layer_rejects_short_column(self):
        with pytest.raises(BadInputError, match="'lanes' of layer 'roads' has 1 values for 2"):
            roads_layer(fields={"lanes": [1]})

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ([1, 2], ogr.OFTInteger64),  # all int
            ([1, 2.5], ogr.OFTReal),  # mixed numbers
            (["a", None], ogr.OFTString),  # text with a null
        ],
    )
    def test_vector_layer_infers_field_type(self, values, expected):
        assert roads_layer(fields={"c": values}).ogr_field_type("c") == expected


class TestWriteLayers:
    def test_write_layers_roundtrip(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [roads_layer()])
        features = read_features(path, target_crs_wkt="EPSG:32631", field="width")
        assert [value for _, value in features] == [8.0, None]
        assert features[0][0].ExportToWkt() == "LINESTRING (500000 5000000,500010 5000010)"
        assert list_fields(path) == ["width", "kind", "lanes"]

    def test_write_layers_empty_layer_created(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        empty = VectorLayer("polygons", "MultiPolygon", "EPSG:32631", [], {"area_m2": []},
                            {"area_m2": "float"})
        write_layers(path, [roads_layer(), empty])
        ds = ogr.Open(path)
        layer = ds.GetLayerByName("polygons")
        assert layer.GetFeatureCount() == 0 and layer.GetGeomType() == ogr.wkbMultiPolygon
        assert layer.GetLayerDefn().GetFieldDefn(0).GetType() == ogr.OFTReal

    def test_write_layers_polygon_promoted_to_multipolygon(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [VectorLayer("p", "MultiPolygon", "EPSG:32631", [SQUARE])])
        geometry, _ = read_features(path, target_crs_wkt="EPSG:32631")[0]
        assert geometry.GetGeometryType() == ogr.wkbMultiPolygon

    def test_write_layers_refuses_to_overwrite(self, tmp_path):
        path = tmp_path / "out.gpkg"
        path.write_bytes(b"keep me")
        with pytest.raises(OutputWriteError, match="out.gpkg already exists.*overwrite=True"):
            write_layers(str(path), [roads_layer()])
        assert path.read_bytes() == b"keep me"

    def test_write_layers_overwrite_replaces(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [roads_layer()])
        write_layers(path, [roads_layer(name="other")], overwrite=True)
        ds = ogr.Open(path)
        assert ds.GetLayer(0).GetName() == "other"
        assert os.listdir(tmp_path) == ["out.gpkg"]

    def test_write_layers_failure_leaves_nothing(self, tmp_path):
        with pytest.raises(BadInputError, match="geometry 1 of layer 'roads' is not valid WKT"):
            write_layers(str(tmp_path / "out.gpkg"),
                         [roads_layer(geometries=["LINESTRING (0 0, 1 1)", "LINESTRING (oops"])])
        assert os.listdir(tmp_path) == []

    def test_write_layers_numpy_values(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        lengths = np.array([1.5, 2.5])
        ids = np.array([7, 8], dtype=np.int64)
        write_layers(path, [roads_layer(fields={"length_m": list(lengths), "id": list(ids)})])
        ds = ogr.Open(path)  # kept referenced while its layer is used
        assert ds.GetLayer(0).GetLayerDefn().GetFieldDefn(1).GetType() == ogr.OFTInteger64
        features = read_features(path, target_crs_wkt="EPSG:32631", field="id")
        assert [value for _, value in features] == [7, 8]

    def test_write_layers_wrong_geometry_type(self, tmp_path):
        with pytest.raises(BadInputError, match="geometry 0 of layer 'roads' is a POLYGON"):
            write_layers(str(tmp_path / "out.gpkg"), [roads_layer(geometries=[SQUARE, SQUARE])])
        assert os.listdir(tmp_path) == []

    def test_write_layers_failure_midway_leaves_nothing(self, tmp_path, monkeypatch):
        # A disk that fills up while features are written.
        def fail(*args):
            raise RuntimeError("database or disk is full")

        monkeypatch.setattr(vector_module, "_feature", fail)
        with pytest.raises(OutputWriteError, match="disk is full"):
            write_layers(str(tmp_path / "out.gpkg"), [roads_layer()])
        assert os.listdir(tmp_path) == []

    def test_write_layers_missing_folder(self, tmp_path):
        with pytest.raises(OutputWriteError, match="does not exist"):
            write_layers(str(tmp_path / "no" / "out.gpkg"), [roads_layer()])

    def test_write_layers_duplicate_names(self, tmp_path):
        with pytest.raises(BadInputError, match="distinct"):
            write_layers(str(tmp_path / "out.gpkg"), [roads_layer(), roads_layer()])

    def test_write_layers_needs_a_layer(self, tmp_path):
        with pytest.raises(BadInputError, match="no layer"):
            write_layers(str(tmp_path / "out.gpkg"), [])


class TestReadFeatures:
    def test_read_features_reprojects_lon_lat_order(self, tmp_path):
        # Longitude 3 E is UTM 31N's central meridian: easting exactly 500000.
        path = str(tmp_path / "wgs84.gpkg")
        write_layers(path, [VectorLayer("pts", "Point", "EPSG:4326", ["POINT (3 45)"])])
        geometry, value = read_features(path, target_crs_wkt="EPSG:32631")[0]
        assert geometry.GetX() == pytest.approx(500000.0, abs=1e-6)
        assert geometry.GetY() == pytest.approx(4982950.4, abs=0.1)
        assert value is None

    def test_read_features_named_layer(self, tmp_path):
        path = str(tmp_path / "two.gpkg")
        write_layers(path, [roads_layer(), VectorLayer("aoi", "Polygon", "EPSG:32631", [SQUARE])])
        features = read_features(path, target_crs_wkt="EPSG:32631", layer="aoi")
        assert len(features) == 1 and features[0][0].GetGeometryName() == "POLYGON"

    def test_read_features_missing_file(self, tmp_path):
        with pytest.raises(VectorReadError, match="nope.gpkg does not exist"):
            read_features(str(tmp_path / "nope.gpkg"), target_crs_wkt="EPSG:32631")

    def test_read_features_unreadable_file(self, tmp_path):
        path = tmp_path / "junk.gpkg"
        path.write_bytes(b"\x00\x01 not a vector")
        with pytest.raises(VectorReadError, match="cannot read .*junk.gpkg as a vector"):
            read_features(str(path), target_crs_wkt="EPSG:32631")

    def test_read_features_unknown_layer_lists_layers(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [roads_layer()])
        with pytest.raises(VectorReadError, match=r"no layer 'lines'; its layers are \['roads'\]"):
            read_features(path, target_crs_wkt="EPSG:32631", layer="lines")

    def test_read_features_layer_without_crs(self, tmp_path):
        path = str(tmp_path / "nocrs.shp")
        write_without_crs(path)
        with pytest.raises(VectorReadError, match="no coordinate reference system; assign one"):
            read_features(path, target_crs_wkt="EPSG:32631")

    def test_read_features_absent_field_lists_fields(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [roads_layer()])
        fields = r"\['width', 'kind', 'lanes'\]"
        with pytest.raises(VectorReadError, match=f"no field 'speed'.*{fields}"):
            read_features(path, target_crs_wkt="EPSG:32631", field="speed")

    def test_read_features_bad_target_crs(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        write_layers(path, [roads_layer()])
        with pytest.raises(BadInputError, match="target"):
            read_features(path, target_crs_wkt="not a crs")

    def test_read_features_geographic_target_is_lon_lat(self, tmp_path):
        path = str(tmp_path / "utm.gpkg")
        write_layers(path, [VectorLayer("p", "Point", "EPSG:32631", ["POINT (500000 4982950.4)"])])
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        geometry, _ = read_features(path, target_crs_wkt=srs.ExportToWkt())[0]
        assert (geometry.GetX(), geometry.GetY()) == pytest.approx((3.0, 45.0), abs=1e-6)


class TestLayerChoice:
    """A file with several layers: ``path|layername=NAME``, else a refusal listing them."""

    @pytest.fixture
    def two_layers(self, tmp_path) -> str:
        path = str(tmp_path / "multi.gpkg")
        write_layers(path, [roads_layer(), VectorLayer("aoi", "Polygon", "EPSG:32631", [SQUARE])])
        return path

    def test_read_features_refuses_a_file_with_several_layers(self, two_layers):
        with pytest.raises(VectorReadError, match=r"multi\.gpkg has several layers \(roads, aoi\)"
                                                  r".*multi\.gpkg\|layername=roads"):
            read_features(two_layers, target_crs_wkt="EPSG:32631")

    def test_read_features_reads_the_layer_named_in_the_path(self, two_layers):
        features = read_features(f"{two_layers}|layername=aoi", target_crs_wkt="EPSG:32631")
        assert [g.GetGeometryName() for g, _ in features] == ["POLYGON"]

    def test_list_fields_reads_the_layer_named_in_the_path(self, two_layers):
        assert list_fields(f"{two_layers}|layername=roads") == ["width", "kind", "lanes"]

    def test_read_features_names_an_unknown_layer_of_the_path(self, two_layers):
        with pytest.raises(VectorReadError, match=r"no layer 'lines'; its layers are "
                                                  r"\['roads', 'aoi'\]"):
            read_features(f"{two_layers}|layername=lines", target_crs_wkt="EPSG:32631")

    def test_read_features_rejects_other_options_after_the_bar(self, two_layers):
        with pytest.raises(BadInputError, match=r"only 'layername=NAME' is understood"):
            read_features(f"{two_layers}|layerid=1", target_crs_wkt="EPSG:32631")

    def test_read_features_ignores_a_table_without_geometry(self, tmp_path):
        # QGIS keeps layer styles in a GeoPackage as a table without geometry.
        path = str(tmp_path / "styled.gpkg")
        write_layers(path, [roads_layer()])
        ds = ogr.Open(path, 1)
        ds.CreateLayer("layer_styles", None, ogr.wkbNone)
        ds = None
        assert len(read_features(path, target_crs_wkt="EPSG:32631")) == 2
