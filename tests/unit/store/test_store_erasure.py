"""Erasing a session: every row tied to it goes in one transaction, nothing else moves, files by rule."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.store import SessionStore
from cuedetect.store.demo import DEFAULT_EVENTS, write_demo_analysis
from cuedetect.store.erasure import folder_problem
from cuedetect.store.summary import progress, session_summary

SECRET = "trainee-asked-to-be-forgotten-7f3a"


def _reviewed(store: SessionStore, out: Path, trainee: str = "Sam") -> int:
    """Import `out` and review it: confirm, reject, comment on an event and on a moment, bookmark, role."""
    sid = store.import_analysis(out, trainee=trainee).session_id
    keys = [e.key for e in store.current_events(sid)]
    store.confirm(sid, keys[0], "ann")
    store.reject(sid, keys[1], "bob")
    store.comment(sid, "ann", SECRET, event_key=keys[2])
    store.comment(sid, "ann", "calm voice here", t=1.5)
    store.bookmark(sid, "ann", 2.0, "look here")
    store.set_role(sid, 0, "trainee", "ann")
    return sid


def _rows_of(store_path: Path, sid: int) -> dict[str, int]:
    conn = sqlite3.connect(store_path)
    try:
        return {
            "sessions": conn.execute("SELECT COUNT(*) FROM sessions WHERE id = ?", (sid,)).fetchone()[0],
            "analyses": conn.execute("SELECT COUNT(*) FROM analyses WHERE session_id = ?", (sid,)).fetchone()[
                0
            ],
            "events": conn.execute(
                "SELECT COUNT(*) FROM events e JOIN analyses a ON a.id = e.analysis_id "
                "WHERE a.session_id = ?",
                (sid,),
            ).fetchone()[0],
            "orphan_events": conn.execute(
                "SELECT COUNT(*) FROM events WHERE analysis_id NOT IN (SELECT id FROM analyses)"
            ).fetchone()[0],
            "review_log": conn.execute(
                "SELECT COUNT(*) FROM review_log WHERE session_id = ?", (sid,)
            ).fetchone()[0],
        }
    finally:
        conn.close()


@pytest.fixture
def two_sessions(store: SessionStore, tmp_path: Path) -> tuple[int, int, Path]:
    """Two reviewed sessions of one trainee; the first re-analysed (two analyses). Returns ids and folder."""
    first = write_demo_analysis(tmp_path / "first", seed=1)
    a = _reviewed(store, first)
    again = write_demo_analysis(
        tmp_path / "first-v2",
        video=first / "recording.mp4",
        events=DEFAULT_EVENTS[:2],
        model_version="cues-0.2",
    )
    store.import_analysis(again)
    b = _reviewed(store, write_demo_analysis(tmp_path / "second", seed=2))
    return a, b, first


def test_erase_removes_everything_tied_to_the_session_and_nothing_else(
    store: SessionStore, store_path: Path, two_sessions: tuple[int, int, Path]
) -> None:
    a, b, first = two_sessions
    other_before = (
        store.current_events(b),
        store.review_log(b),
        session_summary(store, b),
        store.analyses(b),
    )
    before = store.counts()
    done = store.erase_session(a)
    assert (done.session_id, done.analyses, done.events, done.review_actions) == (a, 2, 6, 6)
    assert _rows_of(store_path, a) == dict.fromkeys(_rows_of(store_path, a), 0)
    with pytest.raises(InputError, match=f"session {a} does not exist"):
        store.session(a)
    assert [r["session"] for r in progress(store, "Sam")] == [b]  # the debrief numbers went with the rows
    # the other session is exactly as it was; the trainee stays (the name may have other sessions)
    assert (store.current_events(b), store.review_log(b), session_summary(store, b), store.analyses(b)) == (
        other_before
    )
    after = store.counts()
    assert after == {
        **before,
        "sessions": before["sessions"] - 1,
        "analyses": before["analyses"] - 2,
        "events": before["events"] - 6,
        "review_log": before["review_log"] - 6,
        "erasures": 1,
    }
    assert first.is_dir() and (first / "recording.mp4").is_file()  # folders stay unless files=True
    assert done.folders_removed == () and len(done.folders_kept) == 2
    assert "erased: 2 analysis(es), 6 events, 6 review actions" in done.summary()


def test_the_review_log_stays_append_only_after_an_erasure(
    store: SessionStore, store_path: Path, two_sessions: tuple[int, int, Path]
) -> None:
    a, b, _ = two_sessions
    store.erase_session(a)
    conn = sqlite3.connect(store_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM review_log WHERE session_id = ?", (b,))
        # the erasure record holds numbers, no name and no path
        row = conn.execute("SELECT * FROM erasures").fetchone()
        assert row[1] == a and row[4] == 1 and "Sam" not in str(row) and "recording" not in str(row)
    finally:
        conn.close()
    # an erased id is never given again: an old export named session-1 cannot be mistaken for a new one
    new = store.import_analysis(write_demo_analysis(store_path.parent / "third", seed=3)).session_id
    assert new == b + 1 and a != new


def test_erasing_the_last_session_does_not_give_its_id_away(store: SessionStore, tmp_path: Path) -> None:
    sid = store.import_analysis(write_demo_analysis(tmp_path / "one", seed=4)).session_id
    store.erase_session(sid)
    assert store.import_analysis(write_demo_analysis(tmp_path / "two", seed=5)).session_id == sid + 1


def test_the_erased_texts_are_gone_from_the_files(
    store: SessionStore, store_path: Path, two_sessions: tuple[int, int, Path]
) -> None:
    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))

    a, b, _ = two_sessions
    store.erase_session(b)
    assert on_disk().count(SECRET.encode()) >= 1  # session a still holds its copy
    store.erase_session(a)
    assert SECRET.encode() not in on_disk()


@pytest.mark.parametrize("ref", [99, 0, -1])
def test_an_unknown_session_changes_nothing(
    store: SessionStore, two_sessions: tuple[int, int, Path], ref: int
) -> None:
    before = store.counts()
    with pytest.raises(InputError, match=f"session {ref} does not exist"):
        store.erase_session(ref)
    assert store.counts() == before


def test_a_failure_part_way_leaves_the_store_as_it_was(
    store: SessionStore, two_sessions: tuple[int, int, Path]
) -> None:
    a, _, first = two_sessions
    before, log, events = store.counts(), store.review_log(a), store.current_events(a)
    # a real SQLite failure after the review rows and events were deleted, at the session row
    store._conn.execute(
        "CREATE TEMP TRIGGER fail_midway BEFORE DELETE ON sessions "
        "BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
    )
    with pytest.raises(InputError, match=r"cannot erase session .*disk gone.*nothing was changed"):
        store.erase_session(a, files=True)
    assert store.counts() == before
    assert (store.review_log(a), store.current_events(a)) == (log, events)
    assert first.is_dir()  # folders go only after the rows are gone


def test_files_removes_the_registered_folders_but_follows_no_link(
    store: SessionStore, two_sessions: tuple[int, int, Path], tmp_path: Path
) -> None:
    a, b, first = two_sessions
    outside = tmp_path / "elsewhere" / "keep.txt"
    outside.parent.mkdir()
    outside.write_text("not the session's")
    (first / "link-out").symlink_to(outside.parent)
    done = store.erase_session(a, files=True)
    assert sorted(done.folders_removed) == sorted([str(first), str(first.parent / "first-v2")])
    assert not first.exists() and not (first.parent / "first-v2").exists()
    assert outside.read_text() == "not the session's"  # the link was removed, not followed
    assert (tmp_path / "second").is_dir() and store.analyses(b)  # the other session's folder stays
    assert "1 analysis folder" not in done.summary() and "2 analysis folder(s)" in done.summary()


def test_files_keeps_a_folder_that_is_now_a_link(store: SessionStore, tmp_path: Path) -> None:
    out = write_demo_analysis(tmp_path / "a" / "out", seed=6)
    sid = store.import_analysis(out).session_id
    moved = tmp_path / "b" / "out"
    moved.parent.mkdir()
    out.rename(moved)
    out.symlink_to(moved)  # the registered path now leads elsewhere
    done = store.erase_session(sid, files=True)
    assert done.folders_removed == () and "symbolic link" in done.folders_kept[0]
    assert (moved / "analysis.json").is_file()


def test_folder_problem(store: SessionStore, store_path: Path, tmp_path: Path) -> None:
    out = write_demo_analysis(tmp_path / "x" / "out", seed=7)
    session = store.session(store.import_analysis(out).session_id)
    assert folder_problem(out, session, store_path, []) is None
    assert "session(s) 9" in folder_problem(out, session, store_path, [9])
    assert "holds the session store" in folder_problem(out, session, out / "cuedetect.sqlite", [])
    assert "not there" in folder_problem(tmp_path / "gone", session, store_path, [])
    assert "root" in folder_problem(Path("/tmp"), session, store_path, [])
    write_demo_analysis(out, seed=8)  # another recording analysed into the same folder
    assert "another recording" in folder_problem(out, session, store_path, [])


def test_a_trainee_goes_only_after_their_sessions(
    store: SessionStore, store_path: Path, two_sessions: tuple[int, int, Path]
) -> None:
    a, b, _ = two_sessions
    store.add_trainee("Alex")
    before = store.counts()
    with pytest.raises(InputError, match=rf"trainee Sam still has 2 session\(s\) \({a}, {b}\)"):
        store.erase_trainee("Sam")
    assert store.counts() == before
    store.erase_session(a)
    store.erase_session(b)
    assert store.erase_trainee("Sam").name == "Sam"
    assert [t.name for t in store.trainees()] == ["Alex"]
    assert b"Sam" not in b"".join(p.read_bytes() for p in store_path.parent.glob(store_path.name + "*"))
    with pytest.raises(InputError, match="no trainee named 'Sam'"):
        store.erase_trainee("Sam")


def test_a_trainee_erasure_that_fails_changes_nothing(store: SessionStore) -> None:
    store.add_trainee("Sam")
    before = store.counts()
    store._conn.execute(
        "CREATE TEMP TRIGGER fail_trainee BEFORE DELETE ON trainees "
        "BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
    )
    with pytest.raises(InputError, match=r"cannot erase trainee Sam: disk gone; nothing was changed"):
        store.erase_trainee("Sam")
    assert store.counts() == before and [t.name for t in store.trainees()] == ["Sam"]
