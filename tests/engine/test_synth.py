"""Tests of engine.synth: synthetic scenes, their truth, and writing them as a data set."""

from __future__ import annotations

import dataclasses
import os
import time

import numpy as np
import pytest
from osgeo import gdal, ogr, osr
from scipy import ndimage

from engine.errors import BadInputError, OutputWriteError
from engine.synth import (
    SCENE_FILES,
    TRUTH_NODATA,
    SceneConfig,
    aoi_polygon,
    generate_scene,
    write_scene,
)


def make_scene(seed: int = 0, **fields):
    return generate_scene(SceneConfig(**{"size_px": 256, **fields}),
                          rng=np.random.default_rng(seed))


def to_pixels(scene, line: np.ndarray) -> np.ndarray:
    """Map (x, y) to continuous (col, row) of the scene's grid."""
    x0, ps, _, y0, _, neg_ps = scene.geotransform
    return np.stack([(line[:, 0] - x0) / ps, (line[:, 1] - y0) / neg_ps], axis=1)


def line_geometry(points: np.ndarray) -> ogr.Geometry:
    line = ogr.Geometry(ogr.wkbLineString)
    for x, y in points:
        line.AddPoint_2D(float(x), float(y))
    return line


def read_layer(path, name: str) -> list[tuple[ogr.Geometry, dict]]:
    ds = ogr.Open(str(path))
    layer = ds.GetLayerByName(name)
    assert layer is not None, f"{path} has no layer {name!r}"
    return [(f.GetGeometryRef().Clone(), f.items()) for f in layer]


@pytest.fixture(scope="module")
def suburban():
    return make_scene(seed=3, style="suburban", nodata_border_px=24, bands=4)


@pytest.fixture(scope="module")
def rural():
    return make_scene(seed=3, style="rural", bands=4)


class TestSceneConfig:
    def test_scene_config_defaults_are_valid(self):
        config = SceneConfig()
        assert (config.size_px, config.bands, config.dtype) == (256, 3, "uint8")

    def test_scene_config_round_trips_through_dict(self):
        config = SceneConfig(style="rural", road_width_m=(3.0, 6.0), road_count=4)
        assert SceneConfig.from_dict(config.to_dict()) == config

    def test_scene_config_from_dict_rejects_unknown_fields(self):
        with pytest.raises(BadInputError, match="no fields.*colour"):
            SceneConfig.from_dict({"size_px": 128, "colour": "red"})

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("size_px", 32),  # too small to hold a road network
            ("size_px", 100.0),  # not an integer
            ("pixel_size_m", 0.0),  # no ground distance
            ("bands", 2),  # neither pan, RGB nor RGB+NIR
            ("dtype", "int8"),  # not a supported sample type
            ("style", "urban"),  # unknown style
            ("road_count", 0),  # at least one road
            ("road_width_m", (8.0, 4.0)),  # min above max
            ("road_width_m", (4.0,)),  # not a (min, max) pair
            ("road_width_m", (4.0, 60.0)),  # wider than 0.4 x the 128 m scene
            ("tree_density", 1.5),  # a share
            ("building_density", -0.1),  # a share
            ("shadow_strength", 2.0),  # a share
            ("nodata_border_px", 200),  # deeper than a quarter of the scene
            ("crs_epsg", 4326),  # geographic, not in metres
            ("crs_epsg", 999999),  # no such CRS
            ("origin_xy", (float("nan"), 0.0)),  # not finite
            ("aoi_fraction", 0.0),  # empty labeled area
        ],
    )
    def test_scene_config_rejects_bad_value(self, field, value):
        with pytest.raises(BadInputError, match=rf"SceneConfig\.{field} must be .*got"):
            SceneConfig(**{field: value})


class TestGenerateScene:
    def test_generate_scene_same_seed_gives_identical_scene(self):
        first, second = make_scene(seed=7, nodata_border_px=16), make_scene(seed=7,
                                                                             nodata_border_px=16)
        np.testing.assert_array_equal(first.image, second.image)
        np.testing.assert_array_equal(first.road_mask, second.road_mask)
        np.testing.assert_array_equal(first.valid_mask, second.valid_mask)
        assert first.widths_m == second.widths_m
        for a, b in zip(first.centerlines, second.centerlines, strict=True):
            np.testing.assert_array_equal(a, b)

    def test_generate_scene_different_seed_gives_different_scene(self):
        first, second = make_scene(seed=7), make_scene(seed=8)
        assert not np.array_equal(first.image, second.image)
        assert not np.array_equal(first.road_mask, second.road_mask)

    @pytest.mark.parametrize("style", ["suburban", "rural"])
    def test_generate_scene_roads_are_a_minority(self, style):
        fractions = [make_scene(seed, style=style).road_mask.mean() for seed in range(4)]
        assert all(0.02 <= f <= 0.16 for f in fractions), fractions

    def test_generate_scene_suburban_has_more_roads_and_buildings_rural_more_trees(self):
        suburban = [make_scene(seed, style="suburban") for seed in range(3)]
        rural = [make_scene(seed, style="rural") for seed in range(3)]

        def mean(scenes, attribute):
            return np.mean([getattr(s, attribute).mean() for s in scenes])

        assert mean(suburban, "road_mask") > mean(rural, "road_mask")
        assert mean(suburban, "building_mask") > 3 * mean(rural, "building_mask")
        assert mean(rural, "tree_mask") > mean(suburban, "tree_mask")

    def test_generate_scene_mask_covers_centerlines(self, suburban, rural):
        for scene in (suburban, rural):
            for line in scene.centerlines:
                col_row = np.floor(to_pixels(scene, line)).astype(int)
                col_row = np.clip(col_row, 0, scene.config.size_px - 1)  # ends on the border
                assert scene.road_mask[col_row[:, 1], col_row[:, 0]].all()

    def test_generate_scene_centerlines_are_map_coordinates_inside_the_scene(self, suburban):
        x0, y0 = suburban.config.origin_xy
        extent = suburban.config.size_px * suburban.config.pixel_size_m
        for line in suburban.centerlines:
            assert line.ndim == 2 and line.shape[1] == 2 and len(line) >= 2
            assert np.all((line[:, 0] >= x0 - 1e-6) & (line[:, 0] <= x0 + extent + 1e-6))
            assert np.all((line[:, 1] <= y0 + 1e-6) & (line[:, 1] >= y0 - extent - 1e-6))

    def test_generate_scene_mask_area_matches_lengths_times_widths(self, suburban):
        ps = suburban.config.pixel_size_m
        expected = sum(line_geometry(line).Length() * width
                       for line, width in zip(suburban.centerlines, suburban.widths_m,
                                              strict=True))
        area = suburban.road_mask.sum() * ps * ps
        assert 0.6 * expected <= area <= 1.15 * expected  # junctions overlap, ends are capped

    def test_generate_scene_widths_vary_within_range(self):
        scene = make_scene(seed=1, road_width_m=(4.0, 12.0), road_count=4)
        assert len(set(scene.widths_m)) >= 3
        assert all(4.0 <= w <= 12.0 for w in scene.widths_m)

    def test_generate_scene_road_count_is_honoured(self):
        scene = make_scene(seed=2, road_count=3)
        assert len(set(scene.widths_m)) == 3  # one width per road; clipping may split a road

    def test_generate_scene_makes_x_and_t_junctions(self):
        crossings = ends_on_road = 0
        for seed in range(6):
            scene = make_scene(seed, style="suburban")
            lines = [line_geometry(line) for line in scene.centerlines]
            for i, line in enumerate(lines):
                crossings += sum(line.Crosses(other) for other in lines[i + 1 :])
                for end in (scene.centerlines[i][0], scene.centerlines[i][-1]):
                    point = ogr.CreateGeometryFromWkt(f"POINT ({end[0]!r} {end[1]!r})")
                    ends_on_road += any(other.Distance(point) < 1e-3
                                        for j, other in enumerate(lines) if j != i)
        assert crossings > 0
        assert ends_on_road > 0

    def test_generate_scene_trees_occlude_roads_but_truth_keeps_them(self):
        wooded = make_scene(seed=5, style="rural", bands=4, tree_density=0.6)
        bare = make_scene(seed=5, style="rural", bands=4, tree_density=0.0)
        np.testing.assert_array_equal(wooded.road_mask, bare.road_mask)  # truth ignores trees
        occluded = wooded.road_mask & wooded.tree_mask
        open_road = wooded.road_mask & ~wooded.tree_mask & ~wooded.shadow_mask
        assert occluded.sum() > 50
        red, nir = (wooded.image[b].astype(float) for b in (0, 3))
        ndvi = (nir - red) / (nir + red)
        assert ndvi[occluded].mean() > ndvi[open_road].mean() + 0.2  # leaves, not asphalt

    def test_generate_scene_shadows_darken_only_shadowed_pixels(self):
        dark = make_scene(seed=6, shadow_strength=0.9, dtype="float32")
        flat = make_scene(seed=6, shadow_strength=0.0, dtype="float32")
        np.testing.assert_array_equal(dark.shadow_mask, flat.shadow_mask)
        assert (dark.shadow_mask & dark.road_mask & ~dark.tree_mask).sum() > 20  # on roads too
        ratio = dark.image.mean(0) / flat.image.mean(0)
        assert np.median(ratio[dark.shadow_mask]) < 0.4
        far = ~ndimage.binary_dilation(dark.shadow_mask, iterations=6)  # past both blurs
        np.testing.assert_allclose(ratio[far], 1.0, atol=1e-3)

    def test_generate_scene_near_infrared_is_bright_on_vegetation(self, rural):
        red, nir = (rural.image[b].astype(float) for b in (0, 3))
        assert (nir / red)[rural.tree_mask].mean() > 1.5 * (nir / red)[rural.road_mask].mean()

    def test_generate_scene_nodata_border_is_nodata_and_invalid(self, suburban):
        invalid = ~suburban.valid_mask
        assert 0 < invalid.sum() < 0.3 * invalid.size
        assert np.all(suburban.image[:, invalid] == suburban.nodata)
        assert not np.any(np.all(suburban.image[:, suburban.valid_mask] == suburban.nodata, 0))
        rows, cols = np.nonzero(invalid)
        size = suburban.config.size_px
        depth = np.minimum.reduce([rows, cols, size - 1 - rows, size - 1 - cols])
        assert depth.max() < suburban.config.nodata_border_px  # a margin, not holes

    def test_generate_scene_without_border_is_all_valid(self, rural):
        assert rural.valid_mask.all()

    @pytest.mark.parametrize(
        ("bands", "dtype", "low", "high"),
        [
            (1, "uint8", 1, 255),  # panchromatic bytes; 0 is nodata
            (3, "uint8", 1, 255),  # RGB bytes
            (4, "uint8", 1, 255),  # RGB + NIR bytes
            (3, "uint16", 1, 10001),  # reflectance x 10000
            (4, "uint16", 1, 10001),
            (1, "float32", 0.0, 1.0),  # reflectance
            (4, "float32", 0.0, 1.0),
        ],
    )
    def test_generate_scene_bands_and_dtype(self, bands, dtype, low, high):
        scene = make_scene(seed=4, size_px=128, bands=bands, dtype=dtype, nodata_border_px=8)
        assert scene.image.shape == (bands, 128, 128)
        assert scene.image.dtype == np.dtype(dtype)
        valid = scene.image[:, scene.valid_mask]
        assert valid.min() >= low and valid.max() <= high
        assert valid.std() > 0.02 * (high - low)  # a picture, not a constant
        assert np.all(scene.image[:, ~scene.valid_mask] == scene.nodata)
        assert scene.nodata == (-9999.0 if dtype == "float32" else 0)

    def test_generate_scene_has_georeference(self, suburban):
        x0, y0 = suburban.config.origin_xy
        assert suburban.geotransform == (x0, 0.5, 0.0, y0, 0.0, -0.5)
        srs = osr.SpatialReference()
        srs.ImportFromWkt(suburban.crs_wkt)
        assert srs.GetAuthorityCode(None) == "32631"

    def test_generate_scene_rejects_bad_arguments(self):
        with pytest.raises(BadInputError, match="rng must be a numpy.random.Generator"):
            generate_scene(SceneConfig(), rng=42)
        with pytest.raises(BadInputError, match="config must be a SceneConfig"):
            generate_scene({"size_px": 256}, rng=np.random.default_rng(0))

    @pytest.mark.slow
    def test_generate_scene_1024_px_is_fast(self):
        for style in ("suburban", "rural"):
            start = time.perf_counter()
            make_scene(0, size_px=1024, style=style, bands=4, nodata_border_px=64)
            assert time.perf_counter() - start < 10.0


class TestWriteScene:
    def test_write_scene_writes_image_and_truth_on_the_grid(self, suburban, tmp_path):
        paths = write_scene(suburban, tmp_path / "scene")
        assert {k: p.name for k, p in paths.items()} == SCENE_FILES
        assert all(p.is_file() for p in paths.values())
        image, truth = gdal.Open(str(paths["image"])), gdal.Open(str(paths["truth"]))
        for ds in (image, truth):
            assert ds.GetGeoTransform() == pytest.approx(suburban.geotransform)
            assert ds.GetSpatialRef().GetAuthorityCode(None) == "32631"
        np.testing.assert_array_equal(image.ReadAsArray(), suburban.image)
        assert image.GetRasterBand(1).GetNoDataValue() == suburban.nodata
        expected = np.where(suburban.valid_mask, suburban.road_mask, TRUTH_NODATA)
        np.testing.assert_array_equal(truth.ReadAsArray(), expected)
        assert truth.GetRasterBand(1).GetNoDataValue() == TRUTH_NODATA

    def test_write_scene_layers_have_crs_and_widths(self, suburban, tmp_path):
        paths = write_scene(suburban, tmp_path)
        for key, layer in (("roads", "roads"), ("aoi", "aoi"), ("centerlines", "centerlines")):
            ds = ogr.Open(str(paths[key]))
            assert ds.GetLayerByName(layer).GetSpatialRef().GetAuthorityCode(None) == "32631"
        everything = read_layer(paths["centerlines"], "centerlines")
        assert len(everything) == len(suburban.centerlines)
        assert [f["width"] for _, f in everything] == pytest.approx(suburban.widths_m)

    def test_write_scene_roads_lie_within_the_aoi(self, suburban, tmp_path):
        paths = write_scene(suburban, tmp_path, aoi_fraction=0.4)
        [(aoi, _)] = read_layer(paths["aoi"], "aoi")
        roads = read_layer(paths["roads"], "roads")
        assert roads, "the labeled area should hold some road"
        tolerance = aoi.Buffer(1e-6)
        for geometry, fields in roads:
            assert geometry.GetGeometryType() == ogr.wkbLineString
            assert geometry.Within(tolerance)
            assert min(abs(fields["width"] - w) for w in suburban.widths_m) < 1e-9
        inside = sum(g.Length() for g, _ in roads)
        total = sum(line_geometry(line).Intersection(aoi).Length()
                    for line in suburban.centerlines)
        assert inside == pytest.approx(total, rel=1e-6)  # clipping drops no road

    @pytest.mark.parametrize("fraction", [0.25, 0.5, 1.0])
    def test_aoi_polygon_holds_the_share_of_valid_pixels(self, suburban, fraction):
        aoi = aoi_polygon(suburban, fraction)
        x_min, x_max, _, _ = aoi.GetEnvelope()
        cols = round((x_max - x_min) / suburban.config.pixel_size_m)
        share = suburban.valid_mask[:, :cols].sum() / suburban.valid_mask.sum()
        column = suburban.valid_mask.shape[0] / suburban.valid_mask.sum()
        assert share == pytest.approx(fraction, abs=column)

    def test_write_scene_refuses_to_overwrite(self, rural, tmp_path):
        paths = write_scene(rural, tmp_path)
        before = {k: os.path.getmtime(p) for k, p in paths.items()}
        with pytest.raises(OutputWriteError, match="overwrite=True"):
            write_scene(rural, tmp_path)
        assert {k: os.path.getmtime(p) for k, p in paths.items()} == before
        write_scene(rural, tmp_path, overwrite=True)

    def test_write_scene_refuses_when_any_one_file_exists(self, rural, tmp_path):
        (tmp_path / "roads.gpkg").write_bytes(b"")
        with pytest.raises(OutputWriteError, match="roads.gpkg"):
            write_scene(rural, tmp_path)
        assert not (tmp_path / "image.tif").exists()  # nothing written before the refusal

    @pytest.mark.parametrize("fraction", [0.0, 1.5, -0.2])
    def test_write_scene_rejects_bad_aoi_fraction(self, rural, tmp_path, fraction):
        with pytest.raises(BadInputError, match="aoi_fraction must be within"):
            write_scene(rural, tmp_path, aoi_fraction=fraction)

    def test_write_scene_does_not_modify_the_scene(self, rural, tmp_path):
        copy = dataclasses.replace(rural, image=rural.image.copy(),
                                   road_mask=rural.road_mask.copy())
        write_scene(rural, tmp_path)
        np.testing.assert_array_equal(copy.image, rural.image)
        np.testing.assert_array_equal(copy.road_mask, rural.road_mask)


def test_paved_parcels_are_road_surface_that_is_not_road():
    config = SceneConfig(size_px=128, bands=4, dtype="float32", shadow_strength=0.0,
                         tree_density=0.0, building_density=0.0)
    plain = generate_scene(config, rng=np.random.default_rng(5))
    paved = generate_scene(dataclasses.replace(config, paved_share=1.0),
                           rng=np.random.default_rng(5))
    assert np.array_equal(plain.road_mask, paved.road_mask)  # the labels do not move

    def nir_over_red(scene):  # > 1 on vegetation, < 1 on asphalt, concrete and paving
        ground = ~scene.road_mask
        return float(np.median(scene.image[3][ground] / scene.image[0][ground]))

    assert nir_over_red(plain) > 1.0 > nir_over_red(paved)


def test_paved_share_is_checked():
    with pytest.raises(BadInputError, match="paved_share"):
        SceneConfig(paved_share=1.5)


def test_material_jitter_changes_which_surface_is_brighter_from_scene_to_scene():
    def road_over_ground(jitter, seed):
        config = SceneConfig(size_px=96, bands=1, dtype="float32", shadow_strength=0.0,
                             tree_density=0.0, building_density=0.0, material_jitter=jitter)
        scene = generate_scene(config, rng=np.random.default_rng(seed))
        image = scene.image[0]
        return float(np.median(image[scene.road_mask]) / np.median(image[~scene.road_mask]))

    plain = [road_over_ground(0.0, seed) for seed in range(8)]
    jittered = [road_over_ground(0.5, seed) for seed in range(8)]
    assert np.std(np.log(jittered)) > 2 * np.std(np.log(plain))


def test_blur_px_softens_the_image_and_nothing_else():
    config = SceneConfig(size_px=96, bands=1, dtype="float32")
    sharp = generate_scene(config, rng=np.random.default_rng(2))
    soft = generate_scene(dataclasses.replace(config, blur_px=1.5), rng=np.random.default_rng(2))
    assert np.array_equal(sharp.road_mask, soft.road_mask)

    def edges(scene):
        return float(np.mean(np.abs(np.diff(scene.image[0], axis=1))))

    assert edges(soft) < 0.7 * edges(sharp)
