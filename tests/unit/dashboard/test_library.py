"""Library rows: review status, headline numbers, search and filter."""

from __future__ import annotations

import pytest

from cuedetect.dashboard.library import LibraryRow, filter_rows, fmt_length, library_row, review_status
from cuedetect.safe_distance import SafeDistanceTime
from cuedetect.store.models import CurrentEvent, Session


def ev(cue="pointing", status="unreviewed", start=0.0, end=1.0, person=0, other=None):
    return CurrentEvent(f"{cue}{start}", cue, person, other, start, end, 0.9, None, status, "model")


def session(sid=1, duration=100.0, roles=None):
    return Session(
        sid,
        "/v.mp4",
        "0" * 64,
        duration,
        "2026-01-02",
        "bank",
        1,
        "Sam",
        None,
        roles if roles is not None else {0: "trainee", 1: "client"},
        "now",
    )


@pytest.mark.parametrize(
    ("statuses", "actions", "expected"),
    [
        ([], 0, "not reviewed"),
        (["unreviewed"], 0, "not reviewed"),
        (["confirmed", "unreviewed"], 1, "in review"),
        (["confirmed", "rejected"], 2, "reviewed"),
        ([], 1, "reviewed"),
    ],
)
def test_review_status(statuses, actions, expected):
    assert review_status([ev(status=s) for s in statuses], actions) == expected


def test_library_row_numbers():
    events = [
        ev("pointing"),
        ev("open_hands", "confirmed"),
        ev("fists_up", "rejected"),
        ev("too_close", start=10, end=35, other=1),
    ]
    # the one definition: share of the measured time at or beyond the safe distance
    safe = SafeDistanceTime(threshold_m=1.2, safe_s=60.0, measured_s=80.0)
    row = library_row(session(), events, actions=2, safe=safe)
    assert (row.events, row.escalation, row.deescalation, row.confirmed, row.rejected) == (3, 1, 1, 1, 1)
    assert row.safe_distance_pct == 75.0 and row.review_status == "in review"
    assert library_row(session(roles={0: "trainee"}), [ev()], 0).safe_distance_pct is None


ROWS = [
    LibraryRow(1, "Sam", "2026-01-02", "bank counter", 60, "not reviewed", 3, 2, 1, 0, 0, 90.0),
    LibraryRow(2, "Alex", "2026-02-10", "ward", 120, "reviewed", 5, 4, 1, 5, 0, 70.0),
    LibraryRow(3, "Sam", "2026-03-01", "ward night", 90, "in review", 2, 1, 1, 1, 0, None),
]


@pytest.mark.parametrize(
    ("kwargs", "ids"),
    [
        ({}, [1, 2, 3]),
        ({"query": "sam"}, [1, 3]),
        ({"query": "WARD sam"}, [3]),
        ({"query": "#2"}, [2]),
        ({"query": "2026-02"}, [2]),
        ({"trainees": ["Alex"]}, [2]),
        ({"statuses": ["reviewed", "in review"]}, [2, 3]),
        ({"date_from": "2026-02-01"}, [2, 3]),
        ({"date_to": "2026-02-10"}, [1, 2]),
        ({"query": "nobody"}, []),
    ],
)
def test_filter_rows(kwargs, ids):
    assert [r.session for r in filter_rows(ROWS, **kwargs)] == ids


@pytest.mark.parametrize(
    ("s", "text"), [(0, "0:00"), (59.6, "1:00"), (75, "1:15"), (1200, "20:00"), (3725, "1:02:05")]
)
def test_fmt_length(s, text):
    assert fmt_length(s) == text
