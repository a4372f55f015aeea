"""Tests of engine.vectorize.pipeline: vectorize_raster writes one GeoPackage of two layers."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
from osgeo import ogr

from engine.errors import BadInputError, CancelledError, OutputWriteError
from engine.events import CollectingSink, Reporter
from engine.vectorize import VectorizeConfig, vectorize_raster

ogr.UseExceptions()

# 0.5 m pixels in UTM 31N.
HALF_METRE_GT = (500000.0, 0.5, 0.0, 5000100.0, 0.0, -0.5)
# 1e-5 degree pixels at 52 N, 4 E (about 0.69 m x 1.11 m).
WGS84_GT = (4.0, 1e-5, 0.0, 52.0, 0.0, -1e-5)
_A, _F = 6378137.0, 1 / 298.257223563  # WGS 84 ellipsoid
_E2 = _F * (2 - _F)


def metres_per_degree(lat_deg: float) -> tuple[float, float]:
    """(east, north) metres per degree on the WGS 84 ellipsoid at a latitude."""
    s2 = math.sin(math.radians(lat_deg)) ** 2
    east = _A / math.sqrt(1 - _E2 * s2) * math.cos(math.radians(lat_deg))
    north = _A * (1 - _E2) / (1 - _E2 * s2) ** 1.5
    return math.radians(east), math.radians(north)


def plus_prob(size: int = 100) -> np.ndarray:
    """A Byte probability: a "+" of two 12 px roads (254) on background (0)."""
    prob = np.zeros((size, size), np.uint8)
    middle = size // 2
    prob[middle - 6:middle + 6, 5:size - 5] = 254
    prob[5:size - 5, middle - 6:middle + 6] = 254
    return prob


def read_layer(path: str, name: str) -> tuple[list[dict], dict]:
    """The features of a layer as dicts, and the layer's fields, geometry type and CRS."""
    ds = ogr.Open(path)
    layer = ds.GetLayerByName(name)
    rows = [{**f.items(), "wkt": f.GetGeometryRef().ExportToWkt()} for f in layer]
    definition = layer.GetLayerDefn()
    srs = layer.GetSpatialRef()
    about = {"fields": [definition.GetFieldDefn(i).GetName()
                        for i in range(definition.GetFieldCount())],
             "geometry_type": layer.GetGeomType(), "epsg": srs.GetAuthorityCode(None)}
    definition = srs = layer = None  # released before the dataset closes
    ds = None
    return rows, about


def md5(path: str) -> str:
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


class TestVectorizeRaster:
    def test_vectorize_raster_layers_fields_and_crs(self, write_prob, tmp_path):
        out = str(tmp_path / "roads.gpkg")
        vectorize_raster(write_prob(plus_prob()), out, VectorizeConfig())
        for name, fields, kind in (("roads", ["area_m2"], ogr.wkbPolygon),
                                   ("centerlines", ["length_m", "start_degree", "end_degree"],
                                    ogr.wkbLineString)):
            rows, about = read_layer(out, name)
            assert about == {"fields": fields, "geometry_type": kind, "epsg": "32631"}
            assert rows

    def test_vectorize_raster_centerline_degrees(self, write_prob, tmp_path):
        out = str(tmp_path / "roads.gpkg")
        vectorize_raster(write_prob(plus_prob()), out, VectorizeConfig())
        rows, _ = read_layer(out, "centerlines")
        assert len(rows) == 4
        assert all({r["start_degree"], r["end_degree"]} == {1, 4} for r in rows)

    def test_vectorize_raster_areas_match_pixel_counts(self, write_prob, tmp_path):
        prob = plus_prob()
        out = str(tmp_path / "roads.gpkg")
        vectorize_raster(write_prob(prob, geotransform=HALF_METRE_GT), out,
                         VectorizeConfig(polygon_simplify_m=0.0))
        rows, _ = read_layer(out, "roads")
        assert sum(r["area_m2"] for r in rows) == pytest.approx(np.count_nonzero(prob) * 0.25)

    def test_vectorize_raster_empty_prediction_gives_empty_layers(self, write_prob, tmp_path):
        out = str(tmp_path / "roads.gpkg")
        result = vectorize_raster(write_prob(np.zeros((50, 50), np.uint8)), out,
                                  VectorizeConfig())
        assert (result.polygon_count, result.centerline_count) == (0, 0)
        for name in ("roads", "centerlines"):
            rows, about = read_layer(out, name)
            assert rows == [] and about["fields"]

    def test_vectorize_raster_float32_input(self, write_prob, tmp_path):
        prob = (plus_prob() / 254).astype(np.float32)
        prob[:3] = -1  # nodata rows
        out = str(tmp_path / "roads.gpkg")
        result = vectorize_raster(write_prob(prob, nodata=-1), out, VectorizeConfig())
        assert result.centerline_count == 4

    @pytest.mark.parametrize("direction", ["east", "north"])
    def test_vectorize_raster_geographic_lengths_in_metres(self, write_prob, tmp_path,
                                                           direction):
        prob = np.zeros((200, 200), np.uint8)
        prob[94:106, 20:180] = 254  # 160 px east-west ...
        if direction == "north":
            prob = np.ascontiguousarray(prob.T)  # ... or north-south
        out = str(tmp_path / "roads.gpkg")
        result = vectorize_raster(write_prob(prob, crs_epsg=4326, geotransform=WGS84_GT), out,
                                  VectorizeConfig())
        east, north = metres_per_degree(52.0 - 100e-5)
        expected = 160e-5 * (east if direction == "east" else north)
        assert result.centerline_length_m == pytest.approx(expected, rel=0.02)

    def test_vectorize_raster_geographic_areas_in_m2(self, write_prob, tmp_path):
        prob = np.zeros((200, 200), np.uint8)
        prob[50:150, 50:150] = 254
        out = str(tmp_path / "roads.gpkg")
        result = vectorize_raster(write_prob(prob, crs_epsg=4326, geotransform=WGS84_GT), out,
                                  VectorizeConfig(polygon_simplify_m=0.0))
        east, north = metres_per_degree(52.0 - 100e-5)
        assert result.road_area_m2 == pytest.approx(100e-5 * east * 100e-5 * north, rel=0.02)

    def test_vectorize_raster_geographic_crs_kept(self, write_prob, tmp_path):
        out = str(tmp_path / "roads.gpkg")
        vectorize_raster(write_prob(plus_prob(), crs_epsg=4326, geotransform=WGS84_GT), out,
                         VectorizeConfig())
        for name in ("roads", "centerlines"):
            assert read_layer(out, name)[1]["epsg"] == "4326"

    def test_vectorize_raster_input_not_modified(self, write_prob, tmp_path):
        path = write_prob(plus_prob())
        before = md5(path)
        vectorize_raster(path, str(tmp_path / "roads.gpkg"), VectorizeConfig())
        assert md5(path) == before

    def test_vectorize_raster_out_exists(self, write_prob, tmp_path):
        out = tmp_path / "roads.gpkg"
        out.write_text("keep me")
        with pytest.raises(OutputWriteError, match="already exists; pass --overwrite"):
            vectorize_raster(write_prob(plus_prob()), str(out), VectorizeConfig())
        assert out.read_text() == "keep me"

    def test_vectorize_raster_overwrite_replaces(self, write_prob, tmp_path):
        out = tmp_path / "roads.gpkg"
        out.write_text("replace me")
        vectorize_raster(write_prob(plus_prob()), str(out), VectorizeConfig(), overwrite=True)
        assert read_layer(str(out), "centerlines")[0]

    def test_vectorize_raster_out_is_input(self, write_prob):
        path = write_prob(plus_prob())
        with pytest.raises(OutputWriteError, match="would overwrite the input prob_path"):
            vectorize_raster(path, path, VectorizeConfig(), overwrite=True)

    def test_vectorize_raster_config_type(self, write_prob, tmp_path):
        with pytest.raises(BadInputError, match="config must be a VectorizeConfig; got dict"):
            vectorize_raster(write_prob(plus_prob()), str(tmp_path / "r.gpkg"), {})

    def test_vectorize_raster_progress_by_blocks(self, write_prob, tmp_path):
        sink = CollectingSink()
        vectorize_raster(write_prob(plus_prob()), str(tmp_path / "r.gpkg"),
                         VectorizeConfig(block_px=32), reporter=Reporter(sink=sink))
        steps = [(e["stage"], e["done"], e["total"]) for e in sink.of_kind("progress")]
        assert steps == [("vectorize", done, 16) for done in range(17)]  # 4 x 4 blocks

    def test_vectorize_raster_cancelled_writes_nothing(self, write_prob, tmp_path):
        out = tmp_path / "r.gpkg"
        with pytest.raises(CancelledError):
            vectorize_raster(write_prob(plus_prob()), str(out), VectorizeConfig(),
                             reporter=Reporter(should_stop=lambda: True))
        assert not out.exists()

