"""Planning speech stretches and cutting them out of streamed audio with bounded memory."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.speech.stretches import RATE, Stretch, StretchCutter, plan_stretches


def _utt(channel: int, person: int, start: float, end: float) -> SimpleNamespace:
    return SimpleNamespace(channel=channel, person=person, start=start, end=end)


def test_long_speech_is_cut_at_its_quietest_moment_into_pieces_no_longer_than_the_limit() -> None:
    t = np.arange(0, 60, 0.01)
    level = np.full(len(t), -20.0)
    level[(t > 16.0) & (t < 16.05)] = -60.0  # a breath at 16 s
    frames = pd.DataFrame({"t": t, "channel": 0, "level_db": level})
    plan = plan_stretches([_utt(0, 1, 2.0, 50.0), _utt(0, 1, 51.0, 53.0)], frames, max_segment_s=20.0)
    assert plan[0].end == plan[1].start and abs(plan[0].end - 16.0) < 0.02
    assert all(s.end - s.start <= 20.0 + 1e-9 for s in plan)
    assert (plan[0].start, plan[-2].end, plan[-1].start, plan[-1].end) == (2.0, 50.0, 51.0, 53.0)
    assert {s.utterance for s in plan} == {0, 1} and {s.person for s in plan} == {1}


@given(
    st.lists(st.tuples(st.floats(0, 50), st.floats(0.1, 9), st.integers(0, 1)), max_size=8),
    st.integers(400, 7000),
)
def test_every_stretch_gets_exactly_its_samples_and_memory_stays_bounded(spans, block) -> None:
    n = 60 * RATE
    x = np.vstack([np.arange(n, dtype=np.float32), -np.arange(n, dtype=np.float32)])  # sample = its index
    stretches = sorted((Stretch(ch, ch, a, min(a + d, 59.0), 0) for a, d, ch in spans),
                       key=lambda s: (s.start, s.channel))  # fmt: skip
    cutter = StretchCutter(stretches, margin_s=0.1)
    got = []
    for a in range(0, n, block):
        got += list(cutter.feed(a / RATE, x[:, a : a + block]))
    got += list(cutter.finish())
    assert [s for s, _, _ in got] == stretches
    for s, y, t0 in got:
        a = max(0, round((s.start - 0.1) * RATE))
        sign = 1 if s.channel == 0 else -1
        assert abs(y[0] * sign - a) <= 1 and abs(t0 - a / RATE) < 1e-3
        assert abs(len(y) - (min(n, round((s.end + 0.1) * RATE)) - a)) <= 2
    longest = max((s.end - s.start for s in stretches), default=0.0)
    span = max((b.end - a.start for a, b in itertools.pairwise(stretches)), default=0.0)
    assert cutter.max_held_s <= max(longest, span) + 0.2 + block / RATE + 1e-6


def test_without_stretches_nothing_is_held() -> None:
    cutter = StretchCutter([], margin_s=0.1)
    for a in range(0, 10 * RATE, 4000):
        assert not list(cutter.feed(a / RATE, np.zeros((1, 4000), np.float32)))
    assert cutter.max_held_s <= 4000 / RATE
