"""The scenes of one pretraining chunk: generated on the fly, or kept in a cache folder."""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from .. import __version__
from ..events import Reporter
from ..io.atomic import atomic_output
from .config import PretrainConfig
from .scenes import TrainingScene, scene_rng, training_scene

__all__ = ["generator_digest", "scene_key", "chunk_scenes"]

log = logging.getLogger(__name__)

#: Settings that do not change any one generated scene (how many are drawn and trained on,
#: and the real images trained on beside them).
_NOT_SCENE_KEYS = ("steps", "chunk_steps", "scenes_per_chunk", "real_images", "real_share",
                  "real_holdout", "real_holdout_tile_px")


#: The code that draws and renders a scene: a change to any of it changes the scenes.
GENERATOR_SOURCES = (Path(__file__).resolve().parents[1] / "synth",
                     Path(__file__).resolve().parent / "scenes.py")


def generator_digest(sources: tuple[Path, ...] = GENERATOR_SOURCES) -> str:
    """A digest of the generator's source files (a folder counts with every ``.py`` in it),
    so that a cache of scenes drawn by other code is never read."""
    files = sorted(f for s in sources for f in ([s] if s.is_file() else s.rglob("*.py")))
    digest = hashlib.sha1()
    for f in files:
        digest.update(f.name.encode("utf-8"))
        digest.update(f.read_bytes())
    return digest.hexdigest()


def scene_key(config: PretrainConfig, percentiles: tuple[float, float], *,
              generator: str | None = None) -> str:
    """A short digest of everything that shapes a scene: a cache made with other settings,
    another engine version or other generator code (``generator``, by default
    :func:`generator_digest`) is never read."""
    settings = {k: v for k, v in config.to_dict().items() if k not in _NOT_SCENE_KEYS}
    text = json.dumps({"settings": settings, "percentiles": list(percentiles),
                       "engine": __version__,
                       "generator": generator if generator is not None else
                       generator_digest()}, sort_keys=True)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _read(path: Path) -> TrainingScene | None:
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return TrainingScene(data["image"], data["labels"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as err:
        log.warning("cached scene %s is unreadable (%s); generating it again", path, err)
        return None


def _write(path: Path, scene: TrainingScene) -> None:
    with atomic_output(str(path), overwrite=True, suffix=".npz") as tmp:
        np.savez(tmp, image=scene.image, labels=scene.labels)


def chunk_scenes(config: PretrainConfig, chunk: int, *, percentiles: tuple[float, float],
                 reporter: Reporter, stage: str,
                 cache_dir: str | Path | None = None) -> list[TrainingScene]:
    """The ``config.scenes_per_chunk`` scenes of chunk ``chunk`` (0-based).

    Scene ``i`` of a chunk is the same on every run with the same settings, whether it
    is generated or read back from ``cache_dir/<settings digest>/``.

    Parameters
    ----------
    config : PretrainConfig
    chunk : int
    percentiles : (float, float)
        Percentiles each scene's normalisation starts from.
    reporter : Reporter
        Receives one progress event per scene; polled for cancel.
    stage : str
        Name of the progress stage.
    cache_dir : str or Path, optional
        Folder that keeps the scenes (created); None generates them in memory only.
    """
    folder = None
    if cache_dir is not None:
        folder = Path(cache_dir) / scene_key(config, percentiles)
        folder.mkdir(parents=True, exist_ok=True)
    scenes = []
    for index in range(config.scenes_per_chunk):
        reporter.check_cancelled()
        path = folder / f"chunk{chunk:05d}_scene{index:04d}.npz" if folder else None
        scene = _read(path) if path is not None else None
        if scene is None:
            scene = training_scene(config, percentiles=percentiles,
                                   rng=scene_rng(config, chunk, index))
            if path is not None:
                _write(path, scene)
        scenes.append(scene)
        reporter.progress(stage, index + 1, config.scenes_per_chunk)
    return scenes
