"""Training configuration: frozen dataclasses with documented defaults, and the profiles."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from .config_types import checked_value, field_types, wrong_type
from .errors import BadInputError
from .io.paths import check_input_file

__all__ = [
    "ModelConfig",
    "AugmentConfig",
    "ContrastiveConfig",
    "PseudoLabelConfig",
    "TrainConfig",
    "PROFILES",
    "profile_config",
    "load_config_file",
]

T = TypeVar("T")


def _check(condition: bool, name: str, value: Any, allowed: str) -> None:
    if not condition:
        raise BadInputError(f"configuration {name}={value!r} is invalid: {allowed}")


def _from_dict(cls: type[T], data: dict[str, Any], prefix: str = "") -> T:
    """Build a (nested) config dataclass from a dict, rejecting unknown keys by name and
    values of the wrong type by key, value and the type the field's annotation asks for."""
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise BadInputError(
            f"unknown configuration key(s) {', '.join(prefix + k for k in unknown)}; "
            f"known keys: {', '.join(prefix + k for k in sorted(known))}"
        )
    annotations = field_types(cls)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        kind, key = annotations[name], prefix + name
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, dict):
                raise wrong_type(key, value, kind)
            kwargs[name] = _from_dict(kind, value, prefix=f"{key}.")
        else:
            kwargs[name] = checked_value(value, kind, key)
    return cls(**kwargs)


#: The ``model.arch`` networks with an ImageNet encoder.
IMAGENET_ENCODER_ARCHS = ("mobilenet_v2", "efficientnet_lite0", "efficientnet_lite1",
                          "efficientnet_lite2")
#: Every network ``model.arch`` can name.
ARCHS = IMAGENET_ENCODER_ARCHS + ("unet", "resnet18", "resnet34")


@dataclass(frozen=True)
class ModelConfig:
    """Network architecture."""

    # an ImageNet encoder with a U-Net decoder ("mobilenet_v2", "efficientnet_lite0/1/2"),
    # the scratch "unet", or a "resnet18"/"resnet34" encoder with a LinkNet decoder.
    # MobileNetV2: none of the EfficientNet-Lite encoders did better on real tiles at 1/8
    # labelled, at 1.3-1.6 times the CPU time (bench/RESULTS.md, section 7)
    arch: str = "mobilenet_v2"
    # channels of the full-resolution decoder stage (ImageNet encoders; the deeper stages
    # have 1.5 to 4 times as many), or of the first U-Net stage (doubled at each level)
    base_width: int = 32
    depth: int = 4  # number of 2x down-samplings of the scratch U-Net (unet only)
    embed_dim: int = 32  # D, size of the per-pixel L2-normalised projection
    # an ImageNet encoder starts from its packaged weights (False: random weights; for
    # comparison only); unet and resnet are always random
    pretrained: bool = True
    # what the projection head embeds for the contrastive loss: the decoder's last features
    # (the ones the road head reads, as the paper), or "encoder": the ImageNet encoder's
    # stride-8 features, upsampled to the input's pixels (ImageNet archs only), so the
    # loss shapes the encoder through its own head and leaves the decoder to the labels
    embed_from: str = "decoder"

    def __post_init__(self) -> None:
        _check(self.arch in ARCHS, "model.arch", self.arch, f"one of {', '.join(ARCHS)}")
        _check(self.embed_from in ("decoder", "encoder"), "model.embed_from", self.embed_from,
               "one of decoder, encoder")
        _check(self.embed_from == "decoder" or self.arch in IMAGENET_ENCODER_ARCHS,
               "model.embed_from", self.embed_from,
               f"decoder with model.arch {self.arch!r} (encoder needs an ImageNet encoder: "
               f"one of {', '.join(IMAGENET_ENCODER_ARCHS)})")
        _check(self.base_width >= 4, "model.base_width", self.base_width, "an integer >= 4")
        _check(1 <= self.depth <= 6, "model.depth", self.depth, "an integer from 1 to 6")
        _check(self.embed_dim >= 2, "model.embed_dim", self.embed_dim, "an integer >= 2")

    @property
    def size_multiple(self) -> int:
        """What input sides are padded to a multiple of: 2**depth (unet) or 32."""
        return 2 ** self.depth if self.arch == "unet" else 32


@dataclass(frozen=True)
class AugmentConfig:
    """Photometric augmentation of each view, plus flips/rot90 undone before alignment."""

    brightness: float = 0.2  # max additive shift, in normalised units
    contrast: float = 0.2  # max relative change of contrast around the mean
    gamma: float = 0.2  # gamma drawn from [1 - gamma, 1 + gamma]
    noise_std: float = 0.03  # std of additive Gaussian noise, normalised units
    blur_probability: float = 0.3  # chance of a 3x3 Gaussian blur
    geometric: bool = True  # random flips and rot90 (undone before pixels are paired)
    # supervised crops only: each is read at crop_px * s, s log-uniform in
    # [1 / (1 + scale), 1 + scale], and resized to crop_px, so that roads of other widths
    # in pixels (other pixel sizes) are seen (0: off)
    scale: float = 0.0

    def __post_init__(self) -> None:
        _check(0.0 <= self.scale <= 1.0, "augment.scale", self.scale, "a number in [0, 1]")
        for name in ("brightness", "contrast", "gamma", "noise_std"):
            value = getattr(self, name)
            _check(0.0 <= value < 1.0, f"augment.{name}", value, "a number in [0, 1)")
        _check(0.0 <= self.blur_probability <= 1.0, "augment.blur_probability",
               self.blur_probability, "a probability in [0, 1]")


@dataclass(frozen=True)
class ContrastiveConfig:
    """Pixel-wise contrastive branch on unlabeled imagery (DESIGN.md section 2)."""

    # off, and not turned on by `train --semi-supervised`: on real tiles with the ImageNet
    # encoder it lowered IoU in every form tried, at every weight, on decoder or encoder
    # features, from round 1 or 2, with either negative rule (bench/RESULTS.md, sections 8
    # and 10); on for experiments with `contrastive.enabled = true`
    enabled: bool = False
    weight: float = 0.1  # lambda_c: L_sup + weight * L_contrast (0.5 hurt; bench/RESULTS.md)
    # lambda_c rises from 0 over this share of the steps of the first round with the term
    rampup_fraction: float = 0.5
    # the term is on from this round (1-based): 2 lets round 1 train a supervised model
    # first, as the paper's contrastive stage starts from a converged supervised one
    start_round: int = 1
    core_px: int = 256  # side of the shared core region R
    view_px: int = 384  # side of the two overlapping views A and B that both contain R
    negative_px: int = 512  # side of the negative region N, which overlaps neither view
    cell_px: int = 64  # HOG cell size used to judge whether negatives look like R
    hog_filter: bool = True  # drop negative cells that look like the anchor's cell
    hog_threshold: float = 0.5  # keep a negative cell only if HOG cosine < this
    anchors: int = 256  # anchor pixels sampled in R per pair
    road_anchor_fraction: float = 0.5  # share of anchors taken from predicted road pixels
    negatives: int = 256  # K, negative pixels sampled from N per pair
    temperature: float = 0.1  # InfoNCE temperature
    pairs_per_step: int = 2  # positive pairs (A, B, N triples) in each training step
    # R and N are placed only where at least this share of their pixels is valid (data,
    # not nodata, not a hold-out tile); a pair that cannot give a loss is redrawn
    min_valid_share: float = 0.5
    # also drop negatives the model confidently gives the anchor's class (p above
    # pseudo.road_threshold for road anchors, below pseudo.background_threshold for
    # background ones): likely false negatives that the HOG rule let through
    drop_same_class_negatives: bool = True
    # negatives only from pixels the model confidently gives the other class (p below
    # pseudo.background_threshold for road anchors, above pseudo.road_threshold for
    # background ones): with the rules above, on real tiles one in eight negatives of a
    # road anchor is true road and most of a background anchor's are background
    # (bench/RESULTS.md, section 10); this pushes road from background only, by the
    # model's own classes, and lowered IoU further there
    other_class_negatives: bool = False
    # the negative region is a constant (no gradient through it), as a MoCo key: the loss
    # is the same, the step skips the backward pass of N
    negative_gradient: bool = False
    # the views and N are normalised with batch norm's running statistics (eval mode), not
    # with those of their own small batches: anchors and negatives then share one
    # normalisation, so the loss cannot tell them apart by batch statistics alone
    running_batch_norm: bool = False
    # lambda_c is scaled by the share of valid pixels that carry no human label, so that
    # it fades out as labels cover the imagery, and is 0 (branch off) when all are labeled
    scale_by_unlabeled_share: bool = True
    negatives_mode: str = "hard"  # "hard": HOG cut; "soft": ISD-style EMA-teacher targets
    teacher_momentum: float = 0.99  # EMA momentum of the teacher (soft mode)
    teacher_temperature: float = 0.01  # teacher softmax temperature (soft mode)
    student_temperature: float = 0.1  # student softmax temperature (soft mode)

    def __post_init__(self) -> None:
        _check(self.weight >= 0, "contrastive.weight", self.weight, "a number >= 0")
        _check(0.0 <= self.rampup_fraction <= 1.0, "contrastive.rampup_fraction",
               self.rampup_fraction, "a fraction in [0, 1]")
        _check(self.start_round >= 1, "contrastive.start_round", self.start_round,
               "a round number >= 1")
        _check(self.core_px >= 16, "contrastive.core_px", self.core_px, "an integer >= 16")
        _check(self.view_px >= self.core_px, "contrastive.view_px", self.view_px,
               f"at least core_px ({self.core_px})")
        _check(self.negative_px >= self.cell_px, "contrastive.negative_px", self.negative_px,
               f"at least cell_px ({self.cell_px})")
        _check(self.cell_px >= 8 and self.core_px % self.cell_px == 0, "contrastive.cell_px",
               self.cell_px, f">= 8 and a divisor of core_px ({self.core_px})")
        _check(-1.0 <= self.hog_threshold <= 1.0, "contrastive.hog_threshold",
               self.hog_threshold, "a cosine similarity in [-1, 1]")
        _check(0.0 <= self.road_anchor_fraction <= 1.0, "contrastive.road_anchor_fraction",
               self.road_anchor_fraction, "a fraction in [0, 1]")
        _check(self.anchors >= 1, "contrastive.anchors", self.anchors, "an integer >= 1")
        _check(self.negatives >= 1, "contrastive.negatives", self.negatives, "an integer >= 1")
        _check(self.temperature > 0, "contrastive.temperature", self.temperature, "> 0")
        _check(self.pairs_per_step >= 1, "contrastive.pairs_per_step", self.pairs_per_step,
               "an integer >= 1")
        _check(0.0 < self.min_valid_share <= 1.0, "contrastive.min_valid_share",
               self.min_valid_share, "a fraction in (0, 1]")
        _check(self.negatives_mode in ("hard", "soft"), "contrastive.negatives_mode",
               self.negatives_mode, "hard or soft")
        _check(0.0 < self.teacher_momentum < 1.0, "contrastive.teacher_momentum",
               self.teacher_momentum, "a number in (0, 1)")
        _check(self.teacher_temperature > 0 and self.student_temperature > 0,
               "contrastive.teacher_temperature/student_temperature",
               (self.teacher_temperature, self.student_temperature), "both > 0")

    def on_in_round(self, round_index: int) -> bool:
        """Whether the term is on in a round (0-based): enabled, and from ``start_round``."""
        return self.enabled and round_index + 1 >= self.start_round


@dataclass(frozen=True)
class PseudoLabelConfig:
    """Iterative pseudo-labelling of unlabeled tiles between rounds."""

    # off by default (its gain on real tiles is within the spread: bench/RESULTS.md,
    # section 10); `train --semi-supervised` turns it on; off: every round trains on human
    # labels only
    enabled: bool = False
    tile_px: int = 256  # pseudo-labels are made and selected per tile of this size
    context_px: int = 384  # each tile is predicted inside two windows of this size
    road_threshold: float = 0.9  # p above this is a road pseudo-label
    background_threshold: float = 0.1  # p below this is a background pseudo-label
    # > 0: both thresholds are tightened until the hold-out's labeled pixels say that
    # pseudo-labels of each class are right this often (0: the fixed thresholds alone)
    calibrate_precision: float = 0.0
    keep_fractions: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)  # q for rounds 2, 3, ...; last repeats
    # per class: a tile is dropped when fewer of its predicted road pixels are confident
    # road, or fewer of its predicted background pixels confident background, than this
    min_confident_fraction: float = 0.5
    # tiles whose predicted road share is below this count as road-free
    min_road_share: float = 0.005
    # tiles are ranked by consistency within this many strata of predicted road share
    road_strata: int = 3
    # at least this share of the kept tiles bear road, when that many are eligible
    road_tile_share: float = 0.5
    batch_share: float = 0.5  # share of supervised crops drawn from pseudo-labeled tiles
    # "add": a step keeps its batch_size labeled crops and adds pseudo-labeled ones, about
    # batch_share x batch_size, so pseudo-labels never take the place of human labels
    # (EPFL tiles at 1/8 labelled: +0.020 IoU over replacing a quarter of them, 5/5 seeds;
    # Massachusetts: no difference; bench/RESULTS.md, section 10); "replace":
    # batch_share of the batch_size crops come from them
    batch_mode: str = "add"
    # > 0: score at most this many candidate tiles in a round, drawn at random from all of
    # them (a fresh draw each round), so that the cost of pseudo-labelling stays a share of
    # the round however much unlabeled imagery is given; 0: score every candidate tile.
    # 2048 tiles of 256 px in contexts of 384 px: by pixel count about a quarter of a
    # `full` round's forward passes (an estimate; `full` has not been timed on a GPU)
    max_tiles: int = 2048

    def __post_init__(self) -> None:
        _check(self.tile_px >= 16, "pseudo.tile_px", self.tile_px, "an integer >= 16")
        _check(self.context_px >= self.tile_px, "pseudo.context_px", self.context_px,
               f"at least tile_px ({self.tile_px})")
        _check(0.5 < self.road_threshold <= 1.0, "pseudo.road_threshold",
               self.road_threshold, "a probability in (0.5, 1]")
        _check(0.0 <= self.background_threshold < 0.5, "pseudo.background_threshold",
               self.background_threshold, "a probability in [0, 0.5)")
        _check(len(self.keep_fractions) >= 1
               and all(0.0 < q <= 1.0 for q in self.keep_fractions),
               "pseudo.keep_fractions", self.keep_fractions, "fractions in (0, 1]")
        _check(0.0 <= self.calibrate_precision <= 1.0, "pseudo.calibrate_precision",
               self.calibrate_precision, "a precision in [0, 1] (0 = no calibration)")
        _check(0.0 <= self.min_confident_fraction <= 1.0, "pseudo.min_confident_fraction",
               self.min_confident_fraction, "a fraction in [0, 1]")
        _check(0.0 <= self.min_road_share < 1.0, "pseudo.min_road_share",
               self.min_road_share, "a fraction in [0, 1)")
        _check(self.road_strata >= 1, "pseudo.road_strata", self.road_strata,
               "an integer >= 1")
        _check(0.0 <= self.road_tile_share <= 1.0, "pseudo.road_tile_share",
               self.road_tile_share, "a fraction in [0, 1]")
        _check(0.0 <= self.batch_share < 1.0, "pseudo.batch_share", self.batch_share,
               "a fraction in [0, 1)")
        _check(self.batch_mode in ("replace", "add"), "pseudo.batch_mode", self.batch_mode,
               "one of replace, add")
        _check(self.max_tiles >= 0, "pseudo.max_tiles", self.max_tiles,
               "an integer >= 0 (0 scores every candidate tile)")

    def keep_fraction(self, round_index: int) -> float:
        """Return q for a round (0-based); round 0 has no pseudo-labels, so q starts at 1."""
        if round_index < 1:
            return 0.0
        return self.keep_fractions[min(round_index - 1, len(self.keep_fractions) - 1)]


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides how a model is trained; stored in every model file."""

    model: ModelConfig = field(default_factory=ModelConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    contrastive: ContrastiveConfig = field(default_factory=ContrastiveConfig)
    pseudo: PseudoLabelConfig = field(default_factory=PseudoLabelConfig)
    crop_px: int = 256  # side of the supervised crops
    batch_size: int = 8  # supervised crops per step
    steps_per_round: int = 2000  # optimiser steps in each round
    max_rounds: int = 5  # rounds at most (round 1 trains without pseudo-labels)
    learning_rate: float = 1e-3  # AdamW learning rate, cosine-decayed within a round
    # the ImageNet encoder learns at learning_rate times this (its features are kept
    # rather than overwritten by a few hundred labelled metres); 1: as the decoder
    encoder_lr_scale: float = 0.1
    weight_decay: float = 1e-4  # AdamW weight decay
    dice_weight: float = 1.0  # supervised loss = BCE + dice_weight * soft Dice
    # share of supervised crops centred on a road pixel (the rest on any labeled pixel);
    # roads are often < 5 % of pixels, but a high share teaches the model to over-predict
    road_crop_share: float = 0.5
    # how the decision threshold is chosen on the hold-out after each round and stored in
    # the model: "f1" (best pixel F1, the same as best IoU), "relaxed_f1" (best F1 within
    # 3 px), or "fixed" (0.5)
    threshold_rule: str = "f1"
    # thresholds scoring within this of the best form a plateau whose middle is chosen (0:
    # the single best threshold, which moves far with noise on a flat score curve)
    threshold_tolerance: float = 0.02
    road_width_m: float = 6.0  # default width of road centerlines without a width value
    val_fraction: float = 0.15  # share of the labeled area held out for validation
    val_tile_px: int = 256  # validation hold-out is made of whole tiles of this size
    patience_rounds: int = 1  # stop after this many rounds without validation IoU gain
    # stop when fewer than this share of the last round's pseudo-labeled tiles left the
    # selection (the selection grows with q, so tiles that entered are not counted)
    min_selection_change: float = 0.05
    norm_percentiles: tuple[float, float] = (2.0, 98.0)  # robust band statistics
    norm_sample_px: int = 200_000  # pixels sampled to compute band statistics
    predict_tile_px: int = 512  # window of the sliding prediction used for validation
    mixed_precision: bool = True  # bf16 autocast on CUDA (ignored on CPU)
    channels_last: bool = True  # NHWC memory format on CUDA (ignored on CPU)
    seed: int = 0  # seeds every random choice of the run

    def __post_init__(self) -> None:
        mult = self.model.size_multiple
        _check(self.crop_px >= mult and self.crop_px % mult == 0, "crop_px", self.crop_px,
               f"a positive multiple of {mult} (model.size_multiple)")
        _check(self.batch_size >= 1, "batch_size", self.batch_size, "an integer >= 1")
        _check(0.0 <= self.road_crop_share <= 1.0, "road_crop_share", self.road_crop_share,
               "a fraction in [0, 1]")
        _check(self.threshold_rule in ("f1", "relaxed_f1", "fixed"), "threshold_rule",
               self.threshold_rule, "one of f1, relaxed_f1, fixed")
        _check(0.0 <= self.threshold_tolerance < 1.0, "threshold_tolerance",
               self.threshold_tolerance, "a score difference in [0, 1)")
        _check(self.steps_per_round >= 1, "steps_per_round", self.steps_per_round,
               "an integer >= 1")
        _check(self.max_rounds >= 1, "max_rounds", self.max_rounds, "an integer >= 1")
        _check(self.learning_rate > 0, "learning_rate", self.learning_rate, "> 0")
        _check(self.weight_decay >= 0, "weight_decay", self.weight_decay, ">= 0")
        _check(0.0 <= self.encoder_lr_scale <= 1.0, "encoder_lr_scale", self.encoder_lr_scale,
               "a factor in [0, 1] (0 freezes the encoder)")
        _check(self.road_width_m > 0, "road_width_m", self.road_width_m,
               "a road width in metres > 0")
        _check(0.0 < self.val_fraction < 1.0, "val_fraction", self.val_fraction,
               "a fraction in (0, 1)")
        _check(self.val_tile_px >= 16, "val_tile_px", self.val_tile_px, "an integer >= 16")
        _check(self.patience_rounds >= 1, "patience_rounds", self.patience_rounds, ">= 1")
        lo, hi = self.norm_percentiles
        _check(0.0 <= lo < hi <= 100.0, "norm_percentiles", self.norm_percentiles,
               "two percentiles 0 <= low < high <= 100")
        _check(self.predict_tile_px >= mult and self.predict_tile_px % mult == 0,
               "predict_tile_px", self.predict_tile_px, f"a positive multiple of {mult}")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of every field (nested configs as dicts)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build a config from :meth:`to_dict` output or a partial dict of overrides."""
        return _from_dict(cls, data)

    def updated(self, overrides: dict[str, Any]) -> TrainConfig:
        """Return a copy with nested ``overrides`` applied over this config."""
        merged = _deep_merge(self.to_dict(), overrides)
        return TrainConfig.from_dict(merged)


def _deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


#: Overrides of the defaults per profile. "full" is the paper-scale setting for a GPU;
#: "fast" finishes the bundled sample on 2 CPU cores in a few minutes.
PROFILES: dict[str, dict[str, Any]] = {
    "full": {},
    "fast": {
        # MobileNetV2 from ImageNet with a 16-wide decoder (bench/RESULTS.md, section 7)
        "model": {"arch": "mobilenet_v2", "base_width": 16, "embed_dim": 16},
        # The contrastive windows cost about half the supervised crops' pixels, so that a
        # full step takes at most 1.8 x a supervised one on a CPU (bench/RESULTS.md).
        "contrastive": {"core_px": 64, "view_px": 96, "negative_px": 96, "cell_px": 32,
                        "anchors": 128, "negatives": 128, "pairs_per_step": 1},
        # 512 tiles scored (half kept in round 2) take 14-18 % of a round on a CPU, with
        # their crops added (bench/RESULTS.md, section 10)
        "pseudo": {"tile_px": 96, "context_px": 128, "max_tiles": 512,
                   "keep_fractions": [0.5, 0.6, 0.7, 0.8]},
        "crop_px": 128, "batch_size": 4, "steps_per_round": 250, "max_rounds": 2,
        "learning_rate": 2e-3, "val_tile_px": 96, "norm_sample_px": 50_000,
        "predict_tile_px": 256,
    },
}


def profile_config(name: str) -> TrainConfig:
    """Return the :class:`TrainConfig` of a named profile.

    Parameters
    ----------
    name : str
        A key of :data:`PROFILES`.
    """
    if name not in PROFILES:
        raise BadInputError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}")
    return TrainConfig().updated(PROFILES[name])


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read configuration overrides from a JSON or TOML file.

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.toml`` file whose keys mirror :class:`TrainConfig`.

    Returns
    -------
    dict
        The overrides, to be applied with :meth:`TrainConfig.updated` (which checks each
        key and the type of each value).
    """
    p = Path(check_input_file(path, "configuration file"))
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BadInputError(f"configuration file {str(p)!r} is not a text file (UTF-8); give "
                            "a JSON or TOML file") from err
    except OSError as err:
        raise BadInputError(f"configuration file {str(p)!r} cannot be read: "
                            f"{err.strerror}") from err
    try:
        if p.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        elif p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            raise BadInputError(f"configuration file {str(p)!r} must end in .json or .toml")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as err:
        raise BadInputError(f"configuration file {str(p)!r} is not valid: {err}") from err
    if not isinstance(data, dict):
        raise BadInputError(f"configuration file {str(p)!r} must hold a table/object")
    return data
