"""Tests of engine.metrics.sources.classify_source: which layer of a vector file is read."""

from __future__ import annotations

import pytest

from engine.errors import VectorReadError
from engine.io.vector import VectorLayer, write_layers
from engine.metrics.sources import classify_source

LINE = "LINESTRING (500000 5000000, 500010 5000010)"
SQUARE = "POLYGON ((500000 5000000, 500010 5000000, 500010 5000010, 500000 5000000))"


def _lines(name: str) -> VectorLayer:
    return VectorLayer(name, "LineString", "EPSG:32631", [LINE])


def test_classify_source_prefers_the_centerlines_layer(tmp_path):
    path = str(tmp_path / "roads.gpkg")  # what vectorize writes
    write_layers(path, [VectorLayer("roads", "Polygon", "EPSG:32631", [SQUARE]),
                        _lines("centerlines")])
    assert classify_source(path, "prediction").layer == "centerlines"


def test_classify_source_takes_the_only_line_layer(tmp_path):
    path = str(tmp_path / "truth.gpkg")
    write_layers(path, [VectorLayer("area", "Polygon", "EPSG:32631", [SQUARE]), _lines("ways")])
    assert classify_source(path, "truth").layer == "ways"


def test_classify_source_refuses_several_line_layers(tmp_path):
    path = str(tmp_path / "truth.gpkg")
    write_layers(path, [_lines("main"), _lines("minor")])
    with pytest.raises(VectorReadError, match=r"truth file .*truth\.gpkg has several line "
                                              r"layers \(main, minor\).*\|layername=main"):
        classify_source(path, "truth")


def test_classify_source_reads_the_layer_named_in_the_path(tmp_path):
    path = str(tmp_path / "truth.gpkg")
    write_layers(path, [_lines("main"), _lines("minor")])
    source = classify_source(f"{path}|layername=minor", "truth")
    assert (source.path, source.kind, source.layer) == (path, "lines", "minor")


def test_classify_source_refuses_a_named_layer_without_lines(tmp_path):
    path = str(tmp_path / "truth.gpkg")
    write_layers(path, [_lines("main"), VectorLayer("area", "Polygon", "EPSG:32631", [SQUARE])])
    with pytest.raises(VectorReadError, match="layer 'area' of .*truth.gpkg holds no lines"):
        classify_source(f"{path}|layername=area", "truth")
