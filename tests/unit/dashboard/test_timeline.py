"""The timeline spec: lanes, colours, opacity, params for click/zoom, and nothing fetched from outside."""

from __future__ import annotations

import json

import pandas as pd

from cuedetect.dashboard.review_data import events_frame, lane_order
from cuedetect.dashboard.timeline import EVENT_PARAM, KIND_COLOURS, MOMENT_PARAM, ZOOM_PARAM, timeline_chart
from cuedetect.store.models import CurrentEvent

ROLES = {0: "trainee", 1: "client"}
EVENTS = [
    CurrentEvent("k1", "pointing", 1, None, 1.0, 2.0, 0.4, None, "unreviewed", "model"),
    CurrentEvent("k2", "open_hands", 0, None, 2.5, 4.0, 0.9, None, "confirmed", "model"),
    CurrentEvent("k3", "too_close", 0, 1, 5.0, 6.0, 1.0, None, "rejected", "model"),
]
DIST = pd.DataFrame(
    {
        "t": [0.0, 1.0, 2.0],
        "pair": "P0–P1",
        "distance_m": [2.0, 1.5, 0.9],
        "lo": [1.9, 1.4, 0.8],
        "hi": [2.1, 1.6, 1.0],
    }
)


def spec(**kw):
    chart = timeline_chart(events_frame(EVENTS, ROLES), lane_order(EVENTS, ROLES), DIST, 10.0, 1.2, 1.0, **kw)
    return chart.to_dict()


def params(d):
    found = [p["name"] for p in d.get("params", [])]  # altair lifts params to the top with their views
    for view in d["vconcat"]:
        for layer in view.get("layer", [view]):
            found += [p["name"] for p in layer.get("params", [])]
    return found


def test_params_for_click_and_zoom():
    names = params(spec())
    assert {EVENT_PARAM, ZOOM_PARAM, MOMENT_PARAM} <= set(names)


def test_encodings():
    d = spec(cursor_t=3.0, selected="k2")
    bars = d["vconcat"][0]["layer"][0]
    enc = bars["encoding"]
    assert enc["color"]["scale"]["range"] == KIND_COLOURS
    assert enc["opacity"]["field"] == "confidence"
    assert enc["y"]["sort"] == ["P0 trainee · open_hands", "P1 client · pointing", "P0–P1 · too_close"]
    assert enc["description"]["field"] == "aria"
    assert d["resolve"]["scale"]["x"] == "shared"
    text = json.dumps(d)
    assert "event k2 open_hands at 2.5 s, confirmed" in text
    assert len(d["vconcat"][0]["layer"]) == 2  # the bars and the cursor


def test_safe_band_and_distance():
    text = json.dumps(spec())
    assert "below safe distance" in text and "distance_m" in text


def test_no_external_resources():
    d = spec()
    d.pop("$schema")
    text = json.dumps(d)
    assert "http://" not in text and "https://" not in text and '"url"' not in text


def test_empty_session_still_renders():
    chart = timeline_chart(events_frame([], ROLES), [], DIST.iloc[:0], 5.0, 1.2, 1.0)
    assert chart.to_dict()["vconcat"]
