"""The pair rules' parts on hand-made tables: frames aligned by number, who approached, the distance's
uncertainty by pair, and the evidence words (the mutation run on `cues/rules.py` found these untested)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.rules import _approacher, _how, pair_distance_sds, pair_series
from cuedetect.pose.tracked import PersonTrack


def _track(person: int, frames, floor_x, fps: float = 10.0) -> PersonTrack:
    """A person seen in `frames` (any numbers, gaps allowed) with floor x `floor_x`, z = 1 m."""
    frames = np.asarray(frames)
    n = len(frames)
    floor = np.stack([np.asarray(floor_x, float), np.ones(n)], axis=1)
    return PersonTrack(person, frames, frames / fps, np.full((n, 33, 2), np.nan), np.ones((n, 33)),
                       np.full((n, 33, 3), np.nan), floor)  # fmt: skip


def test_pair_series_aligns_the_two_people_by_frame_number_not_by_row() -> None:
    # a is seen in frames 0-29, b only from frame 10 and not in frame 20; both move, so any row shift shows
    fa = np.arange(30)
    fb = np.array([f for f in range(10, 36) if f != 20])
    a, b = _track(0, fa, 0.01 * fa), _track(1, fb, 3.0 - 0.02 * fb)
    s = pair_series(a, b, {})  # default settings
    shared = np.array([f for f in range(10, 30) if f != 20])
    assert s["frame"].tolist() == shared.tolist()
    assert s["t"].to_numpy() == pytest.approx(shared / 10.0)
    assert s["ax"].to_numpy() == pytest.approx(0.01 * shared)
    assert s["bx"].to_numpy() == pytest.approx(3.0 - 0.02 * shared)
    assert s["d"].to_numpy() == pytest.approx(3.0 - 0.03 * shared)
    assert not s["from_image"].any()


def test_pair_series_averages_a_frame_seen_twice_and_reads_the_pairs_table_by_frame() -> None:
    a = _track(0, [0, 1, 1, 2, 3], [0.0, 0.2, 0.4, 0.6, 0.8])
    b = _track(1, [1, 2, 3, 4], [2.0, 2.0, 2.0, 2.0])
    s = pair_series(a, b, {})
    assert s["ax"].tolist() == pytest.approx([0.3, 0.6, 0.8])
    dists = {(0, 1): pd.Series([9.0, 1.1, 1.2, 1.3, 9.0], index=[0, 1, 2, 3, 4])}
    assert pair_series(a, b, dists)["d"].tolist() == pytest.approx([1.1, 1.2, 1.3])


def _pairs(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["frame", "person", "other", "distance_m", "distance_sd_m"])


def test_pair_distance_sds_keys_each_unordered_pair_and_averages_both_orders() -> None:
    pairs = _pairs([
        (0, 0, 1, 1.0, 0.1), (0, 1, 0, 1.0, 0.3),  # the same pair in both orders: averaged
        (0, 2, 1, 2.0, 0.5), (1, 1, 2, 2.0, 0.7),
    ])  # fmt: skip
    sds = pair_distance_sds(pairs)
    assert set(sds) == {(0, 1), (1, 2)}
    assert sds[(0, 1)].to_dict() == pytest.approx({0: 0.2})
    assert sds[(1, 2)].to_dict() == pytest.approx({0: 0.5, 1: 0.7})


def test_pair_distance_sds_of_one_row_and_of_tables_without_it() -> None:
    assert set(pair_distance_sds(_pairs([(3, 1, 0, 1.0, 0.25)]))) == {(0, 1)}
    assert pair_distance_sds(_pairs([]).drop(columns="distance_sd_m")) == {}
    assert pair_distance_sds(_pairs([(3, 1, 0, 1.0, 0.25)]).drop(columns="distance_sd_m")) == {}
    assert pair_distance_sds(None) == {}


def _moves(a0, a1, b0, b1) -> pd.DataFrame:
    return pd.DataFrame([[*a0, *b0], [*a1, *b1]], columns=["ax", "az", "bx", "bz"])


@pytest.mark.parametrize(
    ("a0", "a1", "b0", "b1", "who"),
    [
        ((1, 0), (1, 0), (4, 0), (3, 0), (1, 0)),  # b walks up to a
        ((1, 0), (2, 0), (4, 0), (4, 0), (0, 1)),  # a walks up to b
        ((1, 0), (1.5, 0), (4, 0), (3.5, 0), (0, 1)),  # both, equally: a (the first) is named
        ((1, 0), (1.4, 0), (4, 0), (3.5, 0), (1, 0)),  # both, b more
        ((1, 0), (0.5, 0), (4, 0), (4.2, 0), (1, 0)),  # both back off, b less
        # off the line between them: a steps sideways (no approach), b comes 1 m closer
        ((0, 4), (0, 5), (3, 4), (2, 4), (1, 0)),
    ],
)
def test_the_approacher_is_who_moved_more_toward_the_other(a0, a1, b0, b1, who) -> None:
    assert _approacher(_moves(a0, a1, b0, b1), 0, 1) == who


def test_the_approacher_is_unknown_without_both_floor_positions() -> None:
    assert _approacher(_moves((np.nan, 0), (1, 0), (4, 0), (3, 0)), 0, 1) is None
    assert _approacher(_moves((1, 0), (1, 0), (4, 0), (3, np.nan)), 0, 1) is None


PICTURE = " (estimated from the picture: the floor distance is uncertain in this view)"


@pytest.mark.parametrize(
    ("from_image", "i0", "i1", "words"),
    [
        ([True, False, False, False], 0, 1, PICTURE),  # half of rows 0..1: the picture's
        ([True, False, False, False], 0, 2, ""),  # a third
        ([False, True, True, False, False], 1, 2, PICTURE),
        ([False, True, False, False, False], 2, 4, ""),
        ([False, False, False, True], 0, 2, ""),  # the row after the span does not count
    ],
)
def test_evidence_says_when_the_distance_came_from_the_picture(from_image, i0, i1, words) -> None:
    assert _how(pd.DataFrame({"from_image": from_image}), i0, i1) == words
