"""Starting weights of a run from another model (--init): found, checked, first layer adapted."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from ..base_model import find_base_model
from ..config import ModelConfig
from ..errors import ModelLoadError
from ..events import Reporter
from ..model_file import read_model_file
from ..models import build_model
from ..normalization import BandStats

__all__ = ["InitialWeights", "initial_weights", "init_file", "adapt_input_filters",
           "adapt_state"]

log = logging.getLogger(__name__)

#: --init values that are not paths.
INIT_AUTO, INIT_NONE = "auto", "none"


@dataclass(frozen=True)
class InitialWeights:
    """Weights a run starts from."""

    path: str  # the model file they come from
    model: ModelConfig  # its architecture, which the run takes
    state: dict[str, torch.Tensor]  # state dict for that network and this run's band count
    stats: BandStats | None  # its normalisation to reuse; None: computed from the rasters
    source_bands: int  # band count of the model file (its first layer adapted if not ours)


def adapt_input_filters(weight: torch.Tensor, bands: int) -> torch.Tensor:
    """First-layer filters for ``bands`` input bands from filters for another count.

    Each new band's filter is the sum of the old bands' filters divided by the new band
    count, so a grey input (every band equal) gives the same response as before: 1 -> 3
    bands repeats the single filter divided by 3, 3 -> 1 sums the three, and any other
    change repeats the mean filter scaled by old / new band count.

    Parameters
    ----------
    weight : Tensor, shape (out, in, kh, kw)
    bands : int
        New input band count, >= 1.

    Returns
    -------
    Tensor, shape (out, bands, kh, kw), same dtype
    """
    if weight.dim() != 4:
        raise ModelLoadError(f"cannot adapt a first layer of shape {tuple(weight.shape)}: "
                             "not a 2-D convolution's filters")
    if bands < 1:
        raise ModelLoadError(f"cannot adapt a first layer to {bands} bands: give >= 1")
    summed = weight.sum(dim=1, keepdim=True) / bands
    return summed.repeat(1, bands, 1, 1).contiguous()


def adapt_state(state: dict[str, torch.Tensor], target: dict[str, torch.Tensor], *,
                path: str) -> dict[str, torch.Tensor]:
    """``state`` shaped like ``target``: tensors that differ only in their input bands
    (dimension 1 of a 4-D filter: the first layer) adapted with
    :func:`adapt_input_filters`; any other difference is refused."""
    missing = sorted(set(target) - set(state))
    extra = sorted(set(state) - set(target))
    if missing or extra:
        raise ModelLoadError(f"--init {path} does not fit this network: missing "
                             f"{missing[:3]}, unexpected {extra[:3]}")
    out = {}
    for key, want in target.items():
        have = state[key]
        if have.shape == want.shape:
            out[key] = have
        elif have.dim() == 4 and have.shape[:1] + have.shape[2:] == want.shape[:1] + \
                want.shape[2:]:
            out[key] = adapt_input_filters(have, want.shape[1]).to(want.dtype)
        else:
            raise ModelLoadError(f"--init {path}: weight {key} has shape {tuple(have.shape)}, "
                                 f"this network needs {tuple(want.shape)}")
    return out


def init_file(init: str | None) -> str | None:
    """The file an ``--init`` value names, or None for ``auto``/``none`` (not files the user
    gave, so not inputs an output could overwrite)."""
    return None if init in (None, INIT_AUTO, INIT_NONE) else init


def _resolve(init: str, bands: int, folder: str | Path | None, reporter: Reporter
             ) -> str | None:
    """The model file ``--init`` names, or None to start from random weights."""
    if init == INIT_NONE:
        return None
    if init != INIT_AUTO:
        return init
    found = find_base_model(bands, folder=folder)
    if found is None:
        reporter.warning(f"--init auto: no base model for {bands}-band rasters is bundled "
                         "yet; starting from random weights")
        return None
    return str(found)


def initial_weights(init: str, model_config: ModelConfig, *, bands: int, reporter: Reporter,
                    folder: str | Path | None = None) -> InitialWeights | None:
    """Resolve and load ``--init``: ``none``, ``auto`` (the base model of ``bands`` bands
    under ``folder``, if bundled) or a model file's path.

    The run takes the model file's architecture (continuing a model means keeping its
    network), and says so when it differs from ``model_config`` (the profile's); its
    normalisation is reused when it has the rasters' band count and was fitted to
    imagery like the run's (not a base model, which normalises each raster by itself).

    Returns
    -------
    InitialWeights, or None to start from random weights.

    Raises
    ------
    ModelLoadError
        An unreadable model file, or one whose architecture cannot be built.
    """
    path = _resolve(init, bands, folder, reporter)
    if path is None:
        return None
    state, meta = read_model_file(path)
    try:
        theirs = ModelConfig(**meta["config"]["model"])
    except TypeError as err:
        raise ModelLoadError(f"--init {path}: its config.model is not usable ({err})") from err
    if theirs != model_config:
        reporter.warning(f"--init {path} has the architecture {meta['config']['model']}; "
                         f"the run uses it instead of the profile's {asdict(model_config)}")
    source_bands = int(meta["bands"]["count"])
    target = build_model(theirs, bands, seed=0, load_weights=False).state_dict()
    adapted = adapt_state(state, target, path=path)
    own_stats = source_bands == bands and meta.get("normalization_scope") != "image"
    stats = BandStats.from_dict(meta["normalization"]) if own_stats else None
    how = "" if source_bands == bands else \
        f" (its first layer adapted from {source_bands} to {bands} bands)"
    reporter.progress(f"starting from the weights of {path}{how}", 1, 1, init_model=path)
    log.info("initial weights from %s%s", path, how)
    return InitialWeights(path, theirs, adapted, stats, source_bands)
