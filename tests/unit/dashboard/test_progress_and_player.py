"""Progress charts and links; the player bridge's data and messages; exports as bytes; the CLI command."""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from cuedetect.cli import app
from cuedetect.cli.dashboard_cmd import streamlit_command
from cuedetect.dashboard.exports import export_bytes, file_name, formats, mime
from cuedetect.dashboard.player import CSS, HTML, JS_PATH, parse_time, trigger_value
from cuedetect.dashboard.progress import (
    MEASURES,
    UNITS,
    long_frame,
    picked_session,
    progress_chart,
    progress_frame,
    review_link,
)
from cuedetect.store import SessionStore
from cuedetect.store.summary import progress

ROWS = [
    {
        "session": 4,
        "date": "2026-01-02",
        "scenario": "bank",
        "safe_distance_pct": 80.0,
        "open_hands_pct": 10.0,
        "client_escalation_per_min_after_interventions": None,
        "client_escalation_per_min_otherwise": 2.0,
        "confirmed": 3,
    },
    {
        "session": 9,
        "date": "2026-02-02",
        "scenario": "ward",
        "safe_distance_pct": 95.0,
        "open_hands_pct": 30.0,
        "client_escalation_per_min_after_interventions": 0.5,
        "client_escalation_per_min_otherwise": 1.0,
        "confirmed": 6,
    },
]


def test_progress_frame_links_each_session():
    df = progress_frame(ROWS)
    assert list(df["open"]) == ["?page=review&session=4", "?page=review&session=9"]
    assert review_link(9, trainee_mode=True) == "?page=review&session=9&mode=trainee"
    long = long_frame(df)
    assert len(long) == 2 * len(MEASURES) - 1  # one missing value left out
    assert progress_frame([]).empty


def test_progress_chart_spec_has_units_and_plain_titles():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one selection declared once: no deduplication warning
        d = progress_chart(progress_frame(ROWS)).to_dict()
    text = json.dumps(d)
    assert '"session"' in text and d["params"][0]["select"]["fields"] == ["session"]
    charts = d["concat"]
    assert [c["title"]["text"] for c in charts] == list(MEASURES.values())
    # a click on any measure's points selects the session in all of them
    assert len(d["params"]) == 1 and d["params"][0]["views"] == [c["layer"][1]["name"] for c in charts]
    for chart, (unit, fmt, domain) in zip(charts, UNITS.values(), strict=True):
        y = chart["layer"][0]["encoding"]["y"]
        assert y["title"] == unit and y["axis"]["format"] == fmt
        if domain:
            assert y["scale"]["domain"] == domain
    assert "_" not in "".join(MEASURES.values())  # plain words, no column names


@pytest.mark.parametrize(
    ("state", "sid"),
    [
        ({"selection": {"session": [{"session": 9}]}}, 9),
        ({"selection": {"session": []}}, None),
        ({}, None),
        (None, None),
        ({"selection": {"session": [{"session": "x"}]}}, None),
    ],
)
def test_picked_session(state, sid):
    assert picked_session(state) == sid


@pytest.mark.parametrize(
    ("value", "t"),
    [({"t": 3.5, "at": 1}, 3.5), ({"t": 2}, 2.0), ({"t": None}, None), ({"t": float("nan")}, None),
     ({"t": float("inf")}, None), ({"t": True}, None), ({"t": "3"}, None), ("3", None), (None, None)],
)  # fmt: skip
def test_parse_time(value, t):
    assert parse_time(value) == t


def test_stage_component_parts():
    assert trigger_value({"select": 1}, "select") == 1 and trigger_value(None, "select") is None
    js = JS_PATH.read_text()
    # the video element is kept across reruns and seeks happen only on a new nonce
    assert "window.__cdStage" in js and "S.seekNonce !== data.seek.nonce" in js
    assert "innerHTML" not in js  # user text only through textContent
    assert 'class="cd-timeline"' in HTML and ".cd-head" in CSS


def test_every_export_as_bytes(demo_store, tmp_path):
    path, sid, _ = demo_store
    with SessionStore.open(path) as store:
        for fmt in formats():
            data = export_bytes(store, sid, fmt, tmp_path)
            assert data, fmt
            assert file_name(sid, fmt).startswith(f"session-{sid}")
            assert mime(fmt) != "application/octet-stream"
    assert list((tmp_path / "tmp").iterdir()) == []  # temporary files removed
    with SessionStore.open(path) as store:
        assert progress(store, "Sam")


def test_cli_dry_run_and_warning():
    runner = CliRunner()
    out = runner.invoke(app, ["dashboard", "--dry-run"])
    assert out.exit_code == 0 and "--server.address 127.0.0.1" in out.stdout and "warning" not in out.output
    out = runner.invoke(app, ["dashboard", "--dry-run", "--address", "0.0.0.0"])
    assert out.exit_code == 0 and "warning: listening on 0.0.0.0" in out.output
    out = runner.invoke(app, ["dashboard", "--dry-run", "--port", "0"])
    assert out.exit_code != 0 and "--port" in out.output
    cmd = streamlit_command(__import__("pathlib").Path("d.py"), "127.0.0.1", 9000, "py")
    assert cmd[cmd.index("--server.headless") + 1] == "true" and "9000" in cmd
