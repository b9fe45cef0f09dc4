"""SIGKILL in the middle of an import leaves the store consistent: the import is absent, then redone whole."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from cuedetect.store import SessionStore, StoreOptions
from cuedetect.store.demo import write_demo_analysis

N_EVENTS = 2000
CUES = ("pointing", "fists_up", "pacing", "open_hands")


def _import_and_hang(store_path: str, out_dir: str, marker: str) -> None:
    def progress(done: int, total: int) -> None:
        if done == total // 2:
            Path(marker).write_text(str(done))  # half the events are written, uncommitted
            time.sleep(60)  # killed here

    with SessionStore.create_from_options(StoreOptions(path=Path(store_path))) as store:
        # a tiny page cache makes SQLite spill the unfinished transaction into the WAL file, so the kill
        # leaves half an import on disk (not only in memory) for recovery to discard
        store._conn.execute("PRAGMA cache_size = 5")
        store.import_analysis(out_dir, trainee="Kim", progress=progress)


def _big_analysis(folder: Path, video: Path | None, model: str) -> Path:
    events = [
        {
            "cue": CUES[i % 4],
            "person": i % 2,
            "start": (i % 390) / 100,
            "end": (i % 390) / 100 + 0.1,
            "confidence": 0.5,
        }
        for i in range(N_EVENTS)
    ]
    return write_demo_analysis(folder, video=video, events=events, model_version=model)


def _kill_mid_import(store_path: Path, out_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "half-way"
    proc = mp.get_context("spawn").Process(
        target=_import_and_hang, args=(str(store_path), str(out_dir), str(marker))
    )
    proc.start()
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.is_alive() and time.monotonic() < deadline, "the importer never reached half-way"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL


def _integrity(store_path: Path) -> str:
    conn = sqlite3.connect(store_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("existing_session", [False, True], ids=["new-session", "re-analysis"])
def test_killed_import_is_absent_then_redone(tmp_path: Path, existing_session: bool) -> None:
    store_path = tmp_path / "cuedetect.sqlite"
    first = write_demo_analysis(tmp_path / "v1")
    with SessionStore.create_from_options(StoreOptions(path=store_path)) as store:
        if existing_session:
            sid = store.import_analysis(first).session_id
            store.confirm(sid, store.current_events(sid)[0].key, "ann")
        before = store.counts()
        state_before = store.state(sid).events if existing_session else None
    big = _big_analysis(tmp_path / "v2", first / "recording.mp4" if existing_session else None, "cues-0.2")

    wal = Path(f"{store_path}-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0
    _kill_mid_import(store_path, big, tmp_path)
    assert wal.stat().st_size > wal_before + 50_000  # the half import really reached the disk

    assert _integrity(store_path) == "ok"
    with SessionStore.create_from_options(StoreOptions(path=store_path)) as store:
        assert store.counts() == before  # nothing of the killed import is there, not even the trainee
        if existing_session:
            assert store.state(sid).events == state_before
        # and the same import, redone, arrives whole
        result = store.import_analysis(big, trainee="Kim")
        assert result.new_analysis and result.events == N_EVENTS
        assert len(store.model_events(result.session_id)[0]) == N_EVENTS
        assert [t.name for t in store.trainees()] == ["Kim"]
