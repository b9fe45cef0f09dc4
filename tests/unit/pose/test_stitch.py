"""Chunking a video for parallel workers and stitching the chunks' ids back together."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.pose.pipeline import split_chunks
from cuedetect.pose.sources import VideoInfo
from cuedetect.pose.stitch import renumber, stitch
from cuedetect.pose.tracked import Tracks

FPS = 15
_TEMPLATE = np.random.default_rng(1).uniform([-0.1, -0.4], [0.1, 0.4], size=(33, 2))


def info(n: int) -> VideoInfo:
    times = np.arange(n) / FPS
    return VideoInfo(None, 1280, 720, 0, "h264", times, np.arange(n), np.arange(0, n, 30))  # type: ignore[arg-type]


def chunk(frames: np.ndarray, people: dict[int, float], colours: dict[int, int] | None = None) -> Tracks:
    """People standing still at x positions `people` (local id -> x) in every frame of `frames`."""
    rows = [(f, pid, x) for f in frames for pid, x in people.items()]
    xy = np.stack([np.asarray([x, 0.5]) + _TEMPLATE for _, _, x in rows]).astype(np.float32)
    app = {}
    for pid, c in (colours or {}).items():
        h = np.full(64, 0.2 / 63, np.float32)
        h[c] = 0.8
        app[pid] = h
    return Tracks(
        frames.astype(np.int64),
        frames / FPS,
        np.asarray([r[0] for r in rows], np.int64),
        np.asarray([r[0] for r in rows]) / FPS,
        np.asarray([r[1] for r in rows], np.int64),
        xy,
        np.ones((len(rows), 33), np.float32),
        np.zeros((len(rows), 33, 3), np.float32),
        app,
        (1280, 720),
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4000), st.integers(1, 8), st.floats(0.0, 2.0))
def test_chunks_cover_every_frame_once_and_overlap_backwards(n: int, jobs: int, overlap: float) -> None:
    times = np.arange(n) / 30
    idx = np.arange(0, n, 2)
    chunks = split_chunks(idx, times, jobs, overlap)
    assert 1 <= len(chunks) <= jobs
    owns = [own for _, own in chunks]
    assert owns == sorted(owns) and owns[0] == idx[0]
    owned = np.concatenate(
        [
            c[c >= own] if k + 1 == len(chunks) else c[(c >= own) & (c < owns[k + 1])]
            for k, (c, own) in enumerate(chunks)
        ]
    )
    assert np.array_equal(owned, idx)  # every sampled frame belongs to exactly one chunk
    for c, own in chunks[1:]:
        assert times[own] - times[c[0]] <= overlap + 1e-9  # overlap reaches back at most `overlap`
    if len(chunks) > 1:
        assert min(times[c[-1]] - times[c[0]] for c, _ in chunks) >= 4.0 - 2 * 1 / 15


def test_stitch_matches_ids_across_the_overlap() -> None:
    # Chunk 0 owns frames 0..59; chunk 1 owns 60.. and also saw 45..59. Its local ids are swapped.
    a = chunk(np.arange(0, 60), {0: 0.3, 1: 0.7})
    b = chunk(np.arange(45, 120), {0: 0.7, 1: 0.3, 2: 0.5})  # and someone new appears
    out = stitch([a, b], [0, 60], info(120))
    at = {int(p): float(np.mean(out.xy[out.person == p][:, :, 0])) for p in np.unique(out.person)}
    assert at[0] == pytest.approx(0.3, abs=0.02) and at[1] == pytest.approx(0.7, abs=0.02)
    assert at[2] == pytest.approx(0.5, abs=0.02)
    assert np.array_equal(np.unique(out.frame), np.arange(120))
    assert len(out.frame) == 60 * 2 + 60 * 3  # overlap rows come from one chunk only


def test_stitch_reidentifies_by_colour_someone_absent_at_the_boundary() -> None:
    a = chunk(np.arange(0, 60), {0: 0.3}, {0: 4})
    a_gone = Tracks(
        *[getattr(a, f) for f in ("analysed", "analysed_t")],
        *[getattr(a, f)[a.frame < 50] for f in ("frame", "t", "person", "xy", "vis", "world")],
        a.appearance,
        a.size,
    )
    b = chunk(np.arange(63, 120), {5: 0.6}, {5: 4})  # back 0.9 s later, elsewhere, same colours
    b.analysed = np.arange(45, 120)
    b.analysed_t = b.analysed / FPS
    out = stitch([a_gone, b], [0, 60], info(120))
    assert set(np.unique(out.person)) == {0}


def test_renumber_drops_flukes_and_numbers_by_first_appearance() -> None:
    res = chunk(np.arange(0, 30), {7: 0.2, 3: 0.8})
    fluke = chunk(np.arange(10, 13), {9: 0.5})  # 0.13 s
    merged = Tracks(
        res.analysed,
        res.analysed_t,
        *[
            np.concatenate([getattr(res, f), getattr(fluke, f)])
            for f in ("frame", "t", "person", "xy", "vis", "world")
        ],
        res.appearance,
        res.size,
    )
    out = renumber(merged, 0.3)
    assert sorted(np.unique(out.person)) == [0, 1]
    assert np.all(np.diff(out.frame) >= 0)
