"""SessionStore on a real SQLite file: import, re-analysis, review API, append-only log, bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.store import SessionStore, StoreOptions, import_analysis
from cuedetect.store.demo import DEFAULT_EVENTS, write_demo_analysis
from cuedetect.store.schema import LATEST_VERSION
from cuedetect.store.summary import progress, session_summary


def test_new_store_is_migrated_in_wal_mode(store: SessionStore, store_path: Path) -> None:
    assert store.schema_version == LATEST_VERSION
    conn = sqlite3.connect(store_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_same_recording_twice_duplicates_nothing(store: SessionStore, demo_dir: Path, tmp_path: Path) -> None:
    first = store.import_analysis(demo_dir, trainee="Sam", scenario="standoff")
    counts = store.counts()
    again = store.import_analysis(demo_dir)
    # the same analysis copied elsewhere is still the same analysis of the same recording
    copy = write_demo_analysis(tmp_path / "copy", video=demo_dir / "recording.mp4")
    third = store.import_analysis(copy)
    assert first.created_session and first.new_analysis and first.events == len(DEFAULT_EVENTS)
    assert (again.session_id, again.new_analysis, third.session_id, third.new_analysis) == (
        first.session_id,
        False,
        first.session_id,
        False,
    )
    assert store.counts() == counts
    assert store.session(first.session_id).trainee_name == "Sam"


def test_reanalysis_keeps_reviews_attached(store: SessionStore, demo_dir: Path, tmp_path: Path) -> None:
    sid = store.import_analysis(demo_dir).session_id
    old = {e.cue: e for e in store.current_events(sid)}
    store.confirm(sid, old["pointing"].key, "ann")
    store.comment(sid, "ann", "was this a fist?", event_key=old["fists_up"].key)
    store.reject(sid, old["too_close"].key, "ann")
    # newer model: pointing found slightly shifted; fists_up no longer found; too_close still there;
    # a new pacing
    newer = [
        {**DEFAULT_EVENTS[0], "start": 0.7, "end": 1.7},
        DEFAULT_EVENTS[1],
        DEFAULT_EVENTS[3],
        {"cue": "pacing", "person": 1, "start": 2.0, "end": 3.5, "confidence": 0.6},
    ]
    out = write_demo_analysis(
        tmp_path / "v2", video=demo_dir / "recording.mp4", events=newer, model_version="cues-0.2"
    )
    r = store.import_analysis(out)
    assert (r.session_id, r.new_analysis, r.carried_over) == (sid, True, 3)
    now = {e.cue: e for e in store.current_events(sid)}
    assert now["pointing"].key == old["pointing"].key and now["pointing"].status == "confirmed"
    assert (now["pointing"].start, now["pointing"].origin) == (0.7, "model")
    assert now["too_close"].status == "rejected"
    # not found again, but commented on: still visible, marked as from an earlier analysis
    assert (
        now["fists_up"].origin == "earlier_analysis" and now["fists_up"].comments[0][2] == "was this a fist?"
    )
    assert now["pacing"].status == "unreviewed"
    assert len(store.analyses(sid)) == 2 and store.analyses(sid)[-1].model_version.endswith("cues-0.2")


def test_unreviewed_events_of_an_earlier_analysis_disappear(
    store: SessionStore, demo_dir: Path, tmp_path: Path
) -> None:
    sid = store.import_analysis(demo_dir).session_id
    out = write_demo_analysis(
        tmp_path / "v2", video=demo_dir / "recording.mp4", events=DEFAULT_EVENTS[:1], model_version="cues-0.2"
    )
    store.import_analysis(out)
    assert [e.cue for e in store.current_events(sid)] == ["pointing"]


def test_review_api_appends_and_derives(store: SessionStore, demo_dir: Path) -> None:
    sid = store.import_analysis(demo_dir).session_id
    ev = {e.cue: e for e in store.current_events(sid)}
    store.adjust(sid, ev["open_hands"].key, 1.2, 2.8, "ann")
    key = store.add_event(sid, "hands_on_hips", 1, 0.2, 0.9, "bob")
    store.bookmark(sid, "bob", 2.0, "ask about this")
    store.set_role(sid, 0, "client", "bob")
    state = store.state(sid)
    oh = next(e for e in state.events if e.key == ev["open_hands"].key)
    assert (oh.start, oh.end, oh.status, oh.adjusted) == (1.2, 2.8, "confirmed", True)
    assert next(e for e in state.events if e.key == key).origin == "reviewer"
    assert state.notes[0].text == "ask about this" and state.roles[0] == "client"
    log = store.review_log(sid)
    assert [a.action for a in log] == ["adjust", "add", "bookmark", "role_change"]
    assert [a.reviewer for a in log] == ["ann", "bob", "bob", "bob"]
    assert all(a.at.endswith("+00:00") for a in log)
    assert store.reviewers(sid) == ["ann", "bob"]


def test_review_log_is_append_only(store: SessionStore, demo_dir: Path, store_path: Path) -> None:
    sid = store.import_analysis(demo_dir).session_id
    store.confirm(sid, store.current_events(sid)[0].key, "ann")
    conn = sqlite3.connect(store_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE review_log SET action = 'reject'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM review_log")
    conn.close()
    assert [a.action for a in store.review_log(sid)] == ["confirm"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda st, sid, k: st.confirm(999, k, "ann"), "session 999 does not exist"),
        (lambda st, sid, k: st.confirm(sid, "m-nope", "ann"), "is not in session"),
        (lambda st, sid, k: st.confirm(sid, k, "  "), "reviewer"),
        (lambda st, sid, k: st.adjust(sid, k, 3.0, 1.0, "ann"), "before start"),
        (lambda st, sid, k: st.adjust(sid, k, 1.0, 99.0, "ann"), "within the video"),
        (lambda st, sid, k: st.add_event(sid, "juggling", 0, 1.0, 2.0, "ann"), "unknown cue"),
        (lambda st, sid, k: st.bookmark(sid, "ann", -1.0), "within the video"),
        (lambda st, sid, k: st.set_role(sid, 0, "boss", "ann"), "role"),
        (lambda st, sid, k: st.comment(sid, "ann", "x"), "event or a moment"),
        (
            lambda st, sid, k: st.record(sid, "ann", [("confirm", k, {}), ("dance", k, {})]),
            "unknown review action",
        ),
        (lambda st, sid, k: st.session("abc"), "should be a number"),
        (lambda st, sid, k: st.trainee("Nobody"), "no trainee named"),
    ],
)
def test_bad_review_input_changes_nothing(store: SessionStore, demo_dir: Path, call, message: str) -> None:
    sid = store.import_analysis(demo_dir).session_id
    key = store.current_events(sid)[0].key
    before = store.counts()
    with pytest.raises(InputError, match=message):
        call(store, sid, key)
    assert store.counts() == before  # a batch with one bad action writes none of it


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 10, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 100, "cannot be opened"),
    ],
)
def test_a_file_that_is_not_a_store_is_refused_unchanged(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        SessionStore.create_from_options(StoreOptions(path=path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sqlite"]


def test_another_programs_database_and_newer_stores_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="something else"):
        SessionStore.open(other)
    newer = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    with pytest.raises(InputError, match="newer cuedetect"):
        SessionStore.open(newer)


def test_default_location_is_the_data_dir(
    tmp_path: Path, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUEDETECT_DATA_DIR", str(tmp_path / "data"))
    sid = import_analysis(demo_dir, trainee="Sam")
    assert (tmp_path / "data" / "cuedetect.sqlite").is_file()
    with SessionStore.create_from_options(StoreOptions()) as st:
        assert st.session(sid).trainee_name == "Sam"


def test_summary_and_progress(store: SessionStore, demo_dir: Path, tmp_path: Path) -> None:
    sid = store.import_analysis(demo_dir, trainee="Sam", date="2026-01-10").session_id
    other = write_demo_analysis(tmp_path / "b", seed=3)
    sid2 = store.import_analysis(other, trainee="Sam", date="2026-01-03").session_id
    for e in store.current_events(sid):
        store.confirm(sid, e.key, "ann")
    s = session_summary(store, sid)
    pair = s["agreement"]["pairs"][0]
    assert (pair["a"], pair["b"]) == ("model", "ann") and pair["per_cue"]["overall"]["kappa"] == 1.0
    assert s["metrics"]["confirmed_counts"] == {"fists_up": 1, "open_hands": 1, "pointing": 1, "too_close": 1}
    rows = progress(store, "Sam")
    assert [r["session"] for r in rows] == [sid2, sid]  # by date
    assert rows[1]["confirmed"] == 4 and rows[0]["confirmed"] == 0
