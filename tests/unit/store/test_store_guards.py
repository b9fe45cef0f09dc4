"""The store guards itself: only a missing file becomes a new store; backup and check keep the records."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_demo_analysis
from cuedetect.store.schema import LATEST_VERSION

CLI = str(Path(sys.executable).with_name("cuedetect"))


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "empty \\(0 bytes\\)"),
        (lambda p: p.write_bytes(b"PK\x03\x04 a zip, not a store" * 10), "not an SQLite database"),
        (lambda p: (SessionStore.open(p).close(), _newer(p)), "newer cuedetect"),
    ],
    ids=["zero-bytes", "wrong-format", "newer-schema"],
)
def test_a_file_that_is_not_our_store_is_refused_and_kept(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "cuedetect.sqlite"
    make(path)
    before = path.read_bytes()
    with pytest.raises(InputError, match=message):
        SessionStore.open(path)
    assert path.read_bytes() == before
    proc = subprocess.run([CLI, "sessions", "list", "--store", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "no sessions yet" not in proc.stdout
    assert path.read_bytes() == before


def test_only_a_missing_file_becomes_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cuedetect.sqlite"
    with SessionStore.open(path) as st:
        assert st.schema_version == LATEST_VERSION and st.sessions() == []
    assert path.stat().st_size > 0


def test_backup_of_a_live_store_is_whole(tmp_path: Path, demo_dir: Path) -> None:
    from cuedetect.store.maintenance import backup

    path = tmp_path / "cuedetect.sqlite"
    with SessionStore.open(path) as st:
        sid = st.import_analysis(demo_dir, trainee="Sam").session_id
        key = st.current_events(sid)[0].key
        st.confirm(sid, key, "ann")
        counts = st.counts()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process mid-write: not in the backup, not blocking it
    writer.execute("INSERT INTO trainees (name, created_at) VALUES ('uncommitted', 'x')")
    (tmp_path / "backups").mkdir()
    dest = backup(path, tmp_path / "backups")
    writer.execute("ROLLBACK")
    writer.close()
    assert dest.parent == tmp_path / "backups" and dest.suffix == ".sqlite"
    with SessionStore.open(dest) as copy:
        assert copy.counts() == counts
        assert copy.state(sid).events[0].status in ("confirmed", "unreviewed")
        assert [t.name for t in copy.trainees()] == ["Sam"]
    with pytest.raises(InputError, match="is the store itself"):
        backup(path, path)
    with pytest.raises(InputError, match="no session store"):
        backup(tmp_path / "missing.sqlite", tmp_path / "b.sqlite")
    assert not (tmp_path / "b.sqlite").exists()


def test_check_finds_a_damaged_database(tmp_path: Path, demo_dir: Path) -> None:
    from cuedetect.store.maintenance import check

    path = tmp_path / "cuedetect.sqlite"
    with SessionStore.open(path) as st:
        st.import_analysis(demo_dir)
    assert check(path).ok
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:  # scribble over the events table's first page
        fh.seek((root - 1) * page + 8)
        fh.write(b"\xff" * 200)
    report = check(path)
    assert not report.ok and report.integrity


def test_check_and_status_see_a_result_folder_change(tmp_path: Path, demo_dir: Path) -> None:
    from cuedetect.store.maintenance import check, output_status

    path, out = tmp_path / "cuedetect.sqlite", tmp_path / "out"
    shutil.copytree(demo_dir, out)
    with SessionStore.open(path) as st:
        sid = st.import_analysis(out).session_id
        session, analysis = st.session(sid), st.analyses(sid)[-1]
    assert output_status(session, analysis).ok
    # re-analysed (same recording, other events) without importing
    write_demo_analysis(out, video=out / "recording.mp4", events=[], model_version="cues-9")
    assert "re-analysed" in output_status(session, analysis).problem
    # overwritten with another recording's analysis
    other = write_demo_analysis(tmp_path / "other", seed=5)
    shutil.rmtree(out)
    shutil.copytree(other, out)
    (out / "analysis.json").write_text((out / "analysis.json").read_text().replace(str(other), str(out)))
    assert "another recording" in output_status(session, analysis).problem
    report = check(path)
    assert not report.ok and "another recording" in report.outputs[0].problem
    proc = subprocess.run([CLI, "store", "check", "--store", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "another recording" in proc.stderr, proc.stderr
    shutil.rmtree(out)
    assert "is missing" in output_status(session, analysis).problem
