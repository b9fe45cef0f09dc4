"""The live view: status line, strip geometry, and colours where cues are active."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cuedetect.live.view import KIND_COLOURS, ViewState, compose, status_text, strip_spans


@pytest.mark.parametrize(
    ("event", "now", "span"),
    [
        ({"cue": "pointing", "person": 0, "start": 0.0, "end": 30.0}, 30.0, (0, 99)),
        ({"cue": "pointing", "person": 0, "start": 15.0, "end": 30.0}, 30.0, (50, 99)),
        ({"cue": "pointing", "person": 0, "start": -20.0, "end": 1.0}, 30.0, (0, 3)),  # clipped at the left
        ({"cue": "pointing", "person": 0, "start": 29.99, "end": 30.0}, 30.0, (99, 100)),  # >= 2 px wide
    ],
)
def test_strip_spans(event, now, span) -> None:
    (person, x0, x1, cue, provisional), *_ = strip_spans([event], now, 30.0, 100)
    assert (x0, x1) == span and person == 0 and cue == "pointing" and not provisional


def test_old_events_leave_the_strip() -> None:
    assert strip_spans([{"cue": "pacing", "person": 1, "start": 0.0, "end": 5.0}], 40.0, 30.0, 100) == []


def test_too_close_gets_a_span_for_both_people() -> None:
    spans = strip_spans([{"cue": "too_close", "person": 0, "other": 1, "start": 1, "end": 2}], 10, 30, 300)
    assert sorted(s[0] for s in spans) == [0, 1]


@pytest.mark.parametrize(
    ("latency", "recording", "words"),
    [(42.4, True, "latency 42 ms"), (math.nan, True, "latency -"), (10, False, "not recording")],
)
def test_status_text(latency, recording, words) -> None:
    text = status_text(ViewState(fps=14.96, latency_ms=latency, dropped=3, recording=recording, now=75))
    assert words in text and "15.0 fps" in text and "dropped 3" in text
    if recording:
        assert "REC 01:15" in text


def _person(cx: float) -> np.ndarray:
    xy = np.full((33, 2), np.nan, np.float32)
    for j, (dx, y) in {0: (0, 0.2), 11: (-0.05, 0.3), 12: (0.05, 0.3), 23: (-0.04, 0.6), 24: (0.04, 0.6),
                       15: (-0.08, 0.5), 16: (0.08, 0.5)}.items():  # fmt: skip
        xy[j] = (cx + dx, y)
    return xy


def _has(img: np.ndarray, bgr: tuple[int, int, int]) -> int:
    return int(np.all(img == np.array(bgr, np.uint8), axis=-1).sum())


def test_compose_draws_active_cues_in_their_kind_colour() -> None:
    rgb = np.full((360, 640, 3), 40, np.uint8)
    state = ViewState(
        ids=[0, 1], xy=np.stack([_person(0.3), _person(0.7)]), roles={0: "trainee", 1: "client"},
        distances=[(0, 1, 1.8, 0.1)], active={1: ["pointing"], 0: ["open_hands"]},
        strip_events=[{"cue": "pointing", "person": 1, "start": 5.0, "end": 9.0}], now=10.0, fps=15.0,
        latency_ms=40.0,
    )  # fmt: skip
    before = rgb.copy()
    img = compose(rgb, state)
    assert img.shape == rgb.shape and img.dtype == np.uint8
    assert np.array_equal(rgb, before)  # the frame itself is not drawn on
    assert _has(img, KIND_COLOURS["escalation"]) > 50
    assert _has(img, KIND_COLOURS["de-escalation"]) > 50
    no_cues = compose(rgb, ViewState(ids=state.ids, xy=state.xy, now=10.0))
    assert _has(no_cues, KIND_COLOURS["escalation"]) < _has(img, KIND_COLOURS["escalation"])
