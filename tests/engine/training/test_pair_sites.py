"""Tests of engine.training.pair_sites and pair_batch: pairs only over valid, non-hold-out data."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.config import ContrastiveConfig
from engine.io.raster import Window
from engine.training.pair_batch import draw_pair_batch, negative_redraw
from engine.training.pair_sites import PairSites, block_shares, mask_windows

CONFIG = ContrastiveConfig(core_px=32, view_px=48, negative_px=48, cell_px=16,
                           min_valid_share=0.5, pairs_per_step=1)


def nodata_third(shape: tuple[int, int] = (192, 192)) -> np.ndarray:
    """A valid mask whose left third is nodata, like the sample's pan2/pan3 borders."""
    valid = np.ones(shape, bool)
    valid[:, :shape[1] // 3] = False
    return valid


def reader(valid: list[np.ndarray]):
    def read(source: int, w: Window) -> tuple[np.ndarray, np.ndarray]:
        full = valid[source]
        out = np.zeros((w.rows, w.cols), bool)
        r0, c0 = max(w.row_off, 0), max(w.col_off, 0)
        r1, c1 = min(w.row_off + w.rows, full.shape[0]), min(w.col_off + w.cols, full.shape[1])
        out[r0 - w.row_off:r1 - w.row_off, c0 - w.col_off:c1 - w.col_off] = full[r0:r1, c0:c1]
        return out[None].astype(np.float32), out
    return read


def sites_for(valid: list[np.ndarray], holdout=None, config=CONFIG) -> PairSites:
    return PairSites([v.shape for v in valid], [block_shares(v, config.cell_px) for v in valid],
                     holdout or [[] for _ in valid], config, block_px=config.cell_px)


def share(mask: np.ndarray, w: Window) -> float:
    return float(mask[w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols].mean())


def test_block_shares_are_the_valid_share_per_block_counting_outside_as_invalid():
    valid = np.zeros((20, 30), bool)
    valid[:10, :10] = True
    shares = block_shares(valid, 16)
    assert shares.shape == (2, 2)
    assert shares[0, 0] == pytest.approx(100 / 256) and shares[1, 1] == 0.0


def test_mask_windows_clears_the_excluded_pixels_only():
    valid = np.ones((8, 8), bool)
    out = mask_windows(valid, Window(4, 4, 8, 8), [Window(0, 0, 6, 6), Window(20, 20, 4, 4)])
    assert out[:2, :2].sum() == 0 and out.sum() == 64 - 4
    assert valid.all()  # the input is not modified


def test_pairs_are_never_placed_over_nodata():
    valid = [nodata_third(), nodata_third()]
    sites = sites_for(valid)
    rng = np.random.default_rng(0)
    for _ in range(200):
        pair = sites.sample(rng)
        assert pair is not None
        assert share(valid[pair.source], pair.core) >= CONFIG.min_valid_share
        assert share(valid[pair.negative_source], pair.negative) >= CONFIG.min_valid_share


def test_pairs_never_use_a_hold_out_pixel():
    valid = [np.ones((192, 192), bool)]
    held = Window(64, 64, 48, 48)
    sites = sites_for(valid, holdout=[[held]])
    read = reader(valid)
    rng = np.random.default_rng(1)
    for _ in range(50):
        batch = draw_pair_batch(read, sites, CONFIG, rng, torch.device("cpu"))
        pair = batch.pairs[0]
        assert batch.valid_core.float().mean() >= CONFIG.min_valid_share
        for window, mask in ((pair.negative, batch.valid_negative[0]),):
            r0, c0 = held.row_off - window.row_off, held.col_off - window.col_off
            inside = mask.numpy()[max(r0, 0):max(r0 + 48, 0), max(c0, 0):max(c0 + 48, 0)]
            assert not inside.any()
        k = pair.core.rows
        core_rows = range(pair.core.row_off, pair.core.row_off + k)
        core_cols = range(pair.core.col_off, pair.core.col_off + k)
        held_px = [(r - pair.core.row_off, c - pair.core.col_off) for r in core_rows
                   for c in core_cols if 64 <= r < 112 and 64 <= c < 112]
        assert not any(batch.valid_core[0, r, c] for r, c in held_px)


def test_a_raster_without_room_for_the_views_gives_no_pair():
    sites = sites_for([np.ones((40, 40), bool)])
    assert sites.core_sites == 0
    assert sites.sample(np.random.default_rng(0)) is None


def test_draw_pair_batch_redraws_a_pair_that_reads_too_empty():
    # The block map says valid, the pixels say otherwise (a sparse mask): every draw is
    # refused, so the step gets no pair rather than one without a loss.
    valid = np.zeros((192, 192), bool)
    valid[::2, ::2] = True  # 25 % valid everywhere, under the 50 % minimum
    sites = sites_for([np.ones((192, 192), bool)])
    assert draw_pair_batch(reader([valid]), sites, CONFIG, np.random.default_rng(0),
                           torch.device("cpu")) is None


def test_negative_redraw_avoids_the_pair_views():
    valid = [np.ones((192, 192), bool)]
    sites = sites_for(valid)
    rng = np.random.default_rng(2)
    batch = draw_pair_batch(reader(valid), sites, CONFIG, rng, torch.device("cpu"))
    redraw = negative_redraw(reader(valid), sites, batch, CONFIG, rng)
    image, mask = redraw(0)
    assert image.shape == (1, 48, 48) and mask.all()


def coordinate_image(rows: int, cols: int) -> np.ndarray:
    """A raster whose pixels hold their own (row, col): equal values mean equal ground."""
    r, c = np.mgrid[0:rows, 0:cols]
    return np.stack([r, c]).astype(np.int64)


def crop(array: np.ndarray, w: Window) -> np.ndarray:
    return array[..., w.row_off:w.row_off + w.rows, w.col_off:w.col_off + w.cols]


@pytest.mark.parametrize("seed", range(10))
def test_the_two_views_of_a_pair_cover_the_same_core_ground(seed):
    from engine.pairs import core_offset

    image = coordinate_image(192, 176)
    pair = sites_for([np.ones((192, 176), bool)]).sample(np.random.default_rng(seed))
    (ra, ca), (rb, cb) = core_offset(pair.core, pair.view_a), core_offset(pair.core, pair.view_b)
    core_a = crop(image, pair.view_a)[:, ra:ra + 32, ca:ca + 32]
    core_b = crop(image, pair.view_b)[:, rb:rb + 32, cb:cb + 32]
    np.testing.assert_array_equal(core_a, core_b)
    np.testing.assert_array_equal(core_a, crop(image, pair.core))


@pytest.mark.parametrize("seed", range(10))
def test_the_negative_region_overlaps_neither_view(seed):
    from engine.pairs import windows_overlap

    pair = sites_for([np.ones((192, 176), bool)]).sample(np.random.default_rng(seed))
    assert pair.negative_source == pair.source
    assert not windows_overlap(pair.negative, pair.view_a)
    assert not windows_overlap(pair.negative, pair.view_b)
    assert pair.negative.row_off + 48 <= 192 and pair.negative.col_off + 48 <= 176


def test_the_negative_comes_from_another_raster_when_there_is_no_room_beside_the_views():
    # 64 px cannot hold a 48 px view pair and a disjoint 48 px N; the 160 px raster can.
    valid = [np.ones((64, 64), bool), np.ones((160, 160), bool)]
    rng = np.random.default_rng(1)
    pairs = [sites_for(valid).sample(rng) for _ in range(30)]
    assert all(p.negative_source == 1 for p in pairs if p.source == 0)
    assert any(p.source == 0 for p in pairs)
