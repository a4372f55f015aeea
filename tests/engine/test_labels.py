"""Tests of engine.labels: buffering, labelled areas, reprojection, errors."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from osgeo import ogr, osr

from engine.errors import BadInputError, VectorReadError
from engine.io.raster import Window, read_info, write_raster
from engine.io.vector import VectorLayer, write_layers
from engine.labels import (
    BACKGROUND,
    IGNORE,
    ROAD,
    LabelCounts,
    LabelSources,
    count_labels,
    rasterize_labels,
)

# 64 x 64 pixels of 1 m in UTM 31N; rows are 5000064 - y, columns x - 500000.
UTM_GT = (500000.0, 1.0, 0.0, 5000064.0, 0.0, -1.0)
# A horizontal line through the whole raster on the boundary between rows 31 and 32.
HORIZONTAL = "LINESTRING (499990 5000032, 500074 5000032)"
# The left half of the raster (columns 0-31).
LEFT_HALF = "POLYGON ((500000 5000000, 500032 5000000, 500032 5000064, 500000 5000064, " \
    "500000 5000000))"


@pytest.fixture
def raster(tmp_path):
    """Factory of a 3-band Byte raster; ``nodata_rows`` top rows are nodata (0)."""

    def make(*, nodata_rows: int = 0, crs: str = "EPSG:32631", gt: tuple = UTM_GT):
        array = np.full((3, 64, 64), 100, dtype=np.uint8)
        array[:, :nodata_rows] = 0
        path = str(tmp_path / "image.tif")
        write_raster(path, array, geotransform=gt, crs_wkt=crs, nodata=0, overwrite=True)
        return read_info(path)

    return make


@pytest.fixture
def vector(tmp_path):
    """Factory of a one-layer GeoPackage."""

    def make(name, geometries, *, kind="LineString", crs="EPSG:32631", fields=None):
        path = str(tmp_path / f"{name}.gpkg")
        write_layers(path, [VectorLayer(name, kind, crs, geometries, fields or {})])
        return path

    return make


def to_wgs84(wkt: str) -> str:
    utm, wgs84 = osr.SpatialReference(), osr.SpatialReference()
    utm.ImportFromEPSG(32631)
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    geometry = ogr.CreateGeometryFromWkt(wkt)
    geometry.Transform(osr.CoordinateTransformation(utm, wgs84))
    return geometry.ExportToIsoWkt()


class TestLabelSources:
    @pytest.mark.parametrize("width", [0, -3.0, float("nan"), "wide"])  # zero, <0, NaN, text
    def test_label_sources_road_width_must_be_positive(self, width):
        message = f"road_width_m must be a finite number > 0 metres; got {width!r}"
        with pytest.raises(BadInputError, match=message):
            LabelSources(roads="roads.gpkg", road_width_m=width)

    def test_label_sources_dict_roundtrip(self):
        sources = LabelSources(roads="r.gpkg", aoi="a.gpkg", road_width_m=4.0)
        assert LabelSources.from_dict(sources.to_dict()) == sources


class TestRasterizeLabels:
    @pytest.mark.parametrize("width_m", [2.0, 6.0, 10.0])  # narrow, default, wide
    def test_rasterize_labels_line_buffered_to_width(self, raster, vector, width_m):
        sources = LabelSources(roads=vector("roads", [HORIZONTAL]), road_width_m=width_m)
        labels = rasterize_labels(raster(), sources)
        assert labels.dtype == np.uint8 and labels.shape == (64, 64)
        assert ((labels == ROAD).sum(axis=0) == width_m).all()
        half = int(width_m // 2)
        assert (labels[32 - half : 32 + half] == ROAD).all()

    def test_rasterize_labels_width_attribute_overrides_default(self, raster, vector):
        lines = [
            "LINESTRING (499990 5000048, 500074 5000048)",  # width 10 from the attribute
            "LINESTRING (499990 5000016, 500074 5000016)",  # null width: the default 6
        ]
        roads = vector("roads", lines, fields={"width": [10.0, None]})
        labels = rasterize_labels(raster(), LabelSources(roads=roads))
        assert ((labels[:32] == ROAD).sum(axis=0) == 10).all()
        assert ((labels[32:] == ROAD).sum(axis=0) == 6).all()

    def test_rasterize_labels_width_field_none_ignores_attribute(self, raster, vector):
        roads = vector("roads", [HORIZONTAL], fields={"width": [10.0]})
        labels = rasterize_labels(raster(), LabelSources(roads=roads, width_field=None))
        assert ((labels == ROAD).sum(axis=0) == 6).all()

    def test_rasterize_labels_road_polygon_as_drawn(self, raster, vector):
        square = "POLYGON ((500010 5000010, 500020 5000010, 500020 5000020, 500010 5000020, " \
            "500010 5000010))"
        labels = rasterize_labels(raster(), LabelSources(roads=vector("roads", [square],
                                                                      kind="Polygon")))
        assert count_labels(labels) == LabelCounts(road=100, background=0)
        assert (labels[44:54, 10:20] == ROAD).all()

    def test_rasterize_labels_aoi_is_background_outside_ignored(self, raster, vector):
        sources = LabelSources(
            roads=vector("roads", [HORIZONTAL]), aoi=vector("aoi", [LEFT_HALF], kind="Polygon")
        )
        labels = rasterize_labels(raster(), sources)
        road_rows = slice(29, 35)
        assert (labels[road_rows] == ROAD).all()  # roads are labels outside the AOI too
        off_road = np.ones(64, dtype=bool)
        off_road[road_rows] = False
        assert (labels[off_road, :32] == BACKGROUND).all()
        assert (labels[off_road, 32:] == IGNORE).all()

    def test_rasterize_labels_background_polygons(self, raster, vector):
        sources = LabelSources(
            roads=vector("roads", [HORIZONTAL]),
            background=vector("bg", [LEFT_HALF], kind="Polygon"),
        )
        labels = rasterize_labels(raster(), sources)
        assert count_labels(labels) == LabelCounts(road=6 * 64, background=(64 - 6) * 32)

    def test_rasterize_labels_nodata_ignored(self, raster, vector):
        sources = LabelSources(
            roads=vector("roads", ["LINESTRING (500010 4999990, 500010 5000074)"]),
            aoi=vector("aoi", [LEFT_HALF], kind="Polygon"),
        )
        labels = rasterize_labels(raster(nodata_rows=5), sources)
        assert (labels[:5] == IGNORE).all()
        assert (labels[5:, 7:13] == ROAD).all() and (labels[5:, :7] == BACKGROUND).all()

    def test_rasterize_labels_reprojected_same_pixels(self, raster, vector, tmp_path):
        info = raster()
        line = "LINESTRING (500003 5000003, 500060 5000050)"
        in_utm = rasterize_labels(info, LabelSources(
            roads=vector("roads", [line]), aoi=vector("aoi", [LEFT_HALF], kind="Polygon"),
        ))
        in_wgs84 = rasterize_labels(info, LabelSources(
            roads=vector("roads84", [to_wgs84(line)], crs="EPSG:4326"),
            aoi=vector("aoi84", [to_wgs84(LEFT_HALF)], kind="Polygon", crs="EPSG:4326"),
        ))
        assert count_labels(in_utm).road > 0
        np.testing.assert_array_equal(in_wgs84, in_utm)

    def test_rasterize_labels_geographic_raster_width_in_metres(self, raster, vector):
        # 1e-5 degree pixels at 45 N: ~1.11 m tall, ~0.79 m wide; a 12 m road spans 10 rows
        # across an east-west line and 16 columns across a north-south line.
        gt = (3.0, 1e-5, 0.0, 45.0, 0.0, -1e-5)
        lines = [
            "LINESTRING (2.9999 44.99968, 3.0008 44.99968)",  # east-west, row boundary 32
            "LINESTRING (3.00032 45.0001, 3.00032 44.9992)",  # north-south, column boundary 32
        ]
        roads = vector("roads", lines, crs="EPSG:4326")
        labels = rasterize_labels(raster(crs="EPSG:4326", gt=gt), LabelSources(roads, None,
                                                                               road_width_m=12))
        assert (labels[:, 5] == ROAD).sum() == 10
        assert (labels[5, :] == ROAD).sum() == 16

    @pytest.mark.parametrize(
        "window",
        [
            Window(20, 20, 16, 16),  # inside
            Window(-4, -4, 16, 16),  # over the top-left corner
            Window(56, 50, 16, 20),  # over the bottom-right corner
        ],
    )
    def test_rasterize_labels_window_matches_whole(self, raster, vector, window):
        info = raster()
        sources = LabelSources(
            roads=vector("roads", ["LINESTRING (500003 5000003, 500060 5000050)"]),
            aoi=vector("aoi", [LEFT_HALF], kind="Polygon"),
        )
        padded = np.full((64 + 40, 64 + 40), IGNORE, dtype=np.uint8)
        padded[20:84, 20:84] = rasterize_labels(info, sources)
        rows = slice(window.row_off + 20, window.row_off + 20 + window.rows)
        cols = slice(window.col_off + 20, window.col_off + 20 + window.cols)
        np.testing.assert_array_equal(rasterize_labels(info, sources, window=window),
                                      padded[rows, cols])

    def test_rasterize_labels_no_overlap_gives_both_extents(self, raster, vector):
        roads = vector("far_roads", ["LINESTRING (600000 5000010, 600010 5000010)"])
        message = (
            r"far_roads.gpkg \(extent 600000, 5000010, 600010, 5000010 .*\) do not overlap "
            r"the raster .*image.tif \(extent 500000, 5000000, 500064, 5000064\)"
        )
        with pytest.raises(BadInputError, match=message):
            rasterize_labels(raster(), LabelSources(roads=roads))

    def test_rasterize_labels_no_feature(self, raster, vector):
        with pytest.raises(BadInputError, match="no label feature in .*roads.gpkg"):
            rasterize_labels(raster(), LabelSources(roads=vector("roads", [])))

    def test_rasterize_labels_missing_file(self, raster, tmp_path):
        with pytest.raises(VectorReadError, match="missing.gpkg does not exist"):
            rasterize_labels(raster(), LabelSources(roads=str(tmp_path / "missing.gpkg")))

    def test_rasterize_labels_aoi_must_be_polygons(self, raster, vector):
        sources = LabelSources(roads=vector("roads", [HORIZONTAL]),
                               aoi=vector("aoi", [HORIZONTAL]))
        with pytest.raises(BadInputError, match="aoi.gpkg holds a LINESTRING; labelled areas"):
            rasterize_labels(raster(), sources)

    def test_rasterize_labels_input_not_modified(self, raster, vector, tmp_path):
        info = raster()
        sources = LabelSources(roads=vector("roads", [HORIZONTAL], fields={"width": [4.0]}),
                               aoi=vector("aoi", [LEFT_HALF], kind="Polygon"))
        paths = [info.path, sources.roads, sources.aoi]
        before = [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths]
        rasterize_labels(info, sources)
        assert [hashlib.sha256(open(p, "rb").read()).hexdigest() for p in paths] == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["aoi.gpkg", "image.tif",
                                                              "roads.gpkg"]


def test_count_labels_counts_road_and_background():
    labels = np.array([[ROAD, ROAD, BACKGROUND], [IGNORE, IGNORE, BACKGROUND]], dtype=np.uint8)
    assert count_labels(labels) == LabelCounts(road=2, background=2)
