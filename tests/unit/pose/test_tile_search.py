"""`cuedetect.pose.tile_search`: the tile grid covers the frame, sweeps run only while someone is missing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.proposals import Detection
from cuedetect.pose.tile_search import (
    TileSearch,
    TileSearchOptions,
    same_pose,
    tile_grid,
    whole_inside,
)

BLANK = np.zeros((360, 640, 3), np.uint8)


@settings(max_examples=60, deadline=None)
@given(st.integers(64, 2000), st.integers(64, 2000), st.floats(0.2, 0.9), st.floats(0.0, 0.7))
def test_grid_covers_the_frame_with_square_tiles_inside_it(w, h, tile, overlap):
    tiles = tile_grid((w, h), tile, overlap)
    cover = np.zeros((h, w), bool)
    for x0, y0, x1, y1 in tiles:
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
        cover[y0:y1, x0:x1] = True
    assert cover.all()
    side = max(16, round(min(w, h) * tile))
    assert all(x1 - x0 == min(side, w) and y1 - y0 == min(side, h) for x0, y0, x1, y1 in tiles)


def test_a_person_of_a_third_of_the_tile_is_whole_in_some_tile():
    """With half-overlapping tiles, a person up to half a tile tall lies wholly inside one."""
    w, h = 640, 360
    tiles = tile_grid((w, h), 0.45, 0.5)
    side = tiles[0][2] - tiles[0][0]
    rng = np.random.default_rng(0)
    for _ in range(200):
        bh, bw = side / 2, side / 6
        x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
        assert any(x0 <= x and x + bw <= x1 and y0 <= y and y + bh <= y1 for x0, y0, x1, y1 in tiles)


def _sweep(search: TileSearch, tracked: int, known=()) -> list:
    seen = []
    for _ in range(100):
        views = search.views(BLANK, tracked, list(known))
        if not views:
            break
        seen.extend(views)
    return seen


def test_one_whole_sweep_while_someone_is_missing_then_a_rest():
    o = TileSearchOptions(per_frame=3, rest=5, fine_tile=None)
    search = TileSearch(o)
    grid = tile_grid((640, 360), o.tile, o.overlap)
    seen = _sweep(search, tracked=1)
    assert sorted(seen) == sorted(grid)  # every tile once
    assert [search.views(BLANK, 1, []) for _ in range(4)] == [[]] * 4  # resting (one frame went above)
    assert search.views(BLANK, 1, [])  # and sweeping again


def test_a_fruitless_sweep_is_followed_at_once_by_one_over_finer_tiles_then_a_rest():
    o = TileSearchOptions(per_frame=3, rest=5, tile=0.45, fine_tile=0.3)
    search = TileSearch(o)
    coarse, fine = tile_grid((640, 360), 0.45, o.overlap), tile_grid((640, 360), 0.3, o.overlap)
    seen = _sweep(search, tracked=1)
    assert len(fine) > len(coarse) and sorted(seen) == sorted(coarse + fine)  # both levels, each tile once
    assert seen[: len(coarse)] != seen[len(coarse) :] and set(seen[len(coarse) :]) == set(fine)
    assert [search.views(BLANK, 1, []) for _ in range(4)] == [[]] * 4  # then resting
    assert search.tile == 0.45 and sorted(_sweep(search, tracked=1)[: len(coarse)]) == sorted(coarse)


@pytest.mark.parametrize("height, fine", [(0.12, True), (0.3, True), (0.5, False)])
def test_the_finer_level_runs_only_beside_small_tracked_people(height, fine):
    o = TileSearchOptions(per_frame=100, tile=0.45, fine_tile=0.3, fine_beside=0.35)
    search = TileSearch(o)
    tracked = [np.array([0.1, 0.2, 0.15, 0.2 + height])]
    coarse = search.views(BLANK, 1, tracked)
    then = search.views(BLANK, 1, tracked)
    assert len(coarse) == len(tile_grid((640, 360), 0.45, o.overlap))
    if fine:
        assert search.tile == 0.3 and len(then) > len(coarse)
    else:
        assert then == [] and search.tile == 0.45  # resting after the coarse sweep alone


def test_a_sweep_that_finds_someone_is_not_followed_by_the_finer_level():
    o = TileSearchOptions(per_frame=100, tile=0.45, fine_tile=0.3)
    search = TileSearch(o)
    assert len(search.views(BLANK, 1, [])) == len(tile_grid((640, 360), 0.45, o.overlap))
    search.found()
    assert search.tile == 0.45
    assert len(search.views(BLANK, 1, [])) == len(tile_grid((640, 360), 0.45, o.overlap))  # coarse again


@pytest.mark.parametrize("tracked, expected, sweeps", [(2, 2, False), (3, 2, False), (1, 2, True),
                                                       (0, 1, True), (0, 0, False)])  # fmt: skip
def test_sweeps_only_while_fewer_than_expected_are_tracked(tracked, expected, sweeps):
    search = TileSearch(TileSearchOptions(expected=expected))
    assert bool(search.views(BLANK, tracked, [])) is sweeps


def test_sweep_stops_when_everyone_is_tracked_and_restarts_when_someone_is_lost():
    search = TileSearch(TileSearchOptions(per_frame=2, rest=50))
    assert len(search.views(BLANK, 1, [])) == 2
    assert search.views(BLANK, 2, []) == []  # both tracked: the sweep ends
    assert len(search.views(BLANK, 1, [])) == 2  # someone lost: a new sweep at once, no rest
    assert search.sweeps == 2


def test_tiles_a_tracked_person_fills_are_skipped():
    o = TileSearchOptions(per_frame=100)
    grid = tile_grid((640, 360), o.tile, o.overlap)
    x0, y0, x1, y1 = grid[0]
    big = np.array([x0 / 640, y0 / 360, x1 / 640, y1 / 360])  # fills tile 0 exactly
    views = TileSearch(o).views(BLANK, 1, [big])
    assert grid[0] not in views and len(views) < len(grid)


def test_tiles_with_motion_come_first():
    search = TileSearch(TileSearchOptions(per_frame=1, rest=1))
    _sweep(search, tracked=1)  # the first sweep remembers this frame
    moved = BLANK.copy()
    moved[300:360, 0:60] = 255  # something moves in the bottom-left corner
    first = search.views(moved, 1, [])[0]
    assert first[0] == 0 and first[3] == 360


def test_fruitless_sweeps_rest_longer_and_longer_up_to_a_limit():
    search = TileSearch(TileSearchOptions(rest=10, max_rest=35, fine_tile=None))
    assert [search.rest_after(k) for k in (1, 2, 3, 4)] == [10, 20, 35, 35]
    lengths = []
    for _ in range(3):  # three fruitless sweeps with one person tracked: the rests between them grow
        _sweep(search, tracked=1)
        n = 1
        while not search.views(BLANK, 1, []):
            n += 1
        lengths.append(n)
    assert lengths == [10, 20, 35]


def test_a_sweep_that_finds_someone_is_followed_by_another_at_once():
    search = TileSearch(TileSearchOptions(per_frame=100, rest=10))
    assert search.views(BLANK, 0, [])
    search.found()
    assert search.views(BLANK, 1, [])  # still one missing: the next sweep starts right away


def _standing(x: float, y: float, height: float) -> KeyPoints:
    xy = np.full((1, 33, 2), np.nan, np.float32)
    xy[0, :, 0] = x + np.linspace(-0.1, 0.1, 33) * height
    xy[0, :, 1] = y + np.linspace(0, 1, 33) * height
    return KeyPoints(xy, np.ones((1, 33), np.float32))


@pytest.mark.parametrize("dx, dy, same", [(0, 0, True), (0.005, 0.01, True), (0.0, 0.03, False),
                                          (0.05, 0.0, False)])  # fmt: skip
def test_same_pose_agrees_within_a_tenth_of_the_body_height(dx, dy, same):
    a = _standing(0.5, 0.4, 0.2)
    assert same_pose(a, _standing(0.5 + dx, 0.4 + dy, 0.2)) is same


def test_same_pose_needs_enough_joints_in_both():
    a, b = _standing(0.5, 0.4, 0.2), _standing(0.5, 0.4, 0.2)
    b.xy[0, [11, 12, 23, 24, 25]] = np.nan
    assert not same_pose(a, b)


@pytest.mark.parametrize("x, y, height, inside", [
    (0.5, 0.4, 0.2, True),     # a far person wholly in the tile
    (0.5, 0.27, 0.45, False),  # too tall for a person found in a tile: a face read as a body
    (0.5, 0.7, 0.2, False),    # legs drawn below the tile
    (0.75, 0.4, 0.2, False),   # beside the tile
])  # fmt: skip
def test_a_tile_finds_only_people_standing_wholly_inside_it(x, y, height, inside):
    view = (160, 90, 480, 270)  # the middle half of a 640x360 frame
    assert whole_inside(_standing(x, y, height), view, (640, 360)) is inside


def _detection(kp: KeyPoints) -> Detection:
    return Detection(kp, kp.boxes(0.3)[0], None, None)


@pytest.mark.parametrize("second, kept, height, sizes", [
    ("same", True, 0.2, 1),     # found again by the tile centred on them: a person
    ("moved", False, 0.2, 2),   # the second look sees someone elsewhere: a phantom of the first crop
    ("nobody", False, 0.2, 2),  # the second look sees nobody: a phantom (3 and 2.4 heights: both the tile)
    ("nobody", False, 0.1, 3),  # the same for a small person (looked at three times, in three crop sizes)
])  # fmt: skip
def test_a_person_found_in_a_tile_counts_only_when_a_second_look_finds_the_same_pose(
    second, kept, height, sizes
):
    person = _standing(0.5, 0.4, height)
    again = {"same": [_detection(person)], "moved": [_detection(_standing(0.5, 0.45, height))], "nobody": []}
    looks: list[tuple[tuple[int, int, int, int], int]] = []

    def look(view, known):
        looks.append((view, len(known)))
        if len(looks) == 1:  # the tile of the sweep: the person, whole inside only the middle tile
            return [_detection(person)] if view == (160, 90, 480, 270) else []
        return again[second]

    search = TileSearch(TileSearchOptions(per_frame=100, second_looks=(3.0, 2.4, 1.6)))
    search._queue = [(160, 90, 480, 270)]  # one tile, the middle of the frame
    search._running = True
    new = search.search(BLANK, [_detection(_standing(0.1, 0.1, 0.5))], look)
    assert [d.keypoints is person for d in new] == ([True] if kept else [])
    # The tracked person is left out of every look; a failed second look is tried again at each other
    # crop size (a small person is found in some sizes and not in others); sizes capped at the tile's
    # side to the same view are looked at once.
    assert [n for _, n in looks] == [1] * (1 + sizes)
    box = _detection(person).box
    views = list(dict.fromkeys(search.second_look(box, (640, 360), c) for c in search.options.second_looks))
    assert [v for v, _ in looks[1:]] == views[:sizes]
    assert TileSearchOptions().second_looks == (3.0, 2.4)  # the third size is off by default


def test_the_second_look_is_about_three_body_heights_at_most_the_sweep_tile():
    search = TileSearch(TileSearchOptions(tile=0.45))
    small = np.array([0.5, 0.4, 0.52, 0.5])  # 36 px tall in a 640x360 frame
    x0, y0, x1, y1 = search.second_look(small, (640, 360))
    assert x1 - x0 == y1 - y0 == 108 and abs((x0 + x1) / 2 - 326) <= 1 and abs((y0 + y1) / 2 - 162) <= 1
    x0, _, x1, _ = search.second_look(np.array([0.4, 0.1, 0.5, 0.6]), (640, 360))  # tall: the tile's side
    assert x1 - x0 == 162
