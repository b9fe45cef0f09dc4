"""Two real processes writing reviews to the same session of the same SQLite file lose nothing."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

from cuedetect.store import SessionStore, StoreOptions
from cuedetect.store.demo import write_demo_analysis

N_PER_PROCESS = 150


def _reviewer(store_path: str, session_id: int, name: str, start: mp.synchronize.Barrier) -> None:
    with SessionStore.create_from_options(StoreOptions(path=Path(store_path))) as store:
        keys = [e.key for e in store.current_events(session_id)]
        start.wait(60)  # both processes ready: they write at the same time
        for i in range(N_PER_PROCESS):
            key = keys[i % len(keys)]
            store.state(session_id)  # like a reviewer: look, then act
            if i % 3 == 0:
                store.confirm(session_id, key, name)
            elif i % 3 == 1:
                store.comment(session_id, name, f"{name}-{i}", event_key=key)
            else:
                store.bookmark(session_id, name, 0.01 * (i % 300), f"{name}-{i}")


def test_two_processes_writing_reviews_lose_nothing(tmp_path: Path) -> None:
    store_path = tmp_path / "cuedetect.sqlite"
    with SessionStore.create_from_options(StoreOptions(path=store_path)) as store:
        sid = store.import_analysis(write_demo_analysis(tmp_path / "a")).session_id
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_reviewer, args=(str(store_path), sid, name, start)) for name in ("ann", "bob")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]

    with SessionStore.create_from_options(StoreOptions(path=store_path)) as store:
        log = store.review_log(sid)
        state = store.state(sid)
    assert len(log) == 2 * N_PER_PROCESS
    for name in ("ann", "bob"):
        mine = [a for a in log if a.reviewer == name]
        assert len(mine) == N_PER_PROCESS
        texts = sorted(
            a.payload.get("text", a.payload.get("note", "")) for a in mine if a.action != "confirm"
        )
        assert texts == sorted(f"{name}-{i}" for i in range(N_PER_PROCESS) if i % 3)
    # the two processes really wrote at the same time: their spans of the log overlap
    spans = {n: [i for i, a in enumerate(log) if a.reviewer == n] for n in ("ann", "bob")}
    assert spans["ann"][0] < spans["bob"][-1] and spans["bob"][0] < spans["ann"][-1]
    assert len(state.notes) == 2 * (N_PER_PROCESS // 3)
    conn = sqlite3.connect(store_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
