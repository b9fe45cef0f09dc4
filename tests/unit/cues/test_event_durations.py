"""How long a run of frames lasts for the minimum duration and the merge gap, at any frame rate.

A span's duration is the time from its first frame to its last frame (`hysteresis_spans`), not the
frames' own time (one frame period more): measured on both dev sets, the frames' own time let more
false alarms through than it found cues (cues README, "How long an event lasts"). These tables pin
that rule at 6 fps (the studio renders), 15 fps (real video as analysed) and 30 fps, at its exact
boundaries, so that an off-by-one either way (the frames' own time, a strict comparison, an index
shifted by one) fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.events import hysteresis_spans

ON, OFF, MIN_S, GAP_S = 0.6, 0.4, 0.4, 0.4


def _run(fps: float, frames: int, first: int, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """`frames` frames over the threshold from frame `first` on (from 0, t[k] - t[0] = k / fps exactly)."""
    t = np.arange(n) / fps
    p = np.zeros(n)
    p[first : first + frames] = 0.9
    return p, t


@pytest.mark.parametrize(
    ("fps", "frames", "first", "kept"),
    [
        (6, 1, 0, False),  # one frame: 0 s
        (6, 2, 0, False),  # 0.17 s
        (6, 3, 0, False),  # 0.33 s (its frames' own time, 0.5 s, would pass)
        (6, 3, 10, False),  # the same later in the clip (a frame before or after it would make 0.5 s)
        (6, 4, 0, True),  # 0.5 s
        (6, 4, 10, True),
        (15, 1, 0, False),
        (15, 2, 0, False),
        (15, 6, 0, False),  # 0.33 s (own time 0.4 s would pass)
        (15, 7, 0, True),  # 6 / 15 = 0.4 s exactly: at the minimum is long enough
        (30, 1, 0, False),
        (30, 12, 0, False),  # 0.37 s
        (30, 13, 0, True),  # 12 / 30 = 0.4 s exactly
    ],
)
def test_a_run_is_as_long_as_from_its_first_frame_to_its_last(
    fps: int, frames: int, first: int, kept: bool
) -> None:
    p, t = _run(fps, frames, first)
    expected = [(first, first + frames - 1)] if kept else []
    assert hysteresis_spans(p, t, ON, OFF, MIN_S, GAP_S) == expected


@pytest.mark.parametrize(
    ("fps", "off_frames", "merged"),
    [
        (6, 1, True),  # the next span starts 2 frames = 0.33 s after the last frame of the first
        (6, 2, False),  # 0.5 s
        (15, 4, True),  # 0.33 s
        (15, 6, False),  # 0.47 s
        (30, 10, True),  # 0.37 s
        (30, 12, False),  # 0.43 s
    ],
)
def test_a_gap_is_from_the_last_frame_of_one_span_to_the_first_of_the_next(
    fps: int, off_frames: int, merged: bool
) -> None:
    n = 90
    t = np.arange(n) / fps
    p = np.zeros(n)
    p[5:20] = 0.9
    p[20 + off_frames : 40 + off_frames] = 0.9
    spans = hysteresis_spans(p, t, ON, OFF, 0.0, GAP_S)
    assert spans == ([(5, 39 + off_frames)] if merged else [(5, 19), (20 + off_frames, 39 + off_frames)])


RATES = st.sampled_from([6.0, 10.0, 12.0, 15.0, 25.0, 30.0])


def _kept(start: float, dur: float, fps: float, phase: float, min_s: float) -> bool:
    """Whether a cue shown from `start` for `dur` seconds (frames at (k + phase) / fps) gives an event."""
    t = (np.arange(int((start + dur + 1.0) * fps) + 2) + phase) / fps
    p = np.where((t >= start) & (t < start + dur), 0.9, 0.0)
    return bool(hysteresis_spans(p, t, ON, OFF, min_s, GAP_S))


@given(
    start=st.floats(0.5, 2.0),
    dur=st.floats(0.0, 2.0),
    min_s=st.floats(0.2, 1.0),
    rates=st.tuples(RATES, RATES),
    phases=st.tuples(st.floats(0.0, 0.99), st.floats(0.0, 0.99)),
)
def test_the_same_cue_at_two_frame_rates_is_kept_or_dropped_alike_outside_two_frames(
    start: float, dur: float, min_s: float, rates: tuple[float, float], phases: tuple[float, float]
) -> None:
    """A cue shorter than the minimum is dropped at every rate; one lasting the minimum plus two frame
    periods of the slower rate is kept at every rate. Only in between (first and last frame fall up to
    a period inside the cue's ends) can two rates decide differently."""
    kept = [_kept(start, dur, fps, ph, min_s) for fps, ph in zip(rates, phases, strict=True)]
    if dur < min_s - 1e-6:
        assert kept == [False, False]
    if dur >= min_s + 2.0 / min(rates) + 1e-6:
        assert kept == [True, True]
