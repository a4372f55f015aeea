"""Configuration of synthetic scenes: SceneConfig and the per-style presets."""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, fields
from typing import Any

from osgeo import osr

from engine.errors import BadInputError

__all__ = ["BANDS_ALLOWED", "DTYPES", "STYLES", "SceneConfig", "StylePreset", "preset_for"]

#: Band counts a scene may have: panchromatic, RGB, RGB + near infrared.
BANDS_ALLOWED = (1, 3, 4)
#: Sample types a scene may be written in.
DTYPES = ("uint8", "uint16", "float32")
#: Widest road allowed, as a share of the scene's side.
_MAX_WIDTH_SHARE = 0.4
#: Landscape styles; the benchmark trains on one and holds the other out.
STYLES = ("suburban", "rural")


@dataclass(frozen=True)
class StylePreset:
    """What a landscape style looks like; every length is in metres."""

    road_fraction: tuple[float, float]  # target share of road pixels, drawn per scene
    branch_share: float  # probability that a new road branches off an existing one (T)
    dead_end_share: float  # probability that a branch stops before meeting anything
    curvature_max_per_m: float  # largest curvature of a road, 1 / (smallest radius)
    curvature_wavelength_m: tuple[float, float]  # wavelengths of the curvature oscillations
    perpendicular_families: bool  # roads alternate between two crossing directions (grid-ish)
    road_spacing_m: float  # closest two roads of one direction may come
    tree_density: float  # default share of the scene under tree crowns
    forest_share: float  # share of trees that grow in forest patches rather than scattered
    building_density: float  # default probability that a roadside lot holds a building
    lot_width_m: tuple[float, float]  # spacing of roadside lots along a road
    building_size_m: tuple[float, float]  # range of building side lengths
    surfaces: tuple[tuple[str, float], ...]  # road surfaces with their probabilities
    parcel_size_m: float  # typical side of a field or garden parcel


_PRESETS = {
    "suburban": StylePreset(
        road_fraction=(0.10, 0.14),
        branch_share=0.5,
        dead_end_share=0.35,
        curvature_max_per_m=1 / 150,
        curvature_wavelength_m=(200.0, 600.0),
        perpendicular_families=True,
        road_spacing_m=45.0,
        tree_density=0.12,
        forest_share=0.15,
        building_density=0.85,
        lot_width_m=(14.0, 22.0),
        building_size_m=(8.0, 16.0),
        surfaces=(("asphalt", 0.6), ("old_asphalt", 0.3), ("concrete", 0.1)),
        parcel_size_m=25.0,
    ),
    "rural": StylePreset(
        road_fraction=(0.03, 0.06),
        branch_share=0.35,
        dead_end_share=0.5,
        curvature_max_per_m=1 / 70,
        curvature_wavelength_m=(120.0, 500.0),
        perpendicular_families=False,
        road_spacing_m=60.0,
        tree_density=0.28,
        forest_share=0.7,
        building_density=0.1,
        lot_width_m=(25.0, 45.0),
        building_size_m=(10.0, 28.0),
        surfaces=(("asphalt", 0.45), ("old_asphalt", 0.3), ("gravel", 0.25)),
        parcel_size_m=90.0,
    ),
}


def preset_for(style: str) -> StylePreset:
    """Return the preset of a style named in :data:`STYLES`."""
    return _PRESETS[style]


def _check(condition: bool, field: str, value: Any, allowed: str) -> None:
    if not condition:
        raise BadInputError(f"SceneConfig.{field} must be {allowed}; got {value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_projected_epsg(code: int) -> bool:
    srs = osr.SpatialReference()
    try:
        return srs.ImportFromEPSG(int(code)) == 0 and bool(srs.IsProjected())
    except RuntimeError:  # GDAL raises instead of returning an error code when exceptions are on
        return False


@dataclass(frozen=True)
class SceneConfig:
    """Parameters of one synthetic georeferenced scene; lengths in metres unless named _px."""

    size_px: int = 256  # rows and columns of the square scene
    pixel_size_m: float = 0.5  # ground sampling distance
    bands: int = 3  # 1 = panchromatic, 3 = RGB, 4 = RGB + near infrared
    dtype: str = "uint8"  # sample type: uint8 (1-255), uint16 (reflectance x 10000), float32
    style: str = "suburban"  # "suburban" (grid-ish streets, houses) or "rural" (winding, trees)
    road_count: int | None = None  # number of centerlines; None = until the style's road share
    road_width_m: tuple[float, float] = (4.0, 12.0)  # range of road widths, one width per road
    tree_density: float | None = None  # share of the scene under tree crowns; None = style
    building_density: float | None = None  # chance a roadside lot is built on; None = style
    shadow_strength: float = 0.6  # 0 = no cast shadows, 1 = black shadows
    nodata_border_px: int = 0  # 0 = none; else depth of an irregular nodata margin on 1-2 sides
    crs_epsg: int = 32631  # projected CRS of the scene (metres)
    origin_xy: tuple[float, float] = (448000.0, 5411000.0)  # map x, y of the top-left corner
    aoi_fraction: float = 0.5  # share of the valid area inside the labeled-area polygon
    lane_markings: bool = True  # dashed centre lines on wide paved roads
    # share of the ground parcels paved as car parks, yards and squares: road surfaces that
    # are not road (0 keeps every scene as it was before the option existed)
    paved_share: float = 0.0
    # log-sd of a per-scene brightness factor of each kind of top surface (road, ground,
    # roof, tree crown), so that which is brighter changes from scene to scene (0: as
    # painted; > 0 draws from the scene's generator, so the scene differs)
    material_jitter: float = 0.0
    blur_px: float = 0.0  # Gaussian blur (px) on top of the sensor's own (0.5 px)

    def __post_init__(self) -> None:
        _check(_is_int(self.size_px) and self.size_px >= 64, "size_px", self.size_px,
               "an integer >= 64")
        _check(math.isfinite(self.pixel_size_m) and 0.05 <= self.pixel_size_m <= 10.0,
               "pixel_size_m", self.pixel_size_m, "between 0.05 and 10")
        _check(_is_int(self.bands) and self.bands in BANDS_ALLOWED, "bands", self.bands,
               f"one of {BANDS_ALLOWED}")
        _check(self.dtype in DTYPES, "dtype", self.dtype, f"one of {DTYPES}")
        _check(self.style in STYLES, "style", self.style, f"one of {STYLES}")
        _check(self.road_count is None or (_is_int(self.road_count)
                                           and 1 <= self.road_count <= 200),
               "road_count", self.road_count, "None or an integer from 1 to 200")
        widths = self.road_width_m
        _check(len(widths) == 2 and 0.5 <= widths[0] <= widths[1] <= 60.0, "road_width_m",
               widths, "(min, max) with 0.5 <= min <= max <= 60")
        extent_m = self.size_px * self.pixel_size_m
        _check(widths[1] <= _MAX_WIDTH_SHARE * extent_m, "road_width_m", widths,
               f"at most {_MAX_WIDTH_SHARE} x the scene's side ({extent_m:g} m) wide")
        for name in ("tree_density", "building_density"):
            value = getattr(self, name)
            _check(value is None or 0.0 <= value <= 1.0, name, value, "None or within [0, 1]")
        _check(0.0 <= self.shadow_strength <= 1.0, "shadow_strength", self.shadow_strength,
               "within [0, 1]")
        _check(_is_int(self.nodata_border_px)
               and 0 <= self.nodata_border_px <= self.size_px // 4,
               "nodata_border_px", self.nodata_border_px, f"an integer from 0 to size_px // 4 "
               f"= {self.size_px // 4}")
        _check(_is_projected_epsg(self.crs_epsg), "crs_epsg", self.crs_epsg,
               "the EPSG code of a projected CRS")
        _check(len(self.origin_xy) == 2 and all(math.isfinite(v) for v in self.origin_xy),
               "origin_xy", self.origin_xy, "two finite map coordinates (x, y)")
        _check(0.0 < self.aoi_fraction <= 1.0, "aoi_fraction", self.aoi_fraction,
               "within (0, 1]")
        _check(0.0 <= self.paved_share <= 1.0, "paved_share", self.paved_share,
               "within [0, 1]")
        _check(0.0 <= self.material_jitter <= 1.0, "material_jitter", self.material_jitter,
               "within [0, 1]")
        _check(0.0 <= self.blur_px <= 5.0, "blur_px", self.blur_px, "within [0, 5]")

    @property
    def preset(self) -> StylePreset:
        """The preset of this config's style."""
        return preset_for(self.style)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain JSON-compatible values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SceneConfig:
        """Build a config from :meth:`to_dict` output (lists become tuples)."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise BadInputError(f"SceneConfig has no fields {unknown}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)
