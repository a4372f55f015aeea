"""Synthetic aerial scenes with known roads, for tests and benchmarks."""

from engine.synth.config import SceneConfig
from engine.synth.scene import Scene, generate_scene, nodata_value
from engine.synth.writer import SCENE_FILES, TRUTH_NODATA, aoi_polygon, write_scene

__all__ = [
    "SCENE_FILES",
    "TRUTH_NODATA",
    "Scene",
    "SceneConfig",
    "aoi_polygon",
    "generate_scene",
    "nodata_value",
    "write_scene",
]
