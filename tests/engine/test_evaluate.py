"""Tests of engine.evaluate on small rasters and GeoPackages written to tmp_path."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.evaluate import METRIC_KEYS, evaluate
from engine.io.raster import write_raster
from engine.io.vector import VectorLayer, write_layers

UTM = "EPSG:32631"
SIZE_PX = 64
ORIGIN = (500_000.0, 5_000_064.0)  # top-left corner; 1 m pixels


def grid(pixel_m: float = 1.0, origin: tuple[float, float] = ORIGIN) -> tuple[float, ...]:
    return (origin[0], pixel_m, 0.0, origin[1], 0.0, -pixel_m)


def road_mask(col: int, *, width_px: int = 4, size_px: int = SIZE_PX) -> np.ndarray:
    """A vertical road, ``width_px`` wide, from column ``col``, as uint8 0/1."""
    mask = np.zeros((size_px, size_px), np.uint8)
    mask[:, col:col + width_px] = 1
    return mask


def write_mask(path: Path, mask: np.ndarray, *, geotransform=None, crs: str = UTM,
               dtype: str = "uint8", nodata: float | None = 255) -> str:
    write_raster(str(path), mask, geotransform=geotransform or grid(), crs_wkt=crs,
                 nodata=nodata, dtype=dtype)
    return str(path)


def write_lines(path: Path, lines: list[list[tuple[float, float]]], *, crs: str = UTM,
                layer: str = "centerlines", extra: list[VectorLayer] = ()) -> str:
    wkt = ["LINESTRING (" + ", ".join(f"{x!r} {y!r}" for x, y in line) + ")" for line in lines]
    roads = VectorLayer(layer, "LineString", crs, wkt, fields={"width": [4.0] * len(wkt)},
                        field_types={"width": "float"})
    write_layers(str(path), [*extra, roads])
    return str(path)


def xy(col: float, row: float) -> tuple[float, float]:
    """Map coordinates of a (fractional) pixel position on the default grid."""
    return ORIGIN[0] + col, ORIGIN[1] - row


@pytest.fixture()
def truth_tif(tmp_path: Path) -> str:
    return write_mask(tmp_path / "truth.tif", road_mask(20))


class TestEvaluate:
    def test_evaluate_returns_exactly_the_eleven_keys(self, tmp_path, truth_tif):
        scores = evaluate(write_mask(tmp_path / "pred.tif", road_mask(20)), truth_tif)
        assert list(scores) == list(METRIC_KEYS) and len(scores) == 11
        assert all(isinstance(value, float) for value in scores.values())

    def test_evaluate_of_the_truth_itself_is_perfect(self, tmp_path, truth_tif):
        scores = evaluate(write_mask(tmp_path / "pred.tif", road_mask(20)), truth_tif)
        assert scores == pytest.approx(dict.fromkeys(METRIC_KEYS, 1.0))

    def test_evaluate_forgives_a_2px_shift_at_rho_3(self, tmp_path, truth_tif):
        # A Byte probability raster: 254 (p = 1) on the road shifted by 2 px, 0 elsewhere.
        prob = road_mask(22).astype(np.uint8) * 254
        scores = evaluate(write_mask(tmp_path / "pred.tif", prob), truth_tif, rho_px=3)
        assert scores["relaxed_f1"] == pytest.approx(1.0)
        assert scores["iou"] < 1.0
        assert scores["iou"] == pytest.approx(2 / 6)  # 2 shared columns of 6 road columns

    @pytest.mark.parametrize(("dtype", "nodata", "road", "threshold", "is_road"), [
        ("uint8", 255, 127, 0.5, True),      # 127 / 254 = 0.5, at the threshold
        ("uint8", 255, 126, 0.5, False),     # just below it
        ("float32", -1.0, 0.7, 0.5, True),   # float probabilities
        ("float32", -1.0, 0.7, 0.8, False),  # ... and a higher threshold
        ("uint16", None, 1, 0.5, True),      # an integer 0/1 mask
    ])
    def test_evaluate_thresholds_probabilities(self, tmp_path, truth_tif, dtype, nodata, road,
                                               threshold, is_road):
        values = road_mask(20).astype(dtype) * np.asarray(road, dtype=dtype)
        pred = write_mask(tmp_path / "pred.tif", values, dtype=dtype, nodata=nodata)
        scores = evaluate(pred, truth_tif, threshold=threshold)
        assert scores["recall"] == (1.0 if is_road else 0.0)

    def test_evaluate_ignores_truth_nodata(self, tmp_path):
        truth = road_mask(20)
        truth[:, 40:] = 255  # unlabelled
        pred = road_mask(20)
        pred[:, 44:48] = 1  # a false positive where the truth says nothing
        scores = evaluate(write_mask(tmp_path / "pred.tif", pred),
                          write_mask(tmp_path / "truth.tif", truth))
        assert scores["precision"] == pytest.approx(1.0)

    def test_evaluate_leaves_out_lines_where_the_truth_is_unlabelled(self, tmp_path):
        # A predicted line over the unlabelled half of the truth is neither right nor wrong.
        truth = road_mask(20)
        truth[:, 32:] = 255
        pred = write_lines(tmp_path / "pred.gpkg", [[xy(22, 0), xy(22, SIZE_PX)],
                                                    [xy(50, 0), xy(50, SIZE_PX)]])
        scores = evaluate(pred, write_mask(tmp_path / "truth.tif", truth))
        assert scores["precision"] == pytest.approx(1.0)
        assert scores["correctness"] == pytest.approx(1.0)

    def test_evaluate_leaves_out_truth_lines_over_prediction_nodata(self, tmp_path):
        prob = road_mask(20) * 254
        prob[40:] = 255  # nodata: the lower part was not predicted
        truth = write_lines(tmp_path / "truth.gpkg", [[xy(22, 0), xy(22, SIZE_PX)]])
        scores = evaluate(write_mask(tmp_path / "pred.tif", prob), truth)
        assert scores["recall"] == pytest.approx(1.0)
        assert scores["completeness"] == pytest.approx(1.0, abs=0.02)

    def test_evaluate_resamples_truth_on_another_grid(self, tmp_path):
        # The same road at 0.5 m pixels over the same area: nearest neighbour gives it back.
        fine = np.kron(road_mask(20), np.ones((2, 2), np.uint8))
        truth = write_mask(tmp_path / "truth.tif", fine, geotransform=grid(0.5))
        scores = evaluate(write_mask(tmp_path / "pred.tif", road_mask(20)), truth)
        assert scores["iou"] == pytest.approx(1.0)

    def test_evaluate_rejects_a_truth_that_does_not_overlap(self, tmp_path):
        far = write_mask(tmp_path / "truth.tif", road_mask(20),
                         geotransform=grid(origin=(600_000.0, 5_000_064.0)))
        pred = write_mask(tmp_path / "pred.tif", road_mask(20))
        both = r"extent 600000.*UTM zone 31N.*does not overlap.*extent 500000.*UTM zone 31N"
        with pytest.raises(BadInputError, match=both):
            evaluate(pred, far)

    def test_evaluate_truth_lines_in_another_crs(self, tmp_path):
        # The truth centerline of the road (columns 20-23, centre x = 22) in lon/lat.
        from osgeo import osr

        utm, wgs84 = osr.SpatialReference(), osr.SpatialReference()
        utm.SetFromUserInput(UTM)
        wgs84.SetFromUserInput("EPSG:4326")
        for srs in (utm, wgs84):
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        to_wgs84 = osr.CoordinateTransformation(utm, wgs84)
        line = [to_wgs84.TransformPoint(*xy(22, row))[:2] for row in (-10, SIZE_PX + 10)]
        truth = write_lines(tmp_path / "truth.gpkg", [line], crs="EPSG:4326")
        scores = evaluate(write_mask(tmp_path / "pred.tif", road_mask(20)), truth)
        assert scores["iou"] == pytest.approx(1.0)  # the 4 m "width" burns 4 columns
        assert scores["completeness"] == pytest.approx(1.0, abs=0.02)
        assert scores["correctness"] == pytest.approx(1.0)

    def test_evaluate_prediction_lines_against_truth_lines(self, tmp_path):
        # Truth: 100 m in two pieces (60 m, 40 m); prediction: the 60 m piece 2 m aside and
        # 20 m elsewhere -> completeness 0.6, correctness 0.75, quality 60 / 120 = 0.5.
        x0, y0 = ORIGIN
        truth = write_lines(tmp_path / "truth.gpkg", [
            [(x0, y0), (x0 + 60, y0)], [(x0, y0 + 100), (x0 + 40, y0 + 100)]])
        pred = write_lines(tmp_path / "pred.gpkg", [
            [(x0, y0 + 2), (x0 + 60, y0 + 2)], [(x0 + 200, y0 + 200), (x0 + 220, y0 + 200)]])
        scores = evaluate(pred, truth)
        assert all(math.isnan(scores[key]) for key in METRIC_KEYS[:7])  # no grid
        assert scores["completeness"] == pytest.approx(0.6)
        assert scores["correctness"] == pytest.approx(0.75)
        assert scores["quality"] == pytest.approx(0.5)
        assert 0.0 < scores["apls"] < 1.0

    def test_evaluate_reads_the_centerlines_layer(self, tmp_path, truth_tif):
        polygon = VectorLayer("roads", "Polygon", UTM, [
            f"POLYGON (({ORIGIN[0]} {ORIGIN[1]}, {ORIGIN[0] + 9} {ORIGIN[1]}, "
            f"{ORIGIN[0] + 9} {ORIGIN[1] - 9}, {ORIGIN[0]} {ORIGIN[1]}))"])
        pred = write_lines(tmp_path / "pred.gpkg", [[xy(22, 0), xy(22, SIZE_PX)]],
                           extra=[polygon])
        assert evaluate(pred, truth_tif)["iou"] == pytest.approx(1.0)

    def test_evaluate_on_a_geographic_grid(self, tmp_path):
        # About 1 m pixels in degrees near the equator; identical masks score 1.
        gt = (3.0, 1e-5, 0.0, 0.001, 0.0, -1e-5)
        truth = write_mask(tmp_path / "truth.tif", road_mask(20), geotransform=gt,
                           crs="EPSG:4326")
        pred = write_mask(tmp_path / "pred.tif", road_mask(20), geotransform=gt,
                          crs="EPSG:4326")
        assert evaluate(pred, truth) == pytest.approx(dict.fromkeys(METRIC_KEYS, 1.0))

    def test_evaluate_input_files_untouched(self, tmp_path, truth_tif):
        pred = write_lines(tmp_path / "pred.gpkg", [[xy(22, 0), xy(22, SIZE_PX)]])
        digest = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in (pred, truth_tif)}
        evaluate(pred, truth_tif)
        assert digest == {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in digest}
        assert sorted(q.name for q in tmp_path.iterdir()) == ["pred.gpkg", "truth.tif"]


class TestEvaluateRejects:
    def test_evaluate_rejects_a_missing_file(self, tmp_path, truth_tif):
        with pytest.raises(BadInputError, match="prediction file .*missing.tif does not exist"):
            evaluate(str(tmp_path / "missing.tif"), truth_tif)

    def test_evaluate_rejects_a_multiband_raster(self, tmp_path, truth_tif):
        pred = write_mask(tmp_path / "pred.tif", np.stack([road_mask(20)] * 3))
        with pytest.raises(BadInputError, match=r"got 3 band\(s\) of uint8"):
            evaluate(pred, truth_tif)

    def test_evaluate_rejects_floats_outside_0_1(self, tmp_path, truth_tif):
        pred = write_mask(tmp_path / "pred.tif", road_mask(20) * 3.0, dtype="float32")
        with pytest.raises(BadInputError, match=r"must hold values in \[0, 1\]"):
            evaluate(pred, truth_tif)

    def test_evaluate_rejects_a_truth_that_is_not_0_1(self, tmp_path):
        truth = write_mask(tmp_path / "truth.tif", road_mask(20) * 7)
        with pytest.raises(BadInputError, match="holds the values 0, 7"):
            evaluate(write_mask(tmp_path / "pred.tif", road_mask(20)), truth)

    def test_evaluate_rejects_a_vector_file_without_lines(self, tmp_path, truth_tif):
        polygon = VectorLayer("roads", "Polygon", UTM, [])
        write_layers(str(tmp_path / "pred.gpkg"), [polygon])
        with pytest.raises(BadInputError, match="no line layer"):
            evaluate(str(tmp_path / "pred.gpkg"), truth_tif)

    def test_evaluate_rejects_lines_outside_the_raster(self, tmp_path, truth_tif):
        pred = write_lines(tmp_path / "pred.gpkg", [[xy(500, 0), xy(500, 10)]])
        with pytest.raises(BadInputError, match="do not overlap the raster"):
            evaluate(pred, truth_tif)

    @pytest.mark.parametrize(("option", "value"), [
        ("rho_px", -1.0), ("buffer_m", 0.0), ("threshold", 0.0), ("threshold", 1.5),
        ("apls_node_spacing_m", float("nan")), ("truth_width_m", -6.0),
    ])
    def test_evaluate_rejects_bad_options(self, tmp_path, truth_tif, option, value):
        with pytest.raises(BadInputError, match=f"{option} must be"):
            evaluate(truth_tif, truth_tif, **{option: value})


class TestEvaluateByBlocks:
    """Scores from small blocks (many seams) equal those of one block over the whole grid."""

    @pytest.fixture(scope="class")
    def scene(self, tmp_path_factory):
        from engine.synth import SceneConfig, generate_scene, write_scene
        from engine.synth.noise import smooth_noise

        folder = tmp_path_factory.mktemp("blocks")
        rng = np.random.default_rng(1)
        scene = generate_scene(SceneConfig(size_px=384, nodata_border_px=24), rng=rng)
        files = write_scene(scene, folder)
        noise = smooth_noise(scene.road_mask.shape, 6.0, rng=rng)
        prob = np.round(np.clip(scene.road_mask * 0.7 + 0.1 + 0.2 * noise, 0, 1) * 254)
        prob = np.roll(prob.astype(np.uint8), 2, axis=1)  # off by 1 m: not a perfect score
        prob[~scene.valid_mask] = 255
        pred = str(folder / "prob.tif")
        write_raster(pred, prob, geotransform=scene.geotransform, crs_wkt=scene.crs_wkt,
                     nodata=255)
        return pred, files

    @pytest.mark.parametrize("truth", ["truth", "centerlines"])  # a mask, or lines
    def test_evaluate_by_blocks_equals_the_whole_grid(self, scene, truth):
        from engine.vectorize import VectorizeConfig

        pred, files = scene
        whole = evaluate(pred, str(files[truth]), vectorize_config=VectorizeConfig(
            block_px=4096))
        blocks = evaluate(pred, str(files[truth]), vectorize_config=VectorizeConfig(
            block_px=64))
        assert 0.3 < whole["apls"] < 1.0 and 0.3 < whole["iou"] < 1.0
        assert blocks == pytest.approx(whole, abs=1e-9)

    def test_evaluate_reports_progress_by_blocks(self, scene):
        from engine.events import CollectingSink, Reporter
        from engine.vectorize import VectorizeConfig

        pred, files = scene
        sink = CollectingSink()
        evaluate(pred, str(files["truth"]), vectorize_config=VectorizeConfig(block_px=128),
                 reporter=Reporter(sink=sink))
        stages = [(e["stage"], e["done"], e["total"]) for e in sink.of_kind("progress")]
        assert stages[:2] == [("evaluating", 0, 9), ("evaluating", 1, 9)]
        assert ("evaluating", 9, 9) in stages and stages[-1] == ("apls", 1, 1)
