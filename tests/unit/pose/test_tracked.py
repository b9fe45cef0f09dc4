"""The one track container: its per-person view is exactly what poses.parquet gives back."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.cues.tracks import tracks_from_poses
from cuedetect.pose.tracked import Tracks


def _random_tracks(seed: int, n_frames: int, people: int, missing: float) -> Tracks:
    rng = np.random.default_rng(seed)
    frames = np.arange(n_frames) * 2
    rows = [(f, p) for f in frames for p in range(people) if rng.random() > missing or p == 0]
    frame = np.array([r[0] for r in rows], np.int64)
    person = np.array([r[1] for r in rows], np.int64)
    n = len(rows)
    xy = rng.random((n, 33, 2)).astype(np.float32)
    xy[rng.random((n, 33)) < 0.1] = np.nan
    vis, world = rng.random((n, 33)).astype(np.float32), rng.normal(size=(n, 33, 3)).astype(np.float32)
    tracks = Tracks(frames, frames / 30.0, frame, frame / 30.0, person, xy, vis, world, size=(1280, 720))
    tracks.floor = np.where(rng.random((n, 1)) < 0.2, np.nan, rng.normal(size=(n, 3)))
    tracks.interpolated = rng.random(n) < 0.1
    return tracks


@settings(max_examples=25)
@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(1, 3), st.floats(0, 0.5))
def test_person_tracks_equal_the_parquet_round_trip(seed: int, n_frames: int, people: int, missing: float
                                                     ) -> None:  # fmt: skip
    tracks = _random_tracks(seed, n_frames, people, missing)
    direct = tracks.person_tracks()
    via_table = tracks_from_poses(tracks.to_table())
    assert [t.person for t in direct] == [t.person for t in via_table]
    for a, b in zip(direct, via_table, strict=True):
        for field in ("frame", "t", "xy", "vis", "world", "floor"):
            x, y = getattr(a, field), getattr(b, field)
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), field


@settings(max_examples=15)
@given(st.integers(0, 10_000), st.integers(1, 8), st.integers(1, 3), st.floats(0, 0.5))
def test_tracks_come_back_whole_from_their_table(seed: int, n_frames: int, people: int, missing: float
                                                  ) -> None:  # fmt: skip
    tracks = _random_tracks(seed, n_frames, people, missing)
    back = Tracks.from_table(tracks.to_table(), tracks.size)
    assert back.size == tracks.size and np.array_equal(back.analysed, np.unique(tracks.frame))
    for field in ("frame", "t", "person", "xy", "vis", "world", "floor", "interpolated"):
        x, y = np.asarray(getattr(tracks, field)), np.asarray(getattr(back, field))
        assert np.allclose(x.astype(float), y.astype(float), equal_nan=True), field


def test_select_keeps_rows_together() -> None:
    tracks = _random_tracks(1, 6, 2, 0.0)
    keep = tracks.person == 1
    part = tracks.select(keep)
    assert len(part) == keep.sum() and set(part.person) == {1}
    assert np.array_equal(part.floor, tracks.floor[keep], equal_nan=True)
    assert np.array_equal(part.interpolated, tracks.interpolated[keep])
    assert part.size == tracks.size and np.array_equal(part.analysed, tracks.analysed)


def test_table_marks_interpolated_rows_and_floor() -> None:
    tracks = _random_tracks(2, 5, 2, 0.0)
    table = tracks.to_table()
    assert list(table["interpolated"]) == list(tracks.interpolated)
    floor = table[["floor_x_m", "floor_y_m", "floor_sd_m"]].to_numpy()
    assert np.array_equal(floor, tracks.floor, equal_nan=True)


def test_rows_replaced_after_creation_still_make_a_table() -> None:
    """Live mode's history fills an empty container's row arrays in place."""
    tracks = Tracks.empty((640, 480))
    full = _random_tracks(3, 4, 2, 0.0)
    for name in ("frame", "t", "person", "xy", "vis", "world"):
        setattr(tracks, name, getattr(full, name))
    table = tracks.to_table()
    assert len(table) == len(full) and not table["interpolated"].any()
    assert table["floor_x_m"].isna().all()
    assert [len(t) for t in tracks.person_tracks()] == [len(t) for t in full.person_tracks()]
