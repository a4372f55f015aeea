"""Pretraining a base model on generated scenes, chunk by chunk, resumable."""

from __future__ import annotations

import logging
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import TrainConfig
from ..device import resolve_device
from ..errors import ModelLoadError, OutputWriteError
from ..events import Reporter
from ..io.raster import Window
from ..labels import IGNORE
from ..model_file import load_model, read_model_file, save_model
from ..models import RoadNet, build_model
from ..normalization import BandStats
from ..training.crops import build_crop_pool
from ..training.holdout import HoldoutTile
from ..training.loop import RoundInputs, RoundStreams, train_round
from ..training.sources import slice_padded
from ..training.validate import evaluate_holdout
from .cache import chunk_scenes
from .config import PretrainConfig
from .real import RealLabelled, describe, holdout_image, load_real_images, real_scene
from .scenes import TrainingScene

__all__ = ["PretrainJob", "PretrainResult", "pretrain", "engine_commit"]

log = logging.getLogger(__name__)

#: What a base model trained on generated scenes alone has seen, in its metadata.
IMAGES_SEEN = "generated scenes only"


def images_seen(real: list[RealLabelled], *, scenes: bool = True) -> str:
    """What the base model has seen, in words, for its metadata (``scenes``: whether
    generated scenes were trained on too)."""
    if not real:
        return IMAGES_SEEN
    names = ", ".join(Path(r.source.image).name for r in real)
    seen = f"{len(real)} real labelled image(s): {names}"
    return f"generated scenes and {seen}" if scenes else seen


def pixel_sizes(config: PretrainConfig, real: list[RealLabelled], zoom: float = 0.0
                ) -> tuple[float, float]:
    """The smallest and largest pixel side (metres) the model learned at: the generated
    scenes' range, when scenes are trained on, and each real image's pixel, widened by the
    crops' scale augmentation (``zoom``: ``augment.scale``; a crop read at s x its side and
    resized shows pixels of s x the image's, s in [1 / (1 + zoom), 1 + zoom])."""
    sizes = [r.pixel_size_m for r in real if r.pixel_size_m > 0]
    if config.generates_scenes or not sizes:
        sizes += list(config.pixel_size_m)
    return min(sizes) / (1.0 + zoom), max(sizes) * (1.0 + zoom)


@dataclass(frozen=True)
class PretrainJob:
    """Where the base model goes and how the run starts."""

    out: str  # model file, written after every chunk
    resume: bool = False  # continue the run --out holds (its finished chunks kept)
    overwrite: bool = False  # replace an existing --out
    cache_dir: str | None = None  # folder that keeps the generated scenes


@dataclass(frozen=True)
class PretrainResult:
    """Outcome of a pretraining run."""

    model_path: str
    steps: int  # steps trained, over every run of this model (resumes included)
    scenes: int  # generated scenes trained on
    seconds: float  # training time, over every run of this model
    already_finished: bool  # the resumed file had every step: nothing was trained


def engine_commit() -> str | None:
    """The git commit of the engine's checkout, ``+dirty`` when engine/ has changes, or
    None outside a git checkout (an installed plugin)."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                "engine"], check=True, capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError) as err:
        log.info("no engine commit recorded: %s", err)
        return None
    return head + ("+dirty" if dirty else "")


def _previous(job: PretrainJob, config: PretrainConfig, model_config: dict[str, Any]
              ) -> dict[str, Any] | None:
    """The pretraining record of the --out to resume, checked against this run's settings."""
    out = Path(job.out)
    if not out.parent.is_dir():
        raise OutputWriteError(f"the folder of --out {str(out)!r} does not exist; create it")
    if not out.exists():
        return None
    if not job.resume:
        if job.overwrite:
            return None
        raise OutputWriteError(f"{str(out)!r} already exists; use --resume to continue that "
                               "run or --overwrite to replace it")
    _, meta = read_model_file(out)
    record = meta.get("pretrain")
    if not isinstance(record, dict):
        raise ModelLoadError(f"cannot resume {str(out)!r}: it was not made by pretrain")
    theirs = {k: v for k, v in record["settings"].items() if k != "steps"}
    ours = {k: v for k, v in config.to_dict().items() if k != "steps"}
    if theirs != ours or meta["config"]["model"] != model_config:
        raise ModelLoadError(
            f"cannot resume {str(out)!r}: it was made with settings {theirs} and model "
            f"{meta['config']['model']}, this run asks for {ours} and model {model_config}; "
            "use the same --profile, --bands and --seed (only --steps may change)")
    return record


def _metadata(config: PretrainConfig, train_config: TrainConfig, record: dict[str, Any],
              real: list[RealLabelled], verdict: dict[str, Any] | None) -> dict[str, Any]:
    bands = config.bands
    low, high = pixel_sizes(config, real, train_config.augment.scale)
    extra = {} if verdict is None else {"decision_threshold": verdict["threshold"],
                                        "holdout_metrics": verdict["metrics"]}
    return {
        "bands": {"count": bands, "dtype": "float32", "nodata": [0.0] * bands},
        # Each scene was normalised by its own statistics: so is each raster predicted.
        "normalization": BandStats((0.0,) * bands, (1.0,) * bands,
                                   train_config.norm_percentiles).to_dict(),
        "normalization_scope": "image",
        "architecture": train_config.to_dict()["model"],
        "pixel_size_m": float(np.sqrt(low * high)),
        "pixel_size_range_m": [low, high],
        "config": train_config.to_dict(),
        "pretrain": record,
        "training_data": {"images": describe(real), "unlabeled": [],
                          "images_seen": images_seen(real, scenes=config.generates_scenes)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **extra,
    }


def _reader(images: list[np.ndarray], valid: list[np.ndarray]):
    def read(source: int, window: Window) -> tuple[np.ndarray, np.ndarray]:
        return slice_padded(images[source], window, 0.0), slice_padded(valid[source], window,
                                                                       False)
    return read


def _round_inputs(scenes: list[TrainingScene], real: list[TrainingScene], seed: int,
                  real_share: float) -> RoundInputs:
    """The chunk's scenes then the real images; the real ones give ``real_share`` of the
    crops (each in proportion to its labelled pixels), the scenes the rest."""
    every = scenes + real
    labels: list[np.ndarray | None] = [s.labels for s in every]
    weights = None
    if real:
        counts = [float(np.count_nonzero(s.labels != IGNORE)) for s in every]
        made, drawn = sum(counts[:len(scenes)]), sum(counts[len(scenes):])
        weights = [c * (1 - real_share) / max(made, 1.0) for c in counts[:len(scenes)]] + \
            [c * real_share / max(drawn, 1.0) for c in counts[len(scenes):]]
    pool = build_crop_pool(labels, rng=np.random.default_rng(seed), weights=weights)
    return RoundInputs(_reader([s.image for s in every], [s.valid for s in every]), labels,
                       pool, None)


def _verdict(model: RoadNet, real: list[RealLabelled], holdout: list[HoldoutTile],
             train_config: TrainConfig, dev: torch.device) -> dict[str, Any] | None:
    """The decision threshold chosen on the real images' hold-out tiles, and the scores
    there, as ``train`` chooses a trained model's (None without a hold-out)."""
    if not holdout:
        return None
    read = _reader([holdout_image(r, train_config.norm_percentiles) for r in real],
                   [r.valid for r in real])
    result = evaluate_holdout(model, read, holdout, tile_px=train_config.predict_tile_px,
                              device=dev, rule=train_config.threshold_rule,
                              tolerance=train_config.threshold_tolerance,
                              amp=train_config.mixed_precision)
    return {"threshold": result.threshold.to_dict(), "metrics": result.metrics,
            "metrics_at_default": result.metrics_at_default,
            "holdout_labelled_pixels": int(sum(np.count_nonzero(t.labels != IGNORE)
                                               for t in holdout))}


def _start_model(job: PretrainJob, config: PretrainConfig, train_config: TrainConfig,
                 record: dict[str, Any] | None, dev: torch.device) -> RoadNet:
    if record is not None:
        model = load_model(job.out, device=dev)[0]
    else:
        model = build_model(train_config.model, config.bands, seed=config.seed).to(dev)
    if dev.type == "cuda" and train_config.channels_last:  # as train does
        model = model.to(memory_format=torch.channels_last)
    return model


def pretrain(job: PretrainJob, config: PretrainConfig, train_config: TrainConfig, *,
             device: str = "auto", reporter: Reporter | None = None) -> PretrainResult:
    """Train a base model on generated scenes and write it to ``job.out``.

    Each chunk generates ``config.scenes_per_chunk`` new randomised scenes (or reads them
    from ``job.cache_dir``) and trains ``config.chunk_steps`` steps of the supervised loss
    on them with :func:`~engine.training.loop.train_round` (its own warm-up and cosine
    decay, as a training round). ``job.out`` is written atomically after every chunk, so
    that a cancelled or killed run resumes from its last chunk.

    Parameters
    ----------
    job : PretrainJob
    config : PretrainConfig
        The scenes and the number of steps.
    train_config : TrainConfig
        The network, batch, crops, learning rate and augmentation (a ``train`` profile);
        the contrastive branch is not used.
    device : str
        ``auto``, ``cpu``, ``cuda`` or ``cuda:N``.
    reporter : Reporter, optional
        Receives progress, metric and artifact events; polled for cancel.

    Returns
    -------
    PretrainResult
    """
    reporter = reporter or Reporter()
    dev = resolve_device(device)
    train_config = train_config.updated({"contrastive": {"enabled": False}})
    record = _previous(job, config, train_config.to_dict()["model"])
    model = _start_model(job, config, train_config, record, dev)
    done = record["chunks"] if record else 0
    seconds, steps_done = (record["seconds"], record["steps"]) if record else (0.0, 0)
    if done >= config.chunks:
        assert record is not None
        return PretrainResult(job.out, steps_done, record["scenes"], seconds, True)
    made_by = {"engine_commit": engine_commit(), "device": str(dev), "machine": _machine(dev),
               "threads": torch.get_num_threads()}
    real, holdout = load_real_images(config)
    verdict = None
    for chunk in range(done, config.chunks):
        start = time.monotonic()
        stage = f"pretrain chunk {chunk + 1}/{config.chunks}"
        scenes = chunk_scenes(config, chunk, percentiles=train_config.norm_percentiles,
                              reporter=reporter, stage=f"{stage}: scenes",
                              cache_dir=job.cache_dir) if config.generates_scenes else []
        norm_rng = np.random.default_rng([config.seed, chunk, 2])
        real_scenes = [real_scene(r, jitter=config.norm_jitter,
                                  percentiles=train_config.norm_percentiles, rng=norm_rng)
                       for r in real]
        steps = min(config.chunk_steps, config.steps - chunk * config.chunk_steps)
        gen = torch.Generator().manual_seed(config.seed * 100_003 + chunk)
        streams = RoundStreams(np.random.default_rng([config.seed, chunk, 1]), gen)
        inputs = _round_inputs(scenes, real_scenes, config.seed + chunk, config.real_share)
        losses = train_round(model, None, inputs, train_config, steps=steps, device=dev,
                             streams=streams, reporter=reporter, stage=f"{stage}: training")
        if chunk + 1 == config.chunks:  # the threshold of the finished model only
            verdict = _verdict(model, real, holdout, train_config, dev)
        seconds += time.monotonic() - start
        steps_done += steps
        record = _record(config, chunk + 1, steps_done, seconds, made_by, real, verdict)
        save_model(job.out, model, _metadata(config, train_config, record, real, verdict))
        reporter.metric("loss", losses["loss"], chunk=chunk + 1)
        reporter.artifact("model", job.out, chunk=chunk + 1, steps=record["steps"])
    assert record is not None
    return PretrainResult(job.out, record["steps"], record["scenes"], seconds, False)


def _machine(dev: torch.device) -> str:
    """The machine in words (no host name: the file may be shipped)."""
    device = torch.cuda.get_device_name(dev) if dev.type == "cuda" else \
        f"CPU {platform.processor() or platform.machine()}"
    return f"{device}; {platform.platform()}; torch {torch.__version__}"


def _record(config: PretrainConfig, chunks: int, steps: int, seconds: float,
            made_by: dict[str, Any], real: list[RealLabelled],
            verdict: dict[str, Any] | None) -> dict[str, Any]:
    """How the model was made, after ``chunks`` chunks and ``steps`` steps (``made_by``:
    the engine commit, device, machine and threads of this run, found once; ``verdict``:
    the real hold-out's threshold and scores, once the last chunk is trained)."""
    return {"generator": "engine.synth", "settings": config.to_dict(), "chunks": chunks,
            "steps": steps,
            "scenes": chunks * config.scenes_per_chunk if config.generates_scenes else 0,
            "seed": config.seed,
            "images_seen": images_seen(real, scenes=config.generates_scenes),
            "real_images": describe(real),
            "holdout": verdict, "seconds": seconds, **made_by}
