"""Tests of engine.io.vector_stream and engine.io.gdal_cache."""

from __future__ import annotations

import pytest
from osgeo import gdal, ogr
from shapely.geometry import LineString, Polygon

from engine.errors import BadInputError
from engine.io.gdal_cache import limited_gdal_cache
from engine.io.vector_stream import GeoPackageStream

LAYERS = {"roads": ("Polygon", {"area_m2": "float"}),
          "centerlines": ("LineString", {"length_m": "float", "start_degree": "int"})}


class TestGeoPackageStream:
    def test_geopackage_stream_adds_batches(self, tmp_path):
        path = str(tmp_path / "out.gpkg")
        stream = GeoPackageStream(path, "EPSG:32631", LAYERS)
        for start in (0, 10):
            stream.add("centerlines", [LineString([(start, 0), (start + 5, 0)])],
                       {"length_m": [5.0], "start_degree": [1]})
        stream.close()
        ds = ogr.Open(path)
        layer = ds.GetLayerByName("centerlines")
        assert [f["length_m"] for f in layer] == [5.0, 5.0]
        assert ds.GetLayerByName("roads").GetFeatureCount() == 0  # created, empty
        assert layer.GetSpatialRef().GetAuthorityCode(None) == "32631"
        assert stream.counts == {"roads": 0, "centerlines": 2}

    def test_geopackage_stream_closed_refuses_more(self, tmp_path):
        stream = GeoPackageStream(str(tmp_path / "out.gpkg"), "EPSG:32631", LAYERS)
        stream.close()
        with pytest.raises(BadInputError, match="the GeoPackage stream is closed"):
            stream.add("roads", [Polygon([(0, 0), (1, 0), (1, 1)])], {"area_m2": [0.5]})

    def test_geopackage_stream_refuses_an_unknown_geometry_type(self, tmp_path):
        with pytest.raises(BadInputError, match="geometry type 'Curve' of layer 'x'"):
            GeoPackageStream(str(tmp_path / "out.gpkg"), "EPSG:32631", {"x": ("Curve", {})})


def test_limited_gdal_cache_restores_the_limit():
    before = gdal.GetCacheMax()
    with limited_gdal_cache(1 << 20):
        assert gdal.GetCacheMax() == min(before, 1 << 20)
    assert gdal.GetCacheMax() == before
