"""Check and load what a training run needs: rasters, labels, statistics, hold-out."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..config import TrainConfig
from ..errors import BadInputError, LabelsOutsideRasterError, RasterReadError
from ..events import Reporter
from ..io.raster import RasterInfo, Window, open_raster, raster_is_all_nodata, read_info
from ..labels import BACKGROUND, IGNORE, ROAD, LabelSources, count_labels, rasterize_labels
from ..normalization import BandStats, compute_band_stats
from .holdout import HoldoutChoice, HoldoutTile, choose_holdout, labeled_tiles
from .sources import RasterSource

__all__ = ["TrainJob", "TrainingData", "prepare_training_data", "read_rasters"]


@dataclass(frozen=True)
class TrainJob:
    """What the user asked to train on, and where the model goes."""

    images: tuple[str, ...]  # labeled rasters (labels are drawn over them)
    roads: str  # road lines or polygons
    out: str  # model file to write
    aoi: str | None = None  # labeled-area polygons
    background: str | None = None  # background polygons
    unlabeled: tuple[str, ...] = ()  # extra rasters for the unlabeled branches
    width_field: str | None = "width"  # per-line road width in metres, when present
    resume: bool = False  # continue from the last finished round of this --out
    overwrite: bool = False  # replace an existing --out
    init_model: str | None = None  # weights to fine-tune from
    extra: dict = field(default_factory=dict)  # free-form notes stored in the model
    # raster path -> 0/1 road mask on its grid (255 nodata): a reference used only to
    # score each round's pseudo-labels in its record (benchmarks); never trained on
    diagnostic_truth: dict = field(default_factory=dict)


@dataclass
class TrainingData:
    """Everything the rounds need, loaded once."""

    infos: list[RasterInfo]  # labeled rasters first, then unlabeled
    sources: list[RasterSource]
    stats: BandStats
    human: list[np.ndarray | None]  # human labels (incl. hold-out) per raster, None if none
    train_labels: list[np.ndarray | None]  # human labels minus the hold-out
    holdout: list[HoldoutTile]  # empty: the labels were too few to hold any out
    truth: list[np.ndarray | None] = field(default_factory=list)  # job.diagnostic_truth
    # how the hold-out was chosen (HoldoutChoice.to_dict), recorded in the model
    holdout_split: dict = field(default_factory=dict)
    # without a hold-out, the labeled tiles (training labels) the threshold is calibrated on
    fit_tiles: list[HoldoutTile] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.truth:
            self.truth = [None] * len(self.sources)

    def read(self, source: int, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Normalised image and valid mask of a window of raster ``source``."""
        return self.sources[source].read(window)


def read_rasters(paths: list[str]) -> list[RasterInfo]:
    """Read and check every raster: readable, with a CRS, not all nodata, same band count."""
    infos = [read_info(p) for p in paths]
    for info in infos:
        ds = open_raster(info.path)
        if raster_is_all_nodata(ds):
            raise RasterReadError(f"raster {info.path!r} holds only nodata pixels; "
                                  "choose a raster with image data")
    first = infos[0]
    for info in infos[1:]:
        if info.band_count != first.band_count:
            raise BadInputError(
                f"rasters must have the same bands: {first.path!r} has {first.band_count}, "
                f"{info.path!r} has {info.band_count}")
    return infos


def _labels_per_raster(job: TrainJob, infos: list[RasterInfo], road_width_m: float,
                       reporter: Reporter) -> list[np.ndarray | None]:
    sources = LabelSources(roads=job.roads, aoi=job.aoi, background=job.background,
                           road_width_m=road_width_m, width_field=job.width_field)
    labels: list[np.ndarray | None] = []
    outside: list[LabelsOutsideRasterError] = []
    for info in infos:
        try:
            labels.append(rasterize_labels(info, sources))
        except LabelsOutsideRasterError as err:
            # With several labeled rasters, labels may cover only some of them.
            outside.append(err)
            labels.append(None)
            reporter.warning(f"no label falls on {info.path}; it is used as unlabeled imagery")
    if len(outside) == len(infos):
        raise outside[0]
    return labels


def _check_label_counts(labels: list[np.ndarray | None], job: TrainJob) -> None:
    counts = [count_labels(lab) for lab in labels if lab is not None]
    if sum(c.road for c in counts) == 0:
        raise BadInputError(f"no road pixel: the road labels in {job.roads!r} cover no valid "
                            "pixel of the rasters; draw roads over the imagery")
    if sum(c.background for c in counts) == 0:
        raise BadInputError("no background pixel: give a labeled area (--aoi) or background "
                            "polygons (--background) so the model sees what is not road")


def _read_truth(job: TrainJob, infos: list[RasterInfo]) -> list[np.ndarray | None]:
    """The diagnostic reference of each raster, as ROAD / BACKGROUND / IGNORE labels."""
    from ..io.probability import read_probability

    by_path = {os.path.realpath(k): v for k, v in job.diagnostic_truth.items()}
    out: list[np.ndarray | None] = []
    for info in infos:
        path = by_path.get(os.path.realpath(info.path))
        if path is None:
            out.append(None)
            continue
        prob, valid = read_probability(read_info(path))
        if prob.shape != (info.height, info.width):
            raise BadInputError(f"diagnostic truth {path!r} is {prob.shape[1]} x {prob.shape[0]}"
                                f" px, the raster {info.path!r} {info.width} x {info.height}")
        labels = np.where(prob >= 0.5, ROAD, BACKGROUND).astype(np.uint8)
        labels[~valid] = IGNORE
        out.append(labels)
    return out


def prepare_training_data(job: TrainJob, config: TrainConfig, *, reporter: Reporter,
                          stats: BandStats | None = None) -> TrainingData:
    """Validate the inputs and load labels, statistics, hold-out and readers.

    Parameters
    ----------
    job : TrainJob
    config : TrainConfig
    reporter : Reporter
        Receives warnings.
    stats : BandStats, optional
        Statistics to reuse (a resumed or fine-tuned model's); computed when omitted.
    """
    if not job.images:
        raise BadInputError("give at least one labeled raster (--image)")
    infos = read_rasters(list(job.images) + list(job.unlabeled))
    human = _labels_per_raster(job, infos[:len(job.images)], config.road_width_m, reporter)
    _check_label_counts(human, job)
    # Independent streams: the statistics sample every raster, unlabeled ones included, and
    # must not move the hold-out, which depends on the labels and the seed alone (else a
    # semi-supervised run would hold out, and train on, other labels than a supervised one).
    stats_rng, holdout_rng = (np.random.default_rng(s)
                              for s in np.random.SeedSequence(config.seed).spawn(2))
    if stats is None:
        stats = compute_band_stats([i.path for i in infos], percentiles=config.norm_percentiles,
                                   sample_size=config.norm_sample_px, rng=stats_rng)
    elif len(stats.low) != infos[0].band_count:
        raise BadInputError(f"the model expects {len(stats.low)} band(s) but the rasters have "
                            f"{infos[0].band_count}; use rasters like the model's training data")
    labeled = [lab for lab in human if lab is not None]
    choice = choose_holdout(labeled, tile_px=config.val_tile_px, fraction=config.val_fraction,
                            rng=holdout_rng)
    _report_holdout(choice, reporter)
    index = [i for i, lab in enumerate(human) if lab is not None]
    holdout = [HoldoutTile(index[t.source], t.window, t.labels) for t in choice.tiles]
    fit_tiles = [] if holdout else [
        HoldoutTile(index[t.source], t.window, t.labels)
        for t in labeled_tiles(choice.train, config.val_tile_px)]
    train_labels: list[np.ndarray | None] = [None] * len(infos)
    for i, lab in zip(index, choice.train, strict=True):
        train_labels[i] = lab
    human_all = human + [None] * len(job.unlabeled)
    sources = [RasterSource(info, stats) for info in infos]
    return TrainingData(infos, sources, stats, human_all, train_labels, holdout,
                        _read_truth(job, infos), choice.to_dict(), fit_tiles)


def _report_holdout(choice: HoldoutChoice, reporter: Reporter) -> None:
    """Say so when the hold-out is not the configured one, or when there is none."""
    asked = f"{choice.asked_fraction:.0%} in {choice.asked_tile_px} px tiles"
    if not choice.fitted:
        return
    if not choice.tiles:
        reporter.warning(
            "no hold-out: the labels are too few to hold out validation tiles (" + asked +
            ", or smaller) and still train on road and background, so training uses all of "
            "them. The decision threshold is calibrated on the training labels, which the "
            "model has seen, so it may suit new imagery less well; rounds are not validated "
            "and the last round is kept. Label more road, over a larger area, for a "
            "validated model")
    else:
        reporter.warning(
            f"the configured hold-out ({asked}, road tiles first) would leave no road or no "
            f"background to train on: validation holds out {len(choice.tiles)} tile(s) of "
            f"{choice.tile_px} px instead, {choice.held_share:.0%} of the labeled pixels and "
            f"{choice.held_road_share:.0%} of the road")
