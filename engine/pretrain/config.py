"""Configuration of pretraining on generated scenes: PretrainConfig and its profiles."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import BadInputError
from ..synth.config import STYLES

__all__ = ["PretrainConfig", "RealImage", "PRETRAIN_PROFILES", "pretrain_profile"]

#: Band counts base models are made for: panchromatic and RGB renderings of the scenes.
PRETRAIN_BANDS = (1, 3)


def _check(condition: bool, name: str, value: Any, allowed: str) -> None:
    if not condition:
        raise BadInputError(f"pretrain {name}={value!r} is invalid: {allowed}")


def _is_range(value: Any, low: float, high: float) -> bool:
    return (len(value) == 2 and all(math.isfinite(v) for v in value)
            and low <= value[0] <= value[1] <= high)


@dataclass(frozen=True)
class RealImage:
    """A real raster with road labels drawn on it, mixed into the generated scenes.

    Never give the labels of an image the base model will be scored on.
    """

    image: str  # raster with the base model's band count
    roads: str  # road centerlines (buffered by their ``width`` field, else 6 m) or polygons
    aoi: str | None = None  # the labelled area; outside it only road pixels are labels

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every field."""
        return asdict(self)


@dataclass(frozen=True)
class PretrainConfig:
    """The generated scenes a base model learns from and how long; lengths in metres.

    The network, batch, crop, learning rate and augmentation come from the
    :class:`~engine.config.TrainConfig` of the profile, as for ``train``.
    """

    bands: int = 3  # 1 = panchromatic rendering of the scenes, 3 = RGB
    steps: int = 20_000  # optimiser steps in all
    chunk_steps: int = 2000  # steps on one chunk of new scenes; the model is written after each
    scenes_per_chunk: int = 64  # scenes generated for each chunk
    scene_px: int = 512  # side of each generated scene
    styles: tuple[str, ...] = STYLES  # scene styles drawn from (engine.synth's presets)
    pixel_size_m: tuple[float, float] = (0.3, 1.0)  # pixel sizes, drawn log-uniformly
    road_width_m: tuple[float, float] = (3.0, 14.0)  # a scene's width range is drawn in this
    tree_density: tuple[float, float] = (0.0, 0.4)  # share of a scene under tree crowns
    shadow_strength: tuple[float, float] = (0.2, 0.9)  # darkness of cast shadows
    # share of ground parcels paved as car parks and yards (road surface, not road), so
    # that a grey smooth surface alone does not make a road
    paved_share: tuple[float, float] = (0.0, 0.3)
    # per-scene log-sd of the brightness of roads, ground, roofs and trees, each drawn on
    # its own (roads darker or brighter than the fields), and extra blur (px): off, since
    # (0, 0.4) and (0, 1) together did no better on real images (bench/RESULTS.md 6.1)
    material_jitter: tuple[float, float] = (0.0, 0.0)
    blur_px: tuple[float, float] = (0.0, 0.0)
    nodata_share: float = 0.3  # share of scenes with an irregular nodata border
    # each band's 0 and 1 points (its 2nd and 98th percentiles) move by up to this share
    # of their span, so the model does not rely on one exact normalisation
    norm_jitter: float = 0.1
    seed: int = 0  # seeds the scenes, the crops and the initial weights
    # Real labelled images trained on with the scenes (none: generated scenes only). Each is
    # normalised by its own jittered percentiles in every chunk, as a scene is.
    real_images: tuple[RealImage, ...] = ()
    # share of the crops drawn from the real images, when given; 1 trains on the real
    # images alone and generates no scene
    real_share: float = 0.5
    # share of the real images' labelled pixels held out, as whole tiles, to choose the
    # base model's decision threshold and to score it (not trained on)
    real_holdout: float = 0.2
    real_holdout_tile_px: int = 128  # side of those tiles

    def __post_init__(self) -> None:
        object.__setattr__(self, "real_images", tuple(
            r if isinstance(r, RealImage) else RealImage(**r) for r in self.real_images))
        object.__setattr__(self, "styles", tuple(self.styles))
        object.__setattr__(self, "pixel_size_m", tuple(self.pixel_size_m))
        object.__setattr__(self, "road_width_m", tuple(self.road_width_m))
        object.__setattr__(self, "tree_density", tuple(self.tree_density))
        object.__setattr__(self, "shadow_strength", tuple(self.shadow_strength))
        object.__setattr__(self, "paved_share", tuple(self.paved_share))
        object.__setattr__(self, "material_jitter", tuple(self.material_jitter))
        object.__setattr__(self, "blur_px", tuple(self.blur_px))
        _check(self.bands in PRETRAIN_BANDS, "bands", self.bands, f"one of {PRETRAIN_BANDS}")
        _check(self.steps >= 1, "steps", self.steps, "an integer >= 1")
        _check(self.chunk_steps >= 1, "chunk_steps", self.chunk_steps, "an integer >= 1")
        _check(self.scenes_per_chunk >= 1, "scenes_per_chunk", self.scenes_per_chunk,
               "an integer >= 1")
        _check(len(self.styles) > 0 and set(self.styles) <= set(STYLES), "styles",
               self.styles, f"one or more of {STYLES}")
        _check(self.scene_px >= 64, "scene_px", self.scene_px, "an integer >= 64")
        _check(_is_range(self.pixel_size_m, 0.05, 10.0), "pixel_size_m", self.pixel_size_m,
               "(min, max) with 0.05 <= min <= max <= 10")
        _check(_is_range(self.road_width_m, 0.5, 60.0), "road_width_m", self.road_width_m,
               "(min, max) with 0.5 <= min <= max <= 60")
        _check(_is_range(self.tree_density, 0.0, 1.0), "tree_density", self.tree_density,
               "(min, max) within [0, 1]")
        _check(_is_range(self.shadow_strength, 0.0, 1.0), "shadow_strength",
               self.shadow_strength, "(min, max) within [0, 1]")
        _check(_is_range(self.paved_share, 0.0, 1.0), "paved_share", self.paved_share,
               "(min, max) within [0, 1]")
        _check(_is_range(self.material_jitter, 0.0, 1.0), "material_jitter",
               self.material_jitter, "(min, max) within [0, 1]")
        _check(_is_range(self.blur_px, 0.0, 5.0), "blur_px", self.blur_px,
               "(min, max) within [0, 5]")
        _check(0.0 <= self.nodata_share <= 1.0, "nodata_share", self.nodata_share,
               "a fraction in [0, 1]")
        _check(0.0 <= self.norm_jitter < 0.5, "norm_jitter", self.norm_jitter,
               "a share of the band's span in [0, 0.5)")
        _check(0.0 < self.real_share <= 1.0, "real_share", self.real_share,
               "a share of the crops in (0, 1]")
        _check(self.real_share < 1.0 or bool(self.real_images), "real_share",
               self.real_share, "1 trains on real images alone, so it needs real images; "
               "give them (--real) or a share below 1")
        _check(0.0 <= self.real_holdout < 1.0, "real_holdout", self.real_holdout,
               "a share of the labelled pixels in [0, 1)")
        _check(self.real_holdout_tile_px >= 32, "real_holdout_tile_px",
               self.real_holdout_tile_px, "an integer >= 32")

    @property
    def generates_scenes(self) -> bool:
        """Whether any crop comes from generated scenes (not when ``real_share`` is 1)."""
        return self.real_share < 1.0

    @property
    def chunks(self) -> int:
        """Number of chunks: ``steps`` split into ``chunk_steps``, the last maybe shorter."""
        return math.ceil(self.steps / self.chunk_steps)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every field (ranges as lists)."""
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        data["real_images"] = [r.to_dict() for r in self.real_images]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PretrainConfig:
        """Rebuild from :meth:`to_dict`'s output, refusing unknown keys by name."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise BadInputError(f"unknown pretrain setting(s) {unknown}")
        return cls(**data)

    def updated(self, overrides: dict[str, Any]) -> PretrainConfig:
        """A copy with ``overrides`` applied (None values ignored)."""
        return PretrainConfig.from_dict({**self.to_dict(),
                                         **{k: v for k, v in overrides.items()
                                            if v is not None}})


#: Overrides of the defaults per profile, as for ``train``: "full" for a GPU, "fast" for a
#: CPU (hours rather than days; a small network, as the fast training profile).
PRETRAIN_PROFILES: dict[str, dict[str, Any]] = {
    "full": {},
    "fast": {"steps": 3000, "chunk_steps": 300, "scenes_per_chunk": 24, "scene_px": 192},
}


def pretrain_profile(name: str) -> PretrainConfig:
    """The :class:`PretrainConfig` of a named profile (a key of :data:`PRETRAIN_PROFILES`)."""
    if name not in PRETRAIN_PROFILES:
        raise BadInputError(f"unknown profile {name!r}; choose one of "
                            f"{', '.join(PRETRAIN_PROFILES)}")
    return PretrainConfig().updated(PRETRAIN_PROFILES[name])
