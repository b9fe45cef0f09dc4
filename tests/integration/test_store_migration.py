"""A store of schema version 1 (built here with raw SQL, as cuedetect 0.1 wrote it) opens and migrates."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cuedetect.store import SessionStore, StoreOptions
from cuedetect.store.schema import LATEST_VERSION
from cuedetect.store.summary import session_summary

V1_SQL = """
CREATE TABLE trainees (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, recording_path TEXT NOT NULL,
    recording_sha256 TEXT NOT NULL UNIQUE, duration REAL NOT NULL, date TEXT NOT NULL, scenario TEXT,
    trainee_id INTEGER REFERENCES trainees(id), roles_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL);
CREATE TABLE analyses (id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    model_version TEXT NOT NULL, output_dir TEXT NOT NULL, digest TEXT NOT NULL, imported_at TEXT NOT NULL,
    UNIQUE (session_id, digest));
CREATE TABLE events (id INTEGER PRIMARY KEY,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    event_key TEXT NOT NULL, cue TEXT NOT NULL, person INTEGER NOT NULL, other INTEGER, start REAL NOT NULL,
    "end" REAL NOT NULL, confidence REAL, evidence_json TEXT, UNIQUE (analysis_id, event_key));
CREATE TABLE review_log (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),
    reviewer TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, event_key TEXT,
    payload_json TEXT NOT NULL DEFAULT '{}');
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
INSERT INTO trainees VALUES (1, 'Sam', '2025-05-01T10:00:00.000+00:00');
INSERT INTO sessions VALUES (1, '/videos/standoff.mp4', '__SHA__', 30.0, '2025-05-01', 'standoff', 1,
    '{"0": "trainee", "1": "client"}', '2025-05-01T10:00:00.000+00:00');
INSERT INTO analyses VALUES (1, 1, 'cues=0.0.9', '/out/standoff', 'd1', '2025-05-01T10:00:00.000+00:00');
INSERT INTO events VALUES (1, 1, 'm-aaa', 'pointing', 1, NULL, 3.0, 5.0, 0.9, '{"wrist": 0.3}');
INSERT INTO events VALUES (2, 1, 'm-bbb', 'open_hands', 0, NULL, 6.0, 9.0, 0.8, NULL);
INSERT INTO events VALUES (3, 1, 'm-ccc', 'too_close', 0, 1, 10.0, 12.0, 1.0, NULL);
INSERT INTO review_log VALUES (1, 1, 'ann', '2025-05-02T09:00:00.000+00:00', 'confirm', 'm-aaa', '{}');
INSERT INTO review_log VALUES (2, 1, 'ann', '2025-05-02T09:01:00.000+00:00', 'reject', 'm-ccc', '{}');
INSERT INTO review_log VALUES (3, 1, 'ann', '2025-05-02T09:02:00.000+00:00', 'bookmark', NULL,
    '{"t": 7.5, "note": "good posture"}');
PRAGMA user_version = 1;
"""


def _make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SQL.replace("__SHA__", "c" * 64))
    conn.commit()
    conn.close()


def test_v1_store_opens_migrates_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_v1(path)
    with SessionStore.create_from_options(StoreOptions(path=path)) as store:
        assert store.schema_version == LATEST_VERSION == 3
        session = store.session(1)
        assert (session.trainee_name, session.scenario, session.instructor) == ("Sam", "standoff", None)
        events = {e.key: e for e in store.current_events(1)}
        assert (events["m-aaa"].status, events["m-bbb"].status, events["m-ccc"].status) == (
            "confirmed",
            "unreviewed",
            "rejected",
        )
        assert events["m-aaa"].evidence == {"wrist": 0.3}
        assert store.state(1).notes[0].text == "good posture"
        assert store.analyses(1)[0].summary == {}
        # the migrated store takes new facts and reviews
        store.update_session(1, instructor="Jo")
        store.confirm(1, "m-bbb", "bob")
        assert store.session(1).instructor == "Jo"
        assert session_summary(store, 1)["metrics"]["confirmed_counts"] == {"open_hands": 1, "pointing": 1}
    conn = sqlite3.connect(path)
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"review_log_session", "events_analysis", "analyses_session"} <= indexes
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert json.loads(conn.execute("SELECT summary_json FROM analyses").fetchone()[0]) == {}
    conn.close()


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_v1(path)
    SessionStore.open(path).close()
    with SessionStore.open(path) as store:
        assert store.schema_version == LATEST_VERSION
        assert store.counts()["review_log"] == 3


def test_a_migrated_session_can_be_erased_and_its_log_stays_append_only(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _make_v1(path)
    with SessionStore.open(path) as store:
        assert store.erase_session(1).review_actions == 3
        assert store.counts() == {**dict.fromkeys(store.counts(), 0), "trainees": 1, "erasures": 1}
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO review_log (session_id, reviewer, at, action) VALUES (1, 'x', 'now', 'confirm')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM review_log")
    conn.close()
