"""roadextraction:extract_roads and vectorize_probability through processing.run."""

from __future__ import annotations

import pytest
from osgeo import gdal
from qgis.core import QgsProcessingFeedback, QgsRasterLayer, QgsVectorLayer, QgsWkbTypes


def extract_parameters(model, image, out_dir=None, **extra):
    """Parameters of one extract run; outputs in ``out_dir`` (temporary when None)."""
    outputs = {"OUTPUT_PROBABILITY": "prob.tif", "OUTPUT_ROADS": "roads.gpkg",
               "OUTPUT_CENTERLINES": "centerlines.gpkg"}
    return {"MODEL": str(model), "INPUT": str(image), "TILE": 64, "OVERLAP": 0.25,
            "THRESHOLD": 0.5, "DEVICE": "cpu",
            **{k: "TEMPORARY_OUTPUT" if out_dir is None else str(out_dir / v)
               for k, v in outputs.items()}, **extra}


@pytest.fixture(scope="module")
def extracted(provider, tiny_model, scene, tmp_path_factory):
    """One extract run with file outputs, shared by the checks below."""
    import processing

    out = tmp_path_factory.mktemp("extract")
    feedback = QgsProcessingFeedback()
    percents: list[float] = []
    feedback.progressChanged.connect(percents.append)
    result = processing.run("roadextraction:extract_roads",
                            extract_parameters(tiny_model, scene["image"], out),
                            feedback=feedback)
    return result, out, percents


def grid(path):
    ds = gdal.Open(str(path))
    return ds.RasterXSize, ds.RasterYSize, ds.GetGeoTransform(), ds.GetSpatialRef()


def test_extract_roads_probability_keeps_grid_and_crs(extracted, scene):
    result, out, _ = extracted
    assert result["OUTPUT_PROBABILITY"] == str(out / "prob.tif")
    w, h, transform, srs = grid(out / "prob.tif")
    w0, h0, transform0, srs0 = grid(scene["image"])
    assert (w, h) == (w0, h0)
    assert transform == pytest.approx(transform0)
    assert srs.IsSame(srs0)
    layer = QgsRasterLayer(str(out / "prob.tif"), "prob")
    assert layer.isValid()
    assert layer.crs() == QgsRasterLayer(str(scene["image"]), "image").crs()


def test_extract_roads_writes_valid_polygons_and_lines(extracted, scene):
    result, out, _ = extracted
    image_crs = QgsRasterLayer(str(scene["image"]), "image").crs()
    for key, geometry in (("OUTPUT_ROADS", QgsWkbTypes.PolygonGeometry),
                          ("OUTPUT_CENTERLINES", QgsWkbTypes.LineGeometry)):
        layer = QgsVectorLayer(result[key], key)
        assert layer.isValid(), result[key]
        assert layer.geometryType() == geometry
        assert layer.crs() == image_crs
        assert layer.featureCount() > 0
    lines = QgsVectorLayer(result["OUTPUT_CENTERLINES"], "lines")
    assert "length_m" in lines.fields().names()


def test_extract_roads_reports_progress_to_the_end(extracted):
    _, _, percents = extracted
    assert len(percents) >= 3
    assert percents[-1] == 100


def test_extract_roads_temporary_outputs_load_as_layers(provider, tiny_model, second_scene):
    import processing

    result = processing.run("roadextraction:extract_roads",
                            extract_parameters(tiny_model, second_scene["image"]))
    # processing.run hands back memory layers for temporary sinks, a path for the raster.
    assert result["OUTPUT_ROADS"].isValid() and result["OUTPUT_CENTERLINES"].isValid()
    assert QgsRasterLayer(result["OUTPUT_PROBABILITY"], "p").width() == 128


def test_vectorize_probability_gives_roads_and_centerlines(provider, truth_probability, scene,
                                                           tmp_path):
    import processing

    result = processing.run("roadextraction:vectorize_probability", {
        "INPUT": str(truth_probability), "THRESHOLD": 0.5,
        "OUTPUT_ROADS": str(tmp_path / "roads.gpkg"),
        "OUTPUT_CENTERLINES": str(tmp_path / "lines.shp")})
    roads = QgsVectorLayer(result["OUTPUT_ROADS"], "roads")
    lines = QgsVectorLayer(result["OUTPUT_CENTERLINES"], "lines")
    assert roads.isValid() and lines.isValid()
    assert roads.geometryType() == QgsWkbTypes.PolygonGeometry
    assert lines.geometryType() == QgsWkbTypes.LineGeometry
    assert roads.featureCount() > 0 and lines.featureCount() > 0
    # The centerlines of the true road mask are about as long as the true centerlines.
    truth = QgsVectorLayer(str(scene["centerlines"]), "truth")
    truth_m = sum(f.geometry().length() for f in truth.getFeatures())
    total_m = sum(f.geometry().length() for f in lines.getFeatures())
    assert 0.5 * truth_m < total_m < 2.0 * truth_m


def test_extract_roads_over_several_rasters_as_one_mosaic(provider, tiny_model, scene,
                                                          second_scene, tmp_path):
    import processing

    rasters = [str(scene["image"]), str(second_scene["image"])]
    second = tmp_path / "second.tif"  # two rasters named image.tif would share a name
    gdal.Translate(str(second), rasters[1]).FlushCache()
    result = processing.run("roadextraction:extract_roads", extract_parameters(
        tiny_model, None, tmp_path, INPUT=[rasters[0], str(second)]))
    assert result["OUTPUT_PROBABILITY"] == str(tmp_path / "prob.vrt")
    assert sorted(p.name for p in tmp_path.glob("prob*")) == [
        "prob.vrt", "prob_image.tif", "prob_second.tif"]
    mosaic = gdal.Open(result["OUTPUT_PROBABILITY"])
    assert mosaic.GetMetadataItem("ROAD_PROBABILITY_SCALE") == "254"
    assert mosaic.RasterXSize >= 160
    roads = QgsVectorLayer(result["OUTPUT_CENTERLINES"], "lines")
    assert roads.isValid() and roads.featureCount() > 0
