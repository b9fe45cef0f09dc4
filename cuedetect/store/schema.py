"""Numbered schema migrations of the session store.

`MIGRATIONS[i]` takes a store from version `i` to `i + 1` (`PRAGMA user_version`). Never edit a released
migration: add a new one. Each runs in one transaction with the version bump, so a store is at one
version or the next, never between.
"""

from __future__ import annotations

V1 = """
CREATE TABLE trainees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    recording_path TEXT NOT NULL,
    recording_sha256 TEXT NOT NULL UNIQUE,
    duration REAL NOT NULL,
    date TEXT NOT NULL,
    scenario TEXT,
    trainee_id INTEGER REFERENCES trainees(id),
    roles_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    output_dir TEXT NOT NULL,
    digest TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (session_id, digest)
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    event_key TEXT NOT NULL,
    cue TEXT NOT NULL,
    person INTEGER NOT NULL,
    other INTEGER,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    confidence REAL,
    evidence_json TEXT,
    UNIQUE (analysis_id, event_key)
);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    event_key TEXT,
    payload_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""

# v2: who led the session, the analysis' own summary (distances, times), and indexes for the
# per-session queries the dashboard makes on every rerun.
V2 = """
ALTER TABLE sessions ADD COLUMN instructor TEXT;
ALTER TABLE analyses ADD COLUMN summary_json TEXT NOT NULL DEFAULT '{}';
CREATE INDEX review_log_session ON review_log (session_id, id);
CREATE INDEX events_analysis ON events (analysis_id);
CREATE INDEX analyses_session ON analyses (session_id, id);
"""

# v3: a session can be erased (a trainee's right to erasure, a mistaken import). The review log stays
# append-only, except for the rows of a session whose erasure is under way in the same transaction
# (`erasures.done = 0`); `erasures` keeps only the erased id, the time and the number of rows removed
# (no name, no path), and no new session takes an erased id.
V3 = """
CREATE TABLE erasures (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    erased_at TEXT NOT NULL,
    counts_json TEXT NOT NULL DEFAULT '{}',
    done INTEGER NOT NULL DEFAULT 0
);
DROP TRIGGER review_log_no_delete;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log
WHEN NOT EXISTS (SELECT 1 FROM erasures WHERE session_id = OLD.session_id AND done = 0)
BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
LATEST_VERSION = len(MIGRATIONS)
