"""The review stage's data (plain-word lanes, role colours, distance lane, markers), key moments, user
text as Markdown-safe text, and when agreement is shown."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cuedetect.colours import KIND_COLOURS, ROLE_COLOURS, bgr, person_colour
from cuedetect.cue_ids import CUES, cue_label
from cuedetect.dashboard.moments import key_moments
from cuedetect.dashboard.review_data import agreement_rows, enough_reviewed, event_table, review_counts
from cuedetect.dashboard.stage import StageData, clock, distance_lane, event_lanes, note_markers
from cuedetect.dashboard.text import WORD_JOINER, md_text
from cuedetect.store.models import CurrentEvent, Note

ROLES = {0: "trainee", 1: "client"}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def ev(cue, person, start, end=None, other=None, status="unreviewed", conf=0.8, key=None):
    return CurrentEvent(
        key or f"{cue}-{person}-{start}", cue, person, other, start, start + 1 if end is None else end, conf,
        None, status, "model",
    )  # fmt: skip


EVENTS = [
    ev("fists_up", 1, 5.0, conf=0.95),
    ev("pointing", 1, 2.0, conf=0.6),
    ev("hands_on_hips", 1, 9.0, conf=0.9, status="rejected"),
    ev("arms_crossed", 0, 7.0, conf=0.5, status="confirmed"),
    ev("open_hands", 0, 3.0),
    ev("open_hands", 0, 1.0),
    ev("too_close", 0, 6.0, other=1, conf=None),
]
DISTANCE = pd.DataFrame(
    {"t": [0.0, 1.0, 2.0, 3.0], "pair": ["P0–P1"] * 4, "distance_m": [2.0, 1.5, 0.7, 1.1],
     "lo": [1.9, 1.4, 0.6, 1.0], "hi": [2.1, 1.6, 0.8, 1.2]}
)  # fmt: skip


def test_cue_labels_are_plain_words():
    assert {cue_label(c) for c in CUES} >= {"fists up", "too close", "open hands"}
    assert all("_" not in cue_label(c) for c in CUES) and cue_label("new_voice_cue") == "new voice cue"


def test_role_colours_are_fixed_and_match_bgr():
    assert person_colour(3, "trainee") == ROLE_COLOURS["trainee"] == person_colour(0, "trainee")
    assert person_colour(0, "client") != person_colour(0, "trainee")
    assert person_colour(2, "unknown") not in ROLE_COLOURS.values()
    assert bgr("#e69f00") == (0, 159, 230)


def test_colours_match_the_annotated_video():
    from cuedetect.annotate import DEESCALATION, ESCALATION
    from cuedetect.overlay import ROLE_COLORS

    assert {r: bgr(c) for r, c in ROLE_COLOURS.items()} == ROLE_COLORS
    assert bgr(KIND_COLOURS["escalation"]) == ESCALATION
    assert bgr(KIND_COLOURS["de-escalation"]) == DEESCALATION


def test_event_lanes_plain_words_role_colours_and_order():
    lanes = event_lanes(EVENTS, ROLES, CUES)
    labels = [lane.label for lane in lanes]
    assert labels == [
        "trainee (P0) · arms crossed",
        "trainee (P0) · open hands",
        "client (P1) · pointing",
        "client (P1) · hands on hips",
        "client (P1) · fists up",
        "trainee–client · too close",
    ]
    assert lanes[0].colour == ROLE_COLOURS["trainee"] and lanes[2].colour == ROLE_COLOURS["client"]
    bars = {b.key: b for lane in lanes for b in lane.events}
    assert bars["hands_on_hips-1-9.0"].status == "rejected"  # rejected events stay on the timeline
    assert bars["arms_crossed-0-7.0"].text.endswith("· confirmed")
    assert "added by a reviewer" in bars["too_close-0-6.0"].text and bars["too_close-0-6.0"].kind == "context"
    assert [b.start for b in lanes[1].events] == [1.0, 3.0]
    shown = [lane.label for lane in lanes] + [b.text for lane in lanes for b in lane.events]
    assert not SNAKE.search(" ".join(shown))
    assert StageData(10.0, lanes, [], []).as_dict()["lanes"][0]["label"] == labels[0]


def test_distance_lane_states_the_thresholds():
    lane = distance_lane(DISTANCE, ROLES, safe_m=1.2, too_close_m=1.0)
    assert lane.unit == "m" and lane.ymax >= 2.0
    assert lane.rules == [{"y": 1.2, "label": "safe distance 1.2 m"}]
    assert [b["hi"] for b in lane.bands] == [1.0, 1.2] and "1 m" in lane.bands[0]["label"]
    assert lane.lines[0].name == "distance trainee–client (m)" and lane.lines[0].points[2] == [
        2.0,
        0.7,
        0.6,
        0.8,
    ]
    assert distance_lane(DISTANCE.iloc[:0], ROLES, 1.2, 1.0) is None


def test_note_markers():
    notes = [Note("comment", "ann", "x", 3.25, "look"), Note("bookmark", "ann", "x", 8.0, "")]
    assert note_markers(notes) == [
        {"t": 3.25, "kind": "comment", "text": "look"},
        {"t": 8.0, "kind": "bookmark", "text": ""},
    ]


@pytest.mark.parametrize(("t", "text"), [(0, "0:00.0"), (5.26, "0:05.3"), (65.0, "1:05.0"), (-1, "0:00.0")])
def test_clock(t, text):
    assert clock(t) == text


def test_key_moments():
    moments = key_moments(EVENTS, ROLES, DISTANCE, n_escalations=2, n_interventions=3)
    kinds = [m.kind for m in moments]
    assert kinds == ["escalation", "escalation", "closest", "intervention", "intervention"]
    # strongest: the confirmed one first, then by confidence; the rejected one never; shown in time order
    assert [m.key for m in moments[:2]] == ["fists_up-1-5.0", "arms_crossed-0-7.0"]
    assert moments[2].t == 2.0 and moments[2].key is None and "0.70 m" in moments[2].label
    assert [m.t for m in moments[3:]] == [1.0, 3.0] and all("open hands" in m.label for m in moments[3:])
    assert all(m.icon.startswith(":material/") for m in moments)
    assert [m.kind for m in key_moments(EVENTS, {}, None)] == ["escalation"] * 3  # no roles: no interventions


@pytest.mark.parametrize(
    "text",
    ["![x](http://198.51.100.7/b.png)", "[a](https://x.y/z)", "<img src=x onerror=alert(1)>", ":smile: $x$",
     "www.example.com", "mail me a@b.c", "# heading *bold* `code`", "&amp; &#x41;"],
)  # fmt: skip
def test_md_text_leaves_no_markup(text):
    out = md_text(text)
    assert out.replace("\\", "").replace(WORD_JOINER, "") == text
    for i, ch in enumerate(out):  # every punctuation character is escaped
        if ch in "!()[]<>:$*`#&" and (i == 0 or out[i - 1] != "\\"):
            raise AssertionError(out)
    assert "http:" not in out and "www." not in out and "@b" not in out.replace("\\", "")


def test_md_text_one_line_and_limited():
    assert md_text("a\nb\tc") == "a b c" and len(md_text("x" * 500, limit=50)) == 50 and md_text(None) == ""


@pytest.mark.parametrize(
    ("reviewed", "total", "ok"),
    [(0, 10, False), (2, 10, False), (4, 10, False), (5, 10, True), (2, 2, True), (1, 2, False), (3, 4, True),
     (0, 0, False)],
)  # fmt: skip
def test_enough_reviewed(reviewed, total, ok):
    assert enough_reviewed(reviewed, total) is ok


def test_agreement_rows_hide_kappa_until_enough_is_reviewed():
    per_cue = {"fists_up": {"kappa": 0.0, "percent": 90.0}, "open_hands": {"kappa": 0.8, "percent": 95.0}}
    agreement = {"pairs": [{"a": "model", "b": "ann", "per_cue": per_cue}]}
    counts = review_counts(EVENTS)
    assert counts["open_hands"] == (0, 2) and counts["arms_crossed"] == (1, 1)
    rows = agreement_rows(agreement, {"fists_up": (1, 10), "open_hands": (2, 2)}).set_index("cue")
    assert rows.loc["fists up", "reviewed"] == "1 of 10" and pd.isna(rows.loc["fists up", "kappa"])
    assert rows.loc["open hands", "kappa"] == 0.8 and rows.loc["open hands", "between"] == "model and ann"


def test_event_table_plain():
    table = event_table(EVENTS, ROLES)
    assert list(table.columns) == ["time", "cue", "who", "status", "confidence", "notes"]
    assert table.loc[0, "cue"] == "fists up" and table.loc[6, "who"] == "trainee–client"
    assert table.loc[2, "status"] == "✖ rejected" and not SNAKE.search(table.to_string())


def test_download_names_say_who_what_and_when():
    from types import SimpleNamespace

    from cuedetect.dashboard.exports import EXPORT_LABELS, download_name, formats

    s = SimpleNamespace(id=3, trainee_name="Sam O'Neil", scenario="bank / ../x", date="2026-11-28")
    assert download_name(s, "html") == "Sam-O-Neil-bank-x-2026-11-28-session-3-report.html"
    assert download_name(SimpleNamespace(id=4, trainee_name=None, scenario=None, date=""), "eaf") == (
        "session-4-elan.eaf"
    )
    assert set(EXPORT_LABELS) == set(formats())  # every format has a label an instructor understands
    codes = {"CSV", "JSON", "EAF", "VTT", "HTML", "BORIS-TABLE"}  # what the buttons used to say
    assert all("_" not in label and label not in codes for label, _ in EXPORT_LABELS.values())
