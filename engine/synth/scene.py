"""Synthetic georeferenced scenes: an image with its true road mask and centerlines."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from osgeo import ogr, osr
from scipy import ndimage

from engine.errors import BadInputError
from engine.synth.config import SceneConfig
from engine.synth.curves import clip_polyline
from engine.synth.network import Road, grow_network
from engine.synth.noise import smooth_noise, smooth_profile
from engine.synth.objects import place_buildings
from engine.synth.render import paint_ground, paint_objects, paint_roads
from engine.synth.shading import cast_shadows, slope_shading
from engine.synth.trees import place_trees

__all__ = ["Scene", "generate_scene", "nodata_value"]

#: How shadows darken (red, green, blue, near infrared) at shadow_strength 1: sky light is blue.
_SHADOW_DARKENING = np.array([0.80, 0.78, 0.72, 0.84], np.float32)[:, None, None]
#: Range of sun elevations (degrees) at which aerial surveys are flown.
_SUN_ELEVATION_DEG = (40.0, 65.0)
#: Weights of (red, green, blue, near infrared) in a panchromatic band (450-800 nm).
_PAN_WEIGHTS = np.array([0.25, 0.35, 0.15, 0.25], np.float32)
#: Blur of the sensor's point spread function (px) and its noise (display units).
_PSF_SIGMA_PX, _SENSOR_NOISE = 0.5, 0.008
#: Full scale of each integer sample type: display value 1.0 maps to it.
_FULL_SCALE = {"uint8": 254.0, "uint16": 10000.0}


@dataclass
class Scene:
    """A generated scene and its truth; arrays are (band, row, col) or (row, col)."""

    image: np.ndarray  # (bands, rows, cols) in config.dtype; ``nodata`` outside valid_mask
    road_mask: np.ndarray  # (rows, cols) bool: road surface, also under trees, shadow, nodata
    centerlines: list[np.ndarray]  # (N, 2) float64 map (x, y), clipped to the scene extent
    widths_m: list[float]  # surface width of each centerline
    valid_mask: np.ndarray  # (rows, cols) bool: False on the nodata border
    geotransform: tuple[float, float, float, float, float, float]  # GDAL order, north up
    crs_wkt: str  # CRS of config.crs_epsg
    nodata: float  # 0 for uint8/uint16 (valid samples are >= 1); -9999.0 for float32
    config: SceneConfig  # what generated the scene
    tree_mask: np.ndarray  # (rows, cols) bool: a tree crown is the top surface
    building_mask: np.ndarray  # (rows, cols) bool: a roof is the top surface
    shadow_mask: np.ndarray  # (rows, cols) bool: in a cast shadow


def nodata_value(dtype: str) -> float:
    """The nodata value of scenes of a sample type: 0 for integers, -9999.0 for float32."""
    return -9999.0 if dtype == "float32" else 0


def _nodata_border(config: SceneConfig, rng: np.random.Generator) -> np.ndarray:
    """Valid pixels, (rows, cols) bool, after cutting a ragged margin from one or two sides."""
    size, depth_px = config.size_px, config.nodata_border_px
    valid = np.ones((size, size), bool)
    if depth_px == 0:
        return valid
    sides = rng.choice(4, size=int(rng.integers(1, 3)), replace=False)
    index = np.arange(size)
    for side in sides:
        depth = smooth_profile(size, int(rng.integers(2, 5)), rng=rng, low=0.3, high=1.0)
        wobble = smooth_noise((1, size), size / 12, rng=rng)[0]
        depth = depth_px * (depth + 0.06 * wobble)
        depth = np.clip(depth, 1.0, depth_px)
        along, across = (index[None, :], index[:, None]) if side < 2 else (index[:, None],
                                                                             index[None, :])
        from_edge = across if side % 2 == 0 else size - 1 - across
        valid &= ~(from_edge < depth[along])
    return valid


def _centerlines(roads: list[Road], config: SceneConfig) -> tuple[list[np.ndarray], list[float]]:
    """Road axes clipped to the scene, in map coordinates, with their widths."""
    size, ps = config.size_px, config.pixel_size_m
    extent = ogr.CreateGeometryFromWkt(f"POLYGON ((0 0, {size} 0, {size} {size}, 0 {size}, 0 0))")
    origin = np.array(config.origin_xy)
    lines, widths = [], []
    for road in roads:
        for part in clip_polyline(road.points_px, extent):
            lines.append(origin + part * np.array([ps, -ps]))
            widths.append(road.width_m)
    return lines, widths


def _light(
    dsm: np.ndarray, config: SceneConfig, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Brightness factor (4, rows, cols) float32 and cast-shadow mask of a surface model."""
    sun = {"azimuth_rad": float(rng.uniform(0.0, 2 * math.pi)),
           "elevation_rad": math.radians(float(rng.uniform(*_SUN_ELEVATION_DEG))),
           "pixel_size_m": config.pixel_size_m}
    shadow = cast_shadows(dsm, **sun)
    soft = ndimage.gaussian_filter(shadow.astype(np.float32), 0.7)
    light = 1.0 - config.shadow_strength * _SHADOW_DARKENING * soft[None]
    return light * slope_shading(dsm, **sun)[None], shadow


def _surface_factors(road_mask: np.ndarray, objects, jitter: float,
                     rng: np.random.Generator) -> np.ndarray:
    """(rows, cols) brightness factors, one per kind of top surface (road, ground, roof,
    tree crown), each exp(N(0, jitter)): the order of their brightness varies by scene, so
    a model must find roads by their shape more than by their tone."""
    factors = np.exp(rng.normal(0.0, jitter, 4)).astype(np.float32)
    top = np.select([objects.tree_id > 0, objects.roof_id > 0, road_mask], [3, 2, 0], 1)
    return factors[top]


def _to_samples(display: np.ndarray, config: SceneConfig) -> np.ndarray:
    """Select the bands of (4, rows, cols) display values in [0, 1] and convert the type."""
    if config.bands == 1:
        display = np.tensordot(_PAN_WEIGHTS, display, axes=1)[None]
    else:
        display = display[: config.bands]
    if config.dtype == "float32":
        return display.astype(np.float32)
    full = _FULL_SCALE[config.dtype]
    samples = np.clip(np.round(display * full) + 1.0, 1.0, np.iinfo(config.dtype).max)
    return samples.astype(config.dtype)


def _srs_wkt(epsg: int) -> str:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    return srs.ExportToWkt()


def generate_scene(config: SceneConfig, *, rng: np.random.Generator) -> Scene:
    """Generate an aerial-looking scene with roads, buildings, trees and shadows.

    Parameters
    ----------
    config : SceneConfig
        Size, bands, sample type, style and densities.
    rng : numpy.random.Generator
        The only source of randomness: the same seed gives the same scene.

    Returns
    -------
    Scene
        ``image`` is (config.bands, size_px, size_px) of config.dtype: pan, RGB or RGB + NIR
        with display values scaled to 1-255 (uint8), 1-10001 (uint16, reflectance x 10000) or
        0-1 (float32); nodata pixels hold ``scene.nodata`` in every band.
    """
    if not isinstance(config, SceneConfig):
        raise BadInputError(f"config must be a SceneConfig; got {type(config).__name__}")
    if not isinstance(rng, np.random.Generator):
        raise BadInputError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    size = config.size_px
    roads = grow_network(config, rng=rng)
    road_mask = np.zeros((size, size), bool)
    for road in roads:
        road_mask[road.rows, road.cols] = True
    albedo, parcel_edges = paint_ground(config, rng=rng)
    objects = place_buildings(config, roads, road_mask, rng=rng)
    objects = place_trees(config, objects, road_mask, parcel_edges, rng=rng)
    paint_roads(albedo, roads, config, rng=rng)
    paint_objects(albedo, objects, config, rng=rng)
    if config.material_jitter > 0:
        albedo *= _surface_factors(road_mask, objects, config.material_jitter, rng)[None]
    light, shadow = _light(objects.dsm, config, rng)
    blur = float(np.hypot(_PSF_SIGMA_PX, config.blur_px))
    display = ndimage.gaussian_filter(albedo * light, (0.0, blur, blur))
    display += rng.normal(0.0, _SENSOR_NOISE, display.shape).astype(np.float32)
    image = _to_samples(np.clip(display, 0.0, 1.0), config)
    valid = _nodata_border(config, rng)
    nodata = nodata_value(config.dtype)
    image[:, ~valid] = nodata
    centerlines, widths = _centerlines(roads, config)
    ps = config.pixel_size_m
    return Scene(
        image=image, road_mask=road_mask, centerlines=centerlines, widths_m=widths,
        valid_mask=valid,
        geotransform=(config.origin_xy[0], ps, 0.0, config.origin_xy[1], 0.0, -ps),
        crs_wkt=_srs_wkt(config.crs_epsg), nodata=nodata, config=config,
        tree_mask=objects.tree_id > 0, building_mask=objects.roof_id > 0, shadow_mask=shadow,
    )
