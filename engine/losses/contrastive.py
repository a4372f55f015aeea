"""Pixel-wise contrastive losses (hard InfoNCE, ISD-style soft), pixel sampling and EMA."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import Tensor, nn

from ..errors import BadInputError

__all__ = [
    "pixel_infonce",
    "soft_infonce",
    "sample_anchor_indices",
    "sample_negative_indices",
    "cell_index",
    "update_ema_teacher",
]

ROAD_PROBABILITY = 0.5  # a pixel with predicted p >= this counts as road for stratification


def pixel_infonce(
    anchor: Tensor, positive: Tensor, negatives: Tensor, *, keep: Tensor | None = None,
    temperature: float,
) -> Tensor:
    """InfoNCE over pixel embeddings with a per-anchor mask of usable negatives.

    For anchor i, logits are ``[a_i . p_i, a_i . n_k for kept k] / temperature`` and the
    loss is the cross-entropy of the positive (index 0). Masked negatives get -inf. An
    anchor without any kept negative still counts in the mean, with loss -log(1) = 0
    (and zero gradient): the HOG filter then dilutes the loss rather than reweighting it.

    Parameters
    ----------
    anchor : Tensor
        (M, D) float, L2-normalised embeddings of the anchor pixels (view A).
    positive : Tensor
        (M, D) float, L2-normalised embeddings of the same ground pixels (view B).
    negatives : Tensor
        (K, D) float, L2-normalised embeddings of negative pixels (region N); K may be 0.
    keep : Tensor or None
        (M, K) bool, True where negative k may be used for anchor i; None keeps all.
    temperature : float
        Softmax temperature, > 0.

    Returns
    -------
    Tensor
        Scalar float loss, the mean over the M anchors.
    """
    _check_pair(anchor, positive, negatives, "anchor", "positive", "negatives")
    _check_temperature(temperature, "temperature")
    m, k = anchor.shape[0], negatives.shape[0]
    if keep is not None and (keep.dtype != torch.bool or tuple(keep.shape) != (m, k)):
        raise BadInputError(
            f"keep must be a ({m}, {k}) bool tensor, got shape {tuple(keep.shape)} "
            f"and dtype {keep.dtype}"
        )
    with torch.autocast(anchor.device.type, enabled=False):  # similarities / T need fp32
        logits = _similarities(anchor.float(), positive.float(), negatives.float())
        if keep is not None:
            usable = torch.cat([keep.new_ones(m, 1), keep], dim=1)
            logits = logits.masked_fill(~usable, float("-inf"))
        target = torch.zeros(m, dtype=torch.long, device=anchor.device)
        return F.cross_entropy(logits / temperature, target)


def soft_infonce(
    anchor: Tensor, positive_t: Tensor, negatives_t: Tensor, anchor_t: Tensor, *,
    student_temperature: float, teacher_temperature: float,
) -> Tensor:
    """ISD-style soft contrastive loss: the student matches the teacher's similarities.

    Target (no gradient): ``softmax([a_t . p_t, a_t . n_t,k] / teacher_temperature)``.
    Student: ``log_softmax([a . p_t, a . n_t,k] / student_temperature)``. The loss is
    KL(target || student) averaged over anchors; it is 0 exactly when ``anchor`` equals
    ``anchor_t`` and the temperatures are equal, and >= 0 always. Only ``anchor`` gets
    gradients; every teacher tensor is detached.

    Parameters
    ----------
    anchor : Tensor
        (M, D) float, student embeddings of the anchor pixels (view A), L2-normalised.
    positive_t : Tensor
        (M, D) float, teacher embeddings of the same ground pixels (view B).
    negatives_t : Tensor
        (K, D) float, teacher embeddings of the candidate negatives (region N).
    anchor_t : Tensor
        (M, D) float, teacher embeddings of the anchor pixels (view A).
    student_temperature, teacher_temperature : float
        Softmax temperatures, > 0 (ISD uses a sharper teacher: 0.01 vs 0.1).

    Returns
    -------
    Tensor
        Scalar float loss.
    """
    _check_pair(anchor, positive_t, negatives_t, "anchor", "positive_t", "negatives_t")
    if tuple(anchor_t.shape) != tuple(anchor.shape):
        raise BadInputError(f"anchor_t must have the shape of anchor {tuple(anchor.shape)}, "
                            f"got {tuple(anchor_t.shape)}")
    _check_temperature(student_temperature, "student_temperature")
    _check_temperature(teacher_temperature, "teacher_temperature")
    positive_t, negatives_t = positive_t.detach().float(), negatives_t.detach().float()
    with torch.autocast(anchor.device.type, enabled=False):  # similarities / T need fp32
        with torch.no_grad():
            teacher = _similarities(anchor_t.detach().float(), positive_t, negatives_t)
            target = F.softmax(teacher / teacher_temperature, dim=1)
        student = _similarities(anchor.float(), positive_t, negatives_t)
        log_student = F.log_softmax(student / student_temperature, dim=1)
        return F.kl_div(log_student, target, reduction="batchmean")


def _similarities(anchor: Tensor, positive: Tensor, negatives: Tensor) -> Tensor:
    """(M, 1 + K) dot products: the positive first, then every negative."""
    return torch.cat([(anchor * positive).sum(dim=1, keepdim=True), anchor @ negatives.T], 1)


def sample_anchor_indices(
    prob: Tensor, valid: Tensor, *, count: int, road_fraction: float, generator: torch.Generator
) -> Tensor:
    """Sample anchor pixels without replacement, stratified by the predicted class.

    Up to ``round(road_fraction * count)`` anchors come from valid pixels predicted road
    (p >= 0.5), the rest from valid background pixels; when one class is short, the other
    fills in, so fewer than ``count`` are returned only when there are fewer valid pixels.

    Parameters
    ----------
    prob : Tensor
        (H, W) float predicted road probability (view A's prediction of R, detached).
    valid : Tensor
        (H, W) bool, pixels that may be anchors (inside R, not nodata).
    count : int
        Number of anchors wanted, >= 1.
    road_fraction : float
        Share of anchors taken from predicted road pixels, in [0, 1].
    generator : torch.Generator
        Source of randomness (its device is where the permutations are drawn).

    Returns
    -------
    Tensor
        (m,) int64 flat indices into H * W (road anchors first), m <= count, on
        ``prob.device``.
    """
    _check_map(valid, "valid", prob.shape if prob.dim() == 2 else None)
    if prob.dim() != 2 or not prob.is_floating_point():
        raise BadInputError(f"prob must be a 2-D (H, W) float tensor, got shape "
                            f"{tuple(prob.shape)} and dtype {prob.dtype}")
    _check_count(count, generator)
    if not 0.0 <= road_fraction <= 1.0:
        raise BadInputError(f"road_fraction={road_fraction!r} is invalid: a fraction in [0, 1]")
    road = (prob >= ROAD_PROBABILITY) & valid
    road_idx = torch.nonzero(road.flatten()).squeeze(1)
    background_idx = torch.nonzero((valid & ~road).flatten()).squeeze(1)
    n_road = min(round(road_fraction * count), road_idx.numel())
    n_background = min(count - n_road, background_idx.numel())
    n_road = min(count - n_background, road_idx.numel())
    return torch.cat([_choose(road_idx, n_road, generator),
                      _choose(background_idx, n_background, generator)])


def sample_negative_indices(valid: Tensor, *, count: int, generator: torch.Generator) -> Tensor:
    """Sample up to ``count`` distinct valid pixels uniformly, as flat indices.

    Parameters
    ----------
    valid : Tensor
        (H, W) bool, pixels that may be negatives (region N inside whole cells, not nodata).
    count : int
        Number of negatives wanted (K), >= 1.
    generator : torch.Generator
        Source of randomness.

    Returns
    -------
    Tensor
        (k,) int64 flat indices into H * W, k = min(count, valid pixels), on ``valid.device``.
    """
    _check_map(valid, "valid", None)
    _check_count(count, generator)
    candidates = torch.nonzero(valid.flatten()).squeeze(1)
    return _choose(candidates, min(count, candidates.numel()), generator)


def _choose(candidates: Tensor, n: int, generator: torch.Generator) -> Tensor:
    order = torch.randperm(candidates.numel(), generator=generator, device=generator.device)
    return candidates[order[:n].to(candidates.device)]


def cell_index(flat_idx: Tensor, *, width: int, cell_px: int) -> Tensor:
    """Map flat pixel indices of an (H, W) map to row-major indices of its square cells.

    Use it to pick pairwise keep flags from a (Ca, Cn) cell mask:
    ``keep_cells[cell_index(anchors, ...)][:, cell_index(negatives, ...)]``.

    Parameters
    ----------
    flat_idx : Tensor
        (n,) integer flat indices ``row * width + col``, >= 0, in whole cells.
    width : int
        W of the map, >= ``cell_px``.
    cell_px : int
        Side of a cell in pixels, >= 1.

    Returns
    -------
    Tensor
        (n,) int64, ``(row // cell_px) * (width // cell_px) + col // cell_px``.
    """
    if flat_idx.dim() != 1 or flat_idx.is_floating_point() or flat_idx.dtype == torch.bool:
        raise BadInputError(f"flat_idx must be a 1-D integer tensor, got shape "
                            f"{tuple(flat_idx.shape)} and dtype {flat_idx.dtype}")
    if cell_px < 1 or width < cell_px:
        raise BadInputError(f"width={width!r}, cell_px={cell_px!r} are invalid: "
                            f"need 1 <= cell_px <= width")
    flat_idx = flat_idx.long()
    row, col = flat_idx // width, flat_idx % width
    cols = width // cell_px
    if bool((flat_idx < 0).any()) or bool((col >= cols * cell_px).any()):
        raise BadInputError(f"flat_idx holds negative indices or columns beyond the last "
                            f"whole cell (column {cols * cell_px} of width {width})")
    return (row // cell_px) * cols + col // cell_px


@torch.no_grad()
def update_ema_teacher(teacher: nn.Module, student: nn.Module, *, momentum: float) -> None:
    """Move the teacher's parameters towards the student's; copy the buffers.

    ``teacher = momentum * teacher + (1 - momentum) * student`` for every parameter;
    buffers (BatchNorm running statistics and counters) are copied from the student.

    Parameters
    ----------
    teacher : nn.Module
        The EMA copy, updated in place; same architecture as ``student``.
    student : nn.Module
        The trained network.
    momentum : float
        EMA momentum in [0, 1]; 0 copies the student, 1 leaves the teacher unchanged.
    """
    if not 0.0 <= momentum <= 1.0:
        raise BadInputError(f"momentum={momentum!r} is invalid: a number in [0, 1]")
    t_params, s_params = dict(teacher.named_parameters()), dict(student.named_parameters())
    t_buffers, s_buffers = dict(teacher.named_buffers()), dict(student.named_buffers())
    for kind, t_items, s_items in (("parameters", t_params, s_params),
                                   ("buffers", t_buffers, s_buffers)):
        mismatch = [n for n in t_items.keys() | s_items.keys()
                    if n not in t_items or n not in s_items
                    or t_items[n].shape != s_items[n].shape]
        if mismatch:
            raise BadInputError(
                f"teacher and student {kind} differ, first at {sorted(mismatch)[0]!r}"
            )
    for name, t_param in t_params.items():
        t_param.lerp_(s_params[name].detach().to(t_param.dtype), 1.0 - momentum)
    for name, t_buffer in t_buffers.items():
        t_buffer.copy_(s_buffers[name])


def _check_pair(anchor: Tensor, positive: Tensor, negatives: Tensor,
                a_name: str, p_name: str, n_name: str) -> None:
    if anchor.dim() != 2 or anchor.shape[0] < 1 or not anchor.is_floating_point():
        raise BadInputError(f"{a_name} must be a 2-D (M, D) float tensor with M >= 1, "
                            f"got shape {tuple(anchor.shape)} and dtype {anchor.dtype}")
    if tuple(positive.shape) != tuple(anchor.shape):
        raise BadInputError(f"{p_name} must have the shape of {a_name} {tuple(anchor.shape)}, "
                            f"got {tuple(positive.shape)}")
    if negatives.dim() != 2 or negatives.shape[1] != anchor.shape[1]:
        raise BadInputError(f"{n_name} must be a 2-D (K, {anchor.shape[1]}) tensor, "
                            f"got shape {tuple(negatives.shape)}")


def _check_temperature(value: float, name: str) -> None:
    if not value > 0:
        raise BadInputError(f"{name}={value!r} is invalid: a number > 0")


def _check_map(valid: Tensor, name: str, shape: torch.Size | None) -> None:
    if valid.dim() != 2 or valid.dtype != torch.bool:
        raise BadInputError(f"{name} must be a 2-D (H, W) bool tensor, got shape "
                            f"{tuple(valid.shape)} and dtype {valid.dtype}")
    if shape is not None and valid.shape != shape:
        raise BadInputError(f"{name} must have the shape of prob {tuple(shape)}, "
                            f"got {tuple(valid.shape)}")


def _check_count(count: int, generator: torch.Generator) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadInputError(f"count={count!r} is invalid: an integer >= 1")
    if not isinstance(generator, torch.Generator):
        raise BadInputError(f"generator must be a torch.Generator, got {type(generator).__name__}")
