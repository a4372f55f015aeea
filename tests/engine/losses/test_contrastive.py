"""Tests of the pixel-wise contrastive losses, pixel sampling and the EMA teacher."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the usual torch alias)
from torch import nn

from engine.errors import BadInputError
from engine.losses.contrastive import (
    cell_index,
    pixel_infonce,
    sample_anchor_indices,
    sample_negative_indices,
    soft_infonce,
    update_ema_teacher,
)


def _unit(*shape: int, seed: int) -> torch.Tensor:
    return F.normalize(torch.randn(*shape, generator=torch.Generator().manual_seed(seed)), dim=-1)


def _near(x: torch.Tensor, scale: float, seed: int) -> torch.Tensor:
    noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))
    return F.normalize(x + scale * noise, dim=-1)


def test_pixel_infonce_lower_for_aligned_positives() -> None:
    anchor, negatives = _unit(16, 8, seed=0), _unit(32, 8, seed=1)
    aligned = pixel_infonce(anchor, _near(anchor, 0.05, 2), negatives, temperature=0.1)
    shuffled = pixel_infonce(anchor, anchor.roll(1, dims=0), negatives, temperature=0.1)
    assert aligned < shuffled


def test_pixel_infonce_masking_every_negative_changes_loss() -> None:
    anchor, positive, negatives = _unit(4, 8, seed=0), _unit(4, 8, seed=1), _unit(6, 8, seed=2)
    full = pixel_infonce(anchor, positive, negatives, temperature=0.1)
    none = pixel_infonce(anchor, positive, negatives, temperature=0.1,
                         keep=torch.zeros(4, 6, dtype=torch.bool))
    assert full > 0 and none == 0


def test_pixel_infonce_keep_all_equals_no_mask() -> None:
    anchor, positive, negatives = _unit(4, 8, seed=0), _unit(4, 8, seed=1), _unit(6, 8, seed=2)
    keep = torch.ones(4, 6, dtype=torch.bool)
    assert torch.allclose(pixel_infonce(anchor, positive, negatives, temperature=0.1),
                          pixel_infonce(anchor, positive, negatives, temperature=0.1, keep=keep))


def test_pixel_infonce_gradient_finite_with_masked_negatives() -> None:
    anchor = _unit(4, 8, seed=0).requires_grad_()
    keep = torch.tensor([[True, False, False], [False] * 3, [True] * 3, [False, True, False]])
    pixel_infonce(anchor, _unit(4, 8, seed=1), _unit(3, 8, seed=2), keep=keep,
                  temperature=0.1).backward()
    assert torch.isfinite(anchor.grad).all() and anchor.grad[1].abs().sum() == 0


def test_pixel_infonce_zero_without_negatives() -> None:
    loss = pixel_infonce(_unit(3, 4, seed=0), _unit(3, 4, seed=1), torch.zeros(0, 4),
                         temperature=0.1)
    assert loss == 0


@pytest.mark.parametrize(
    ("shapes", "keep", "temperature", "match"),
    [
        (((4,), (4,), (2, 4)), None, 0.1, r"anchor must be a 2-D.*\(4,\)"),
        (((3, 4), (2, 4), (2, 4)), None, 0.1, r"positive must have the shape.*\(2, 4\)"),
        (((3, 4), (3, 4), (2, 5)), None, 0.1, r"negatives must be a 2-D \(K, 4\).*\(2, 5\)"),
        (((3, 4), (3, 4), (2, 4)), torch.ones(3, 3, dtype=torch.bool), 0.1, r"keep.*\(3, 2\)"),
        (((3, 4), (3, 4), (2, 4)), torch.ones(3, 2), 0.1, "torch.float32"),
        (((3, 4), (3, 4), (2, 4)), None, 0.0, "temperature=0.0"),
    ],
)
def test_pixel_infonce_rejects_bad_input(
    shapes: tuple, keep: torch.Tensor | None, temperature: float, match: str
) -> None:
    a, p, n = (torch.zeros(s) for s in shapes)
    with pytest.raises(BadInputError, match=match):
        pixel_infonce(a, p, n, keep=keep, temperature=temperature)


def test_soft_infonce_zero_when_student_equals_teacher() -> None:
    anchor, positive, negatives = _unit(8, 8, seed=0), _unit(8, 8, seed=1), _unit(16, 8, seed=2)
    loss = soft_infonce(anchor, positive, negatives, anchor.clone(),
                        student_temperature=0.1, teacher_temperature=0.1)
    assert abs(loss.item()) < 1e-6


def test_soft_infonce_decreases_as_student_approaches_teacher() -> None:
    anchor_t, positive, negatives = _unit(8, 8, seed=0), _unit(8, 8, seed=1), _unit(16, 8, seed=2)
    losses = [soft_infonce(_near(anchor_t, scale, 3), positive, negatives, anchor_t,
                           student_temperature=0.1, teacher_temperature=0.1).item()
              for scale in (1.0, 0.3, 0.1)]
    assert losses[0] > losses[1] > losses[2] >= 0


def test_soft_infonce_gradient_reaches_student_only() -> None:
    anchor = _unit(4, 8, seed=0).requires_grad_()
    teacher = [_unit(*s, seed=i).requires_grad_() for i, s in enumerate([(4, 8), (6, 8), (4, 8)])]
    soft_infonce(anchor, *teacher, student_temperature=0.1, teacher_temperature=0.01).backward()
    assert anchor.grad is not None and all(t.grad is None for t in teacher)


@pytest.mark.parametrize(
    ("anchor_t", "temperatures", "match"),
    [
        (torch.zeros(3, 4), (0.1, 0.01), r"anchor_t must have the shape.*\(3, 4\)"),
        (torch.zeros(2, 4), (0.0, 0.01), "student_temperature=0.0"),
        (torch.zeros(2, 4), (0.1, -1.0), "teacher_temperature=-1.0"),
    ],
)
def test_soft_infonce_rejects_bad_input(
    anchor_t: torch.Tensor, temperatures: tuple[float, float], match: str
) -> None:
    with pytest.raises(BadInputError, match=match):
        soft_infonce(torch.zeros(2, 4), torch.zeros(2, 4), torch.zeros(3, 4), anchor_t,
                     student_temperature=temperatures[0], teacher_temperature=temperatures[1])


def _road_map() -> tuple[torch.Tensor, torch.Tensor]:
    prob = torch.zeros(16, 16)
    prob[:, 4:6] = 0.9  # 32 road pixels
    valid = torch.ones(16, 16, dtype=torch.bool)
    valid[:8] = False  # only the bottom half (16 road pixels) may be sampled
    return prob, valid


def test_sample_anchor_indices_respects_road_fraction_and_validity() -> None:
    prob, valid = _road_map()
    idx = sample_anchor_indices(prob, valid, count=20, road_fraction=0.25,
                                generator=torch.Generator().manual_seed(0))
    assert idx.numel() == 20 and idx.unique().numel() == 20
    assert valid.flatten()[idx].all()
    assert int((prob.flatten()[idx] >= 0.5).sum()) == 5


def test_sample_anchor_indices_fills_from_other_class() -> None:
    prob, valid = _road_map()
    idx = sample_anchor_indices(prob, valid, count=40, road_fraction=1.0,
                                generator=torch.Generator().manual_seed(0))
    assert idx.numel() == 40 and int((prob.flatten()[idx] >= 0.5).sum()) == 16


def test_sample_anchor_indices_capped_by_valid_pixels() -> None:
    prob, valid = _road_map()
    idx = sample_anchor_indices(prob, valid, count=500, road_fraction=0.5,
                                generator=torch.Generator().manual_seed(0))
    assert idx.numel() == int(valid.sum())


def test_sample_anchor_indices_reproducible_with_generator() -> None:
    prob, valid = _road_map()
    a, b = (sample_anchor_indices(prob, valid, count=10, road_fraction=0.5,
                                  generator=torch.Generator().manual_seed(3)) for _ in range(2))
    assert torch.equal(a, b)


@pytest.mark.parametrize(
    ("prob", "valid", "kwargs", "match"),
    [
        (torch.zeros(4), torch.ones(4, 4, dtype=torch.bool), {}, r"prob must be.*\(4,\)"),
        (torch.zeros(4, 4), torch.ones(4, 4), {}, "valid must be.*torch.float32"),
        (torch.zeros(4, 4), torch.ones(4, 5, dtype=torch.bool), {}, r"got \(4, 5\)"),
        (torch.zeros(4, 4), torch.ones(4, 4, dtype=torch.bool), {"count": 0}, "count=0"),
        (torch.zeros(4, 4), torch.ones(4, 4, dtype=torch.bool), {"road_fraction": 1.5},
         "road_fraction=1.5"),
        (torch.zeros(4, 4), torch.ones(4, 4, dtype=torch.bool), {"generator": 0},
         "generator must be a torch.Generator"),
    ],
)
def test_sample_anchor_indices_rejects_bad_input(
    prob: torch.Tensor, valid: torch.Tensor, kwargs: dict, match: str
) -> None:
    args = {"count": 4, "road_fraction": 0.5, "generator": torch.Generator()} | kwargs
    with pytest.raises(BadInputError, match=match):
        sample_anchor_indices(prob, valid, **args)


def test_sample_negative_indices_distinct_valid_and_capped() -> None:
    valid = torch.zeros(8, 8, dtype=torch.bool)
    valid[2:4, 1:6] = True  # 10 valid pixels
    idx = sample_negative_indices(valid, count=50, generator=torch.Generator().manual_seed(0))
    assert idx.numel() == 10 and idx.unique().numel() == 10 and valid.flatten()[idx].all()


def test_sample_negative_indices_rejects_bad_count() -> None:
    with pytest.raises(BadInputError, match="count=0"):
        sample_negative_indices(torch.ones(4, 4, dtype=torch.bool), count=0,
                                generator=torch.Generator())


def test_cell_index_maps_pixels_to_row_major_cells() -> None:
    width = 8  # a 4 x 8 map of 2 x 4 cells of 2 px
    rows, cols = torch.tensor([0, 1, 0, 3, 2]), torch.tensor([0, 1, 7, 2, 6])
    cells = cell_index(rows * width + cols, width=width, cell_px=2)
    assert cells.tolist() == [0, 0, 3, 5, 7]


@pytest.mark.parametrize(
    ("flat_idx", "width", "cell_px", "match"),
    [
        (torch.tensor([0.0]), 8, 2, "torch.float32"),  # float indices
        (torch.tensor([[0]]), 8, 2, r"\(1, 1\)"),  # not 1-D
        (torch.tensor([0]), 4, 8, "width=4, cell_px=8"),  # cell wider than the map
        (torch.tensor([6]), 7, 2, "beyond the last whole cell"),  # column 6 is in no cell
        (torch.tensor([-1]), 8, 2, "negative"),
    ],
)
def test_cell_index_rejects_bad_input(
    flat_idx: torch.Tensor, width: int, cell_px: int, match: str
) -> None:
    with pytest.raises(BadInputError, match=match):
        cell_index(flat_idx, width=width, cell_px=cell_px)


def _pair() -> tuple[nn.Module, nn.Module]:
    torch_gen = torch.Generator().manual_seed(0)
    teacher, student = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)), nn.Sequential(
        nn.Linear(3, 2), nn.BatchNorm1d(2))
    for module in (teacher, student):
        for p in module.parameters():
            p.data = torch.randn(p.shape, generator=torch_gen)
    student[1].running_mean.fill_(5.0)
    return teacher, student


def test_update_ema_teacher_moves_by_one_minus_momentum() -> None:
    teacher, student = _pair()
    t0, s0 = teacher[0].weight.clone(), student[0].weight.clone()
    update_ema_teacher(teacher, student, momentum=0.9)
    assert torch.allclose(teacher[0].weight, t0 + 0.1 * (s0 - t0))
    assert torch.equal(student[0].weight, s0)


def test_update_ema_teacher_copies_buffers() -> None:
    teacher, student = _pair()
    update_ema_teacher(teacher, student, momentum=0.99)
    assert torch.equal(teacher[1].running_mean, torch.full((2,), 5.0))


def test_update_ema_teacher_rejects_bad_momentum() -> None:
    teacher, student = _pair()
    with pytest.raises(BadInputError, match="momentum=1.5"):
        update_ema_teacher(teacher, student, momentum=1.5)


def test_update_ema_teacher_rejects_different_architectures() -> None:
    with pytest.raises(BadInputError, match="parameters differ, first at '0.weight'"):
        update_ema_teacher(nn.Sequential(nn.Linear(3, 2)), nn.Sequential(nn.Linear(4, 2)),
                           momentum=0.9)
