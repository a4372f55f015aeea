"""Iterative rounds: train, validate, pseudo-label, select, retrain; keep the best round."""

from __future__ import annotations

import copy
import logging
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import TrainConfig
from ..device import resolve_device
from ..distributed import DistributedContext
from ..errors import BadInputError, ModelLoadError, OutputWriteError
from ..events import NullSink, Reporter
from ..io.atomic import atomic_output, copy_if_different
from ..io.paths import refuse_inputs
from ..io.raster import read_info
from ..model_file import load_model, read_model_file, save_model
from ..models import RoadNet, build_model
from ..normalization import BandStats
from ..threshold import DEFAULT_THRESHOLD
from ..tile_selection import selection_change
from .contrastive_setup import ContrastiveSetup, contrastive_setup
from .crops import build_crop_pool
from .init_weights import init_file, initial_weights
from .inputs import TrainingData, TrainJob, prepare_training_data
from .loop import RoundInputs, RoundStreams, train_round
from .pseudo import pseudo_inputs, pseudo_only
from .ranks import mean_over_ranks, round_seeds, sync_model, wrap_model
from .validate import round_verdict

__all__ = ["TrainResult", "train", "rounds_dir"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainResult:
    """Outcome of a training run."""

    model_path: str
    best_round: int
    rounds: list[dict[str, Any]]
    stop_reason: str
    init_model: str | None = None  # the model file the first round started from, if any


def rounds_dir(out: str | Path) -> Path:
    """Folder beside the model file that keeps every finished round (for resume)."""
    out = Path(out)
    return out.with_name(out.name + ".rounds")


def _round_path(out: str, index: int) -> Path:
    return rounds_dir(out) / f"round_{index + 1:03d}.pt"


def _round_files(out: str | Path) -> list[Path]:
    """The finished rounds kept for ``out``, in order."""
    return sorted(rounds_dir(out).glob("round_*.pt"))


def _staged_dir(out: str | Path) -> Path:
    """Where an --overwrite run puts its first round while the earlier run's rounds stay."""
    out = Path(out)
    return out.with_name(f".{out.name}.rounds.new")


def _retired_dir(out: str | Path) -> Path:
    """The earlier run's rounds folder while the staged one takes its name."""
    out = Path(out)
    return out.with_name(f".{out.name}.rounds.old")


def _replace_rounds(out: str | Path) -> None:
    """Make the staged folder (the first round of an --overwrite run) the rounds folder, in
    place of the earlier run's; :func:`_finish_replacing` repairs a run killed meanwhile."""
    rdir, staged, retired = rounds_dir(out), _staged_dir(out), _retired_dir(out)
    try:
        rdir.rename(retired)
        staged.rename(rdir)
        shutil.rmtree(retired)
    except OSError as err:
        raise OutputWriteError(f"cannot replace the rounds folder {str(rdir)!r} by this run's "
                               f"first round: {err.strerror}") from err


def _finish_replacing(out: str | Path) -> None:
    """Leave one consistent rounds folder after a run killed while replacing the earlier
    run's: the replacement counts once the new folder has the name, not before."""
    rdir, staged, retired = rounds_dir(out), _staged_dir(out), _retired_dir(out)
    if retired.exists() and not rdir.exists():
        log.info("restoring the rounds of the earlier run: %s", rdir)
        retired.rename(rdir)  # killed between the two renames
    for left in (retired, staged):  # an earlier run's replaced rounds; a round never in place
        if left.exists():
            log.info("removing %s, left by a run that was stopped", left)
            shutil.rmtree(left)


def _check_output(job: TrainJob) -> None:
    out = Path(job.out)
    if not out.parent.is_dir():
        raise OutputWriteError(f"the folder of --out {str(out)!r} does not exist; create it")
    refuse_inputs({"--out": job.out}, {"--image": job.images, "--unlabeled": job.unlabeled,
                                       "--roads": job.roads, "--aoi": job.aoi,
                                       "--background": job.background,
                                       "--init": init_file(job.init_model)})
    rdir = rounds_dir(out)
    try:
        _finish_replacing(out)
    except OSError as err:
        raise OutputWriteError(f"cannot tidy the rounds folder of {str(out)!r}: "
                               f"{err.strerror} ({err.filename})") from err
    if not job.resume and not job.overwrite and (out.exists() or _round_files(out)):
        raise OutputWriteError(f"{str(out)!r} or its rounds folder already exists; use "
                               "--resume to continue that run or --overwrite to replace it")
    if job.resume and not job.overwrite and out.exists() and not _round_files(out):
        raise OutputWriteError(
            f"--resume: {str(out)!r} exists but {str(rdir)!r} holds no finished round to "
            "continue from (its run stopped before finishing one, or they were removed); "
            "start a new run with --overwrite (it replaces the model), or choose another --out")
    try:
        rdir.mkdir(exist_ok=True)
        with atomic_output(str(rdir / ".write-test"), overwrite=True, suffix=".tmp") as tmp:
            Path(tmp).write_bytes(b"ok")  # fails now, not after hours of training
        (rdir / ".write-test").unlink()
    except OSError as err:
        raise OutputWriteError(f"cannot write next to {str(out)!r}: {err.strerror}") from err
    # With --overwrite the earlier run's rounds stay until this run has finished a round of
    # its own (_write_round): a run stopped before that leaves the earlier run whole.


def _resume_state(job: TrainJob, config: TrainConfig) -> dict[str, Any] | None:
    files = _round_files(job.out)
    if not job.resume or not files:
        return None
    _, meta = read_model_file(files[-1])
    if meta["config"]["model"] != config.to_dict()["model"]:
        raise ModelLoadError(f"cannot resume {str(files[-1])!r}: it was trained with model "
                             f"{meta['config']['model']}, this run asks for "
                             f"{config.to_dict()['model']}; use the same profile/config")
    return {"path": files[-1], "meta": meta}


def _say_resume(reporter: Reporter, out: str, resume: dict[str, Any] | None) -> None:
    """Say what --resume continues from: a progress event with ``resume_from`` (the round
    file, or None for a new run) and ``resume_round``, which the CLI prints too."""
    if resume is None:  # nothing of --out exists (_check_output refuses a lone model)
        reporter.progress(f"--resume: no finished round of {out}; starting a new run", 1, 1,
                          resume_from=None, resume_round=None)
        return
    number = int(resume["meta"].get("round", len(resume["meta"]["rounds"])))
    reporter.progress(f"resuming from round {number}: {resume['path']}", 1, 1,
                      resume_from=str(resume["path"]), resume_round=number)


def _metadata(data: TrainingData, config: TrainConfig, job: TrainJob, history: list,
              best: int, round_index: int, selected: set) -> dict[str, Any]:
    first = data.infos[0]
    return {
        "bands": {"count": first.band_count, "dtype": first.dtype, "nodata": list(first.nodata)},
        "normalization": data.stats.to_dict(),
        "architecture": config.to_dict()["model"],
        "pixel_size_m": first.pixel_size_m,
        "pixel_size": list(first.pixel_size),
        "crs_wkt": first.crs_wkt,
        "config": config.to_dict(),
        "rounds": history,
        "best_round": best + 1,
        "round": round_index + 1,
        # The threshold of this file's weights; --out is a copy of the best round's file.
        "decision_threshold": history[round_index]["threshold"],
        "selected_tiles": sorted(list(k) for k in selected),
        "holdout": [{"image": data.infos[t.source].path,
                     "window": [t.window.row_off, t.window.col_off, t.window.rows,
                                t.window.cols]} for t in data.holdout],
        # the hold-out's tile size and share (engine.training.holdout.choose_holdout);
        # tile_px None: no hold-out, the threshold is from the training labels
        "holdout_split": data.holdout_split,
        "training_data": {"images": list(job.images), "unlabeled": list(job.unlabeled),
                          "roads": job.roads, "aoi": job.aoi, "background": job.background},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **job.extra,
    }


def _is_better(metrics: dict[str, float], best: dict[str, float] | None) -> bool:
    iou = metrics["iou"] if np.isfinite(metrics["iou"]) else -1.0
    return best is None or iou > (best["iou"] if np.isfinite(best["iou"]) else -1.0)


@dataclass
class _RunState:
    """What carries from one round to the next (and through a resume)."""

    history: list[dict[str, Any]]
    best: int  # 0-based index of the best round so far, -1 before any
    selected: set  # keys of the pseudo-labeled tiles of the last round

    @classmethod
    def from_metadata(cls, meta: dict[str, Any] | None) -> _RunState:
        if meta is None:
            return cls([], -1, set())
        return cls(list(meta["rounds"]), int(meta["best_round"]) - 1,
                   {tuple(k) for k in meta["selected_tiles"]})


def _start(job: TrainJob, config: TrainConfig, dev: torch.device, reporter: Reporter
           ) -> tuple[TrainConfig, TrainJob, TrainingData, RoadNet, _RunState]:
    """Load the data and the starting weights: new, resumed, or fine-tuned from --init
    (the config returned has the --init model's architecture; the job returned records
    the --init model it resolved to)."""
    resume = _resume_state(job, config)
    if job.resume:
        _say_resume(reporter, job.out, resume)
    stats, init = None, None
    if resume is not None:
        stats = BandStats.from_dict(resume["meta"]["normalization"])
        job = replace(job, extra={**job.extra, "init_model": resume["meta"].get("init_model")})
    elif job.init_model:
        init = initial_weights(job.init_model, config.model, reporter=reporter,
                               bands=read_info(job.images[0]).band_count)
        stats = init.stats if init is not None else None
        job = replace(job, extra={**job.extra, "init_model": init.path if init else None})
        if init is not None:
            config = config.updated({"model": asdict(init.model)})
    data = prepare_training_data(job, config, reporter=reporter, stats=stats)
    bands = data.infos[0].band_count
    if resume is not None and resume["meta"]["bands"]["count"] != bands:
        raise ModelLoadError(f"cannot resume: {str(resume['path'])!r} has "
                             f"{resume['meta']['bands']['count']} band(s), the rasters {bands}")
    if resume is not None:
        model, _ = load_model(resume["path"], device=dev)
    else:
        model = build_model(config.model, in_channels=bands, seed=config.seed)
        if init is not None:
            model.load_state_dict(init.state)
        model = model.to(dev)
    if dev.type == "cuda" and config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    return config, job, data, model, _RunState.from_metadata(resume["meta"] if resume else None)


@dataclass
class _Nets:
    """The network, the same network as the steps see it (DDP-wrapped), the EMA teacher."""

    model: RoadNet  # validated, pseudo-labels, saved
    step: torch.nn.Module  # ``model`` itself, or in DistributedDataParallel
    teacher: RoadNet | None  # the un-wrapped EMA copy (soft negatives), else None
    contrastive: ContrastiveSetup  # where the pairs go and the weight's scale


def _current_threshold(state: _RunState) -> float:
    """The decision threshold of the weights the next round starts from."""
    if not state.history:
        return DEFAULT_THRESHOLD
    return float(state.history[-1].get("threshold", {}).get("value", DEFAULT_THRESHOLD))


def _train_one_round(r: int, nets: _Nets, data: TrainingData, config: TrainConfig,
                     state: _RunState, dev: torch.device, reporter: Reporter,
                     dist: DistributedContext) -> dict[str, Any]:
    """Pseudo-label (from round 2), train, validate; return the round's record."""
    t0 = time.monotonic()
    seeds = round_seeds(config.seed, r, dist)
    labels, pseudo_pool, pseudo = data.train_labels, None, None
    if r > 0 and config.pseudo.enabled:
        pseudo = pseudo_inputs(nets.model, data, config, r, dev, reporter, seeds, dist,
                               decision_threshold=_current_threshold(state))
        labels = pseudo.labels
        pseudo_pool = build_crop_pool(pseudo_only(labels, data.human), rng=seeds.rng("crops"))
    human_pool = build_crop_pool(data.train_labels, rng=np.random.default_rng(config.seed))
    t_pseudo = time.monotonic() - t0
    setup = nets.contrastive
    inputs = RoundInputs(data.read, labels, human_pool, pseudo_pool, setup.sites, setup.scale)
    streams = RoundStreams(seeds.rng("crops"), seeds.torch_generator("train_torch"),
                           seeds.rng("pairs"), seeds.torch_generator("pairs_torch"))
    losses = train_round(nets.step, nets.teacher, inputs, config, steps=config.steps_per_round,
                         device=dev, streams=streams, reporter=reporter,
                         stage=f"round {r + 1}: training", round_index=r, dist=dist)
    losses = mean_over_ranks(losses, dist)
    sync_model(nets.model, dist)
    reporter.progress(f"round {r + 1}: validation", 0, 1)
    # Rank 0 validates every hold-out tile and sends the scores: the others hold the same
    # weights and would find the same numbers, but sending them makes the decisions that
    # follow (best round, stop) identical by construction rather than by float luck.
    verdict = dist.broadcast_object(dist.run_on_main(lambda: round_verdict(
        nets.model, data, config, dev)))
    new_sel = pseudo.selected if pseudo is not None else set()
    change = selection_change(state.selected, new_sel)
    state.selected = new_sel
    return {"round": r + 1, "metrics": verdict["metrics"], "threshold": verdict["threshold"],
            "metrics_at_0.5": verdict["metrics_at_default"], "losses": losses,
            # without a hold-out: scores on the training labels (metrics is empty)
            "training_fit": verdict.get("training_fit"),
            "contrastive_weight": config.contrastive.weight * setup.scale
            if setup.sites is not None and config.contrastive.on_in_round(r) else 0.0,
            "pseudo_tiles": len(new_sel),
            "candidate_tiles": pseudo.candidates if pseudo is not None else 0,
            "pseudo_thresholds": pseudo.thresholds if pseudo is not None else None,
            "pseudo": pseudo.diagnostics if pseudo is not None else None,
            "keep_fraction": config.pseudo.keep_fraction(r) if r > 0 else 0.0,
            "selection_change": change if r > 1 else None,
            "pseudo_seconds": t_pseudo if pseudo is not None else 0.0,
            "seconds": time.monotonic() - t0, "device": str(dev)}


def _save_round(r: int, entry: dict[str, Any], model: RoadNet, data: TrainingData,
                config: TrainConfig, job: TrainJob, state: _RunState, reporter: Reporter,
                dist: DistributedContext) -> None:
    """Keep the round's model, and copy it to --out when it is the best so far.

    Every process keeps the record; rank 0 alone writes the files and the events.
    """
    previous_best = state.history[state.best]["metrics"] if state.best >= 0 else None
    # Without a hold-out (no validation score) the last round is kept.
    improved = not entry["metrics"] or _is_better(entry["metrics"], previous_best)
    state.history.append(entry)
    if improved:
        state.best = r
    meta = _metadata(data, config, job, state.history, state.best, r, state.selected)
    dist.run_on_main(lambda: _write_round(r, entry, model, meta, job, improved, reporter))


def _write_round(r: int, entry: dict[str, Any], model: RoadNet, meta: dict[str, Any],
                 job: TrainJob, improved: bool, reporter: Reporter) -> None:
    path = _round_path(job.out, r)
    if r == 0 and _round_files(job.out):  # --overwrite: the earlier run's rounds go now
        _staged_dir(job.out).mkdir(exist_ok=True)
        save_model(_staged_dir(job.out) / path.name, model, meta)
        _replace_rounds(job.out)
    else:
        save_model(path, model, meta)
    reporter.artifact("round_model", str(path), round=r + 1)
    for name, value in {**entry["metrics"], **entry["losses"]}.items():
        reporter.metric(name, value, round=r + 1)
    if improved:
        with atomic_output(job.out, overwrite=True, suffix=".pt") as tmp:
            shutil.copyfile(path, tmp)
        reporter.artifact("model", job.out, round=r + 1)


def _stop_reason(r: int, entry: dict[str, Any], config: TrainConfig,
                 state: _RunState) -> str | None:
    """Why to stop after round ``r`` (0-based), or None to go on."""
    if r + 1 >= config.max_rounds:
        return "max_rounds"
    if r - state.best >= config.patience_rounds:
        return "validation IoU stopped improving"
    change = entry["selection_change"]
    if change is not None and change < config.min_selection_change:
        return "pseudo-label selection stopped changing"
    return None


def train(job: TrainJob, config: TrainConfig, *, device: str = "auto",
          reporter: Reporter | None = None,
          dist: DistributedContext | None = None) -> TrainResult:
    """Train the semi-supervised road model in rounds and write the best one to ``job.out``.

    Parameters
    ----------
    job : TrainJob
        Inputs and output.
    config : TrainConfig
        Every training setting.
    device : str
        ``auto``, ``cpu``, ``cuda`` or ``cuda:N`` (this process's device).
    reporter : Reporter, optional
        Receives progress, metric, artifact and warning events and polls for cancel.
    dist : DistributedContext, optional
        This process's place in a multi-process run (in a joined process group): the
        model is wrapped in DistributedDataParallel, each rank draws its own crops,
        pseudo-label scoring is split, rank 0 alone writes and reports. One process
        when omitted.

    Returns
    -------
    TrainResult
    """
    dist = dist if dist is not None else DistributedContext()
    reporter = reporter or Reporter()
    if not dist.is_main:
        reporter = Reporter(NullSink(), should_stop=reporter.should_stop)
    dev = resolve_device(device)
    dist.run_on_main(lambda: _check_output(job))
    config, job, data, model, state = _start(job, config, dev, reporter)
    soft = config.contrastive.enabled and config.contrastive.negatives_mode == "soft"
    teacher = copy.deepcopy(model).requires_grad_(False).eval() if soft else None
    setup = contrastive_setup(data, config, reporter)
    if job.unlabeled and not (config.contrastive.enabled or config.pseudo.enabled):
        names = ", ".join(Path(p).name for p in job.unlabeled[:3]) + \
            (f" and {len(job.unlabeled) - 3} more" if len(job.unlabeled) > 3 else "")
        reporter.warning(f"the {len(job.unlabeled)} unlabeled raster(s) are not trained on "
                         f"({names}): the semi-supervised branches are off (turn the "
                         "pseudo-labels on with --semi-supervised, or pseudo.enabled or "
                         "contrastive.enabled in a config file)")
    nets = _Nets(model, wrap_model(model, dist, dev, config=config,
                                   branch_on=setup.sites is not None), teacher, setup)
    stop_reason = "already finished" if len(state.history) >= config.max_rounds else None
    for r in range(len(state.history), config.max_rounds):
        entry = _train_one_round(r, nets, data, config, state, dev, reporter, dist)
        _save_round(r, entry, model, data, config, job, state, reporter, dist)
        stop_reason = _stop_reason(r, entry, config, state)
        if stop_reason is not None:
            break
    if state.best < 0:
        raise BadInputError("no round was trained; raise --rounds")
    # --out is the best round's file; a resume restores it if the copy was lost or is stale.
    best_file = str(_round_path(job.out, state.best))
    if dist.run_on_main(lambda: copy_if_different(best_file, job.out)):
        reporter.artifact("model", job.out, round=state.best + 1)
    return TrainResult(job.out, state.best + 1, state.history, stop_reason or "max_rounds",
                       job.extra.get("init_model"))
