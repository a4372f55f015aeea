"""Tests of engine.tile_selection: consistent tiles kept, road-bearing ones among them."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import BadInputError
from engine.io.raster import Window
from engine.pseudo_labels import TileScore
from engine.tile_selection import select_tiles, selection_change


def score(i: int, inconsistency: float, *, road_share: float = 0.0, road_confident: float = 1.0,
          background_confident: float = 1.0) -> TileScore:
    return TileScore(0, Window(0, 32 * i, 32, 32), inconsistency, road_share, inconsistency,
                     road_confident, background_confident, np.zeros((32, 32), np.uint8))


def test_select_tiles_keeps_the_most_consistent_share():
    scores = [score(i, d) for i, d in enumerate([0.5, 0.1, 0.4, 0.05, 0.3])]
    kept = select_tiles(scores, keep_fraction=0.4, min_confident_fraction=0.0)
    assert [s.inconsistency for s in kept] == [0.05, 0.1]


def test_select_tiles_keeps_consistent_road_tiles_beside_quieter_road_free_ones():
    # Road-free tiles always look calmer (their few flips spread over many pixels); a
    # ranking across both kinds would keep road-free tiles only.
    free = [score(i, 0.001 * (i + 1)) for i in range(10)]
    road = [score(10 + i, 0.05 + 0.01 * i, road_share=0.08) for i in range(4)]
    kept = select_tiles(free + road, keep_fraction=0.2, min_confident_fraction=0.0,
                        road_strata=1, road_tile_share=0.5)
    assert len(kept) == 3
    assert [s.key for s in kept if s.road_share > 0] == [road[0].key, road[1].key]


def test_select_tiles_ranks_road_tiles_within_strata_of_road_share():
    # Busy tiles (much road) are less consistent than quiet ones; each stratum keeps its
    # own best tiles instead of the quiet stratum taking every place.
    quiet = [score(i, 0.01 * (i + 1), road_share=0.02) for i in range(4)]
    busy = [score(4 + i, 0.3 + 0.01 * i, road_share=0.3) for i in range(4)]
    kept = select_tiles(quiet + busy, keep_fraction=0.5, min_confident_fraction=0.0,
                        road_strata=2)
    assert {s.key for s in kept} == {quiet[0].key, quiet[1].key, busy[0].key, busy[1].key}


@pytest.mark.parametrize(("road_confident", "background_confident", "kept"), [
    (0.3, 1.0, False),  # too few of the predicted road pixels are confident road
    (1.0, 0.3, False),  # too few of the predicted background pixels are confident
    (float("nan"), 0.9, True),  # no predicted road: the road rule does not apply
    (0.9, float("nan"), True),  # all road: the background rule does not apply
])
def test_select_tiles_applies_the_confident_rule_per_class(road_confident, background_confident,
                                                           kept):
    tile = score(0, 0.01, road_share=0.1, road_confident=road_confident,
                 background_confident=background_confident)
    out = select_tiles([tile], keep_fraction=1.0, min_confident_fraction=0.5)
    assert (len(out) == 1) is kept


def test_select_tiles_rejects_fraction_outside_unit_interval():
    with pytest.raises(BadInputError, match="keep_fraction must be in"):
        select_tiles([score(0, 0.1)], keep_fraction=1.5, min_confident_fraction=0.0)


def test_selection_change_counts_the_tiles_that_left():
    # The selection grows each round; only tiles dropped from it say it is unstable.
    assert selection_change({1, 2, 3, 4}, {2, 3, 4, 5, 6, 7}) == pytest.approx(0.25)
    assert selection_change({1, 2}, {1, 2, 3, 4}) == 0.0
    assert selection_change(set(), {1}) == 0.0
