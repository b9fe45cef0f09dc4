"""The review page's data: lanes, event rows, distance series, summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.dashboard.demo import synthetic_words
from cuedetect.dashboard.review_data import (
    downsample,
    events_frame,
    lane_of,
    lane_order,
    load_review,
    person_summary,
)
from cuedetect.store import SessionStore
from cuedetect.store.models import CurrentEvent

ROLES = {0: "trainee", 1: "client", 2: "unknown"}


def ev(cue, person, start=0.0, end=1.0, other=None, status="unreviewed", conf=0.8):
    return CurrentEvent(
        f"{cue}-{person}-{start}", cue, person, other, start, end, conf, None, status, "model"
    )


@pytest.mark.parametrize(
    ("event", "lane"),
    [
        (ev("pointing", 1), "client (P1) · pointing"),
        (ev("open_hands", 0), "trainee (P0) · open hands"),
        (ev("pacing", 2), "P2 · pacing"),
        (ev("too_close", 1, other=0), "trainee–client · too close"),
        (ev("rapid_approach", 0, other=1), "trainee–client · rapid approach"),
        (ev("too_close", 2, other=0), "P0–P2 · too close"),
    ],
)
def test_lane_of(event, lane):
    assert lane_of(event, ROLES) == lane


def test_lane_order_person_then_catalogue_then_pairs():
    events = [ev("too_close", 0, other=1), ev("open_hands", 0), ev("pointing", 1), ev("pointing", 0)]
    assert lane_order(events, ROLES) == [
        "trainee (P0) · pointing",
        "trainee (P0) · open hands",
        "client (P1) · pointing",
        "trainee–client · too close",
    ]


def test_events_frame_reviewer_events_are_opaque():
    df = events_frame([ev("pointing", 1, conf=None, status="confirmed")], ROLES)
    assert df.loc[0, "confidence"] == 1.0 and df.loc[0, "status"] == "confirmed"
    assert list(events_frame([], ROLES).columns)[:3] == ["key", "cue", "kind"]


@given(st.lists(st.floats(0.1, 10, allow_nan=False), min_size=1, max_size=3000), st.integers(10, 400))
@settings(max_examples=60, deadline=None)
def test_downsample_keeps_extremes_and_bounds_size(values, max_points):
    df = pd.DataFrame({"t": np.arange(len(values)) / 10.0, "distance_m": values})
    out = downsample(df, max_points)
    assert len(out) <= max(max_points + 2, len(df) if len(df) <= max_points else 0)
    assert out["distance_m"].min() == min(values) and out["distance_m"].max() == max(values)
    assert out["t"].is_monotonic_increasing


def test_person_summary_leaves_rejected_out():
    events = [
        ev("pointing", 1, 0, 2),
        ev("pointing", 1, 1, 3, status="confirmed"),
        ev("pointing", 1, 5, 6, status="rejected"),
    ]
    row = person_summary(events, ROLES, 10.0).iloc[0]
    assert (row["events"], row["confirmed"], row["seconds"]) == (2, 1, 3.0)


def test_load_review(demo_store):
    path, sid, out = demo_store
    with SessionStore.open(path) as store:
        data = load_review(store, sid, safe_m=1.2, too_close_m=1.0)
        assert data.annotated == out / "annotated.mp4" and data.video == (out / "recording.mp4").resolve()
        assert len(data.frame) == 5 and data.lanes[-1] == "trainee–client · too close"
        assert data.distance_stats["min_m"] < 1.0 < data.distance_stats["median_m"] + 1
        assert 0 < data.distance_stats["below_safe_pct"] < 100
        assert data.agreement == {}  # nothing reviewed yet
        assert data.words is None and data.said() == [] and data.transcript_note.startswith("No transcript")
        synthetic_words().to_parquet(out / "words.parquet", index=False)  # the speech stage's file
        store.confirm(sid, data.events[0].key, "ann")
        again = load_review(store, sid)
    assert again.agreement["pairs"] and again.log_length == 1
    assert [u.speaker for u in again.said()] == ["Trainee", "Client", "Trainee"]
    assert again.transcript_note is None
