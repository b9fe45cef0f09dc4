"""`cuedetect.pose.still_gate`: when a person's crop counts as unchanged since the network last read it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.still_gate import LastRead, StillGate, StillGateOptions, crop_change, thumbnail

WIN = (100, 50, 420, 690)
OPTS = StillGateOptions(max_mean=1.5, max_cell=12.0, max_age_s=0.4, side=32)


def _kp() -> KeyPoints:
    return KeyPoints(np.full((1, 33, 2), 0.5, np.float32), np.ones((1, 33), np.float32))


def _last(thumb: np.ndarray, ms: int = 1000, window=WIN) -> LastRead:
    return LastRead(ms, window, thumb, _kp())


def _thumb(value: float = 100.0) -> np.ndarray:
    return np.full((32, 16), value, np.float32)


def _cell(delta: float) -> np.ndarray:
    t = _thumb()
    t[10, 5] += delta
    return t


@pytest.mark.parametrize(
    ("last", "window", "thumb", "ms", "still"),
    [
        (_last(_thumb()), WIN, _thumb(), 1066, True),  # same pixels, next frame
        (_last(_thumb()), WIN, _thumb(101.4), 1066, True),  # a little brighter everywhere: under the mean
        (_last(_thumb()), WIN, _thumb(101.6), 1066, False),  # over the mean
        (_last(_thumb()), WIN, _cell(11.0), 1066, True),  # one cell changed a little
        (_last(_thumb()), WIN, _cell(13.0), 1066, False),  # one cell changed a lot: a hand raised
        (_last(_thumb()), WIN, _thumb(), 1400, True),  # the age limit itself
        (_last(_thumb()), WIN, _thumb(), 1401, False),  # older than max_age_s: read again
        (_last(_thumb()), WIN, _thumb(), 1000, False),  # not after the read
        (_last(_thumb()), (100, 52, 420, 692), _thumb(), 1066, False),  # the crop moved
        (_last(np.full((32, 17), 100.0, np.float32)), WIN, _thumb(), 1066, False),  # another shape
        (None, WIN, _thumb(), 1066, False),  # never read
        (_last(_thumb()), WIN, _thumb(), 1001, True),  # one millisecond after the read
        (_last(_thumb()), WIN, _thumb(101.5), 1066, False),  # the mean exactly at its limit is a change
        (_last(_thumb()), WIN, _cell(12.0), 1066, False),  # one cell exactly at its limit is a change
    ],
)
def test_still_only_for_the_same_window_little_changed_and_recent(last, window, thumb, ms, still):
    assert StillGate(OPTS).still(last, window, thumb, ms) is still


@pytest.mark.parametrize(("age_s", "ms", "still"), [(1.0, 2000, True), (1.0, 2001, False), (0.1, 1100, True),
                                                     (0.1, 1101, False)])  # fmt: skip
def test_the_age_limit_is_max_age_s_in_milliseconds(age_s, ms, still):
    gate = StillGate(StillGateOptions(max_age_s=age_s))
    assert gate.still(_last(_thumb()), WIN, _thumb(), ms) is still


def test_kept_gives_the_last_reads_landmarks_when_still():
    gate = StillGate(OPTS)
    last = _last(_thumb())
    assert gate.kept(last, WIN, _thumb(), 1066) is last.keypoints
    assert gate.kept(last, WIN, _cell(40.0), 1066) is None
    assert gate.kept(None, WIN, _thumb(), 1066) is None
    assert gate.kept(last, WIN, _thumb(100.5), 1132) is last.keypoints


@pytest.mark.parametrize(
    ("h", "w", "expect"),
    [(640, 320, (32, 16)), (200, 400, (16, 32)), (30, 30, (32, 32)), (1, 1, (32, 32)),
     (640, 10, (32, 1)), (10, 640, (1, 32))],  # a sliver of a crop keeps one cell across, not two
)  # fmt: skip
def test_thumbnail_is_grey_with_its_longer_side_in_cells(h, w, expect):
    crop = np.zeros((h, w, 3), np.uint8)
    crop[..., 1] = 200  # green
    t = thumbnail(crop, 32)
    assert t.shape == expect and t.dtype == np.float32
    assert np.allclose(t, round(0.587 * 200), atol=1)  # luma of pure green


def test_a_small_hand_moving_changes_a_cell_more_than_the_mean():
    """Why both limits: a hand-sized patch moving in a 320x640 crop hardly moves the mean."""
    rng = np.random.default_rng(0)
    crop = rng.integers(90, 110, (640, 320, 3), dtype=np.uint8)
    moved = crop.copy()
    moved[200:240, 40:80] = 250  # a bright hand, 40 px
    mean, cell = crop_change(thumbnail(crop, 32), thumbnail(moved, 32))
    assert mean < OPTS.max_mean < OPTS.max_cell < cell


@given(st.floats(0, 255), st.floats(-50, 50))
def test_change_is_symmetric_and_zero_for_the_same(value, delta):
    a, b = _thumb(value), _cell(delta)
    assert crop_change(a, a) == (0.0, 0.0)
    assert crop_change(a, b) == crop_change(b, a)


def test_thumbnail_cells_are_area_averages_not_samples():
    """Every fourth column white averages to a quarter grey; sampling (or blending two pixels) would not."""
    crop = np.zeros((640, 320, 3), np.uint8)
    crop[:, ::4] = 255
    assert np.allclose(thumbnail(crop, 32), 255 / 4, atol=1)
