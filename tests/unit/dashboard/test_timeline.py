"""The timeline spec: lanes, colours, opacity, params for click/zoom, and nothing fetched from outside."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from cuedetect.dashboard.review_data import events_frame, lane_order
from cuedetect.dashboard.timeline import (
    EVENT_PARAM,
    KIND_COLOURS,
    MOMENT_PARAM,
    SELECTED_PARAM,
    ZOOM_PARAM,
    place,
    timeline_chart,
    timeline_spec,
)
from cuedetect.store.models import CurrentEvent

ROLES = {0: "trainee", 1: "client"}
EVENTS = [
    CurrentEvent("k1", "pointing", 1, None, 1.0, 2.0, 0.4, None, "unreviewed", "model"),
    CurrentEvent("k2", "open_hands", 0, None, 2.5, 4.0, 0.9, None, "confirmed", "model"),
    CurrentEvent("k3", "too_close", 0, 1, 5.0, 6.0, 1.0, None, "rejected", "model"),
]
DIST = pd.DataFrame(
    {"t": [0.0, 1.0, 2.0], "pair": "P0–P1", "distance_m": [2.0, 1.5, 0.9], "lo": [1.9, 1.4, 0.8],
     "hi": [2.1, 1.6, 1.0]}
)  # fmt: skip


def spec(distance=DIST):
    return timeline_spec(events_frame(EVENTS, ROLES), lane_order(EVENTS, ROLES), distance, 10.0, 1.2, 1.0)


def bars(d):
    return d["vconcat"][0]["layer"][0]


def test_chart_is_valid_vega_lite():
    chart = timeline_chart(lane_order(EVENTS, ROLES), 10.0, 1.2, 1.0, 2.1)
    chart.to_dict(validate=True)  # the page skips validation for speed; it is checked here
    timeline_chart([], 5.0, 1.2, 1.0, None).to_dict(validate=True)


def test_params_for_click_zoom_and_highlight():
    names = [p["name"] for p in spec()["params"]]
    assert {EVENT_PARAM, ZOOM_PARAM, MOMENT_PARAM, SELECTED_PARAM} <= set(names)
    assert MOMENT_PARAM not in [p["name"] for p in spec(DIST.iloc[:0])["params"]]


def test_encodings():
    d = spec()
    enc = bars(d)["encoding"]
    assert enc["color"]["scale"]["range"] == KIND_COLOURS
    assert enc["opacity"]["field"] == "confidence"
    assert enc["y"]["sort"] == ["P0 trainee · open_hands", "P1 client · pointing", "P0–P1 · too_close"]
    assert enc["description"]["field"] == "aria"
    outline = d["vconcat"][0]["layer"][1]
    assert outline["transform"] == [{"filter": f"datum.key == {SELECTED_PARAM}"}]
    assert d["resolve"]["scale"]["x"] == "shared"
    events = d["datasets"]["events"]
    assert events[1]["aria"] == "event k2 open_hands at 2.5 s, confirmed"
    assert events[0]["other"] is None and events[2]["other"] == 1
    assert [r["start"] for r in d["datasets"]["distance"]] == [0.0, 1.0, 2.0]


def test_place_moves_cursor_and_selection_without_touching_the_cached_spec():
    base = spec()
    frozen = json.dumps(base, sort_keys=True)
    placed = place(base, 3.25, "k2")
    assert placed["datasets"]["cursor"] == [{"start": 3.25}]
    assert next(p for p in placed["params"] if p["name"] == SELECTED_PARAM)["value"] == "k2"
    assert json.dumps(base, sort_keys=True) == frozen
    assert place(base, None, None)["datasets"]["cursor"] == []


def test_safe_band_and_distance():
    text = json.dumps(spec())
    assert "below safe distance" in text and "distance_m" in text


@pytest.mark.parametrize("distance", [DIST, DIST.iloc[:0]])
def test_no_external_resources(distance):
    d = spec(distance)
    d.pop("$schema")
    text = json.dumps(d)
    assert "http://" not in text and "https://" not in text and '"url"' not in text


def test_empty_session_still_renders():
    d = timeline_spec(events_frame([], ROLES), [], DIST.iloc[:0], 5.0, 1.2, 1.0)
    assert d["vconcat"] and d["datasets"]["events"] == []
    assert alt.__version__
