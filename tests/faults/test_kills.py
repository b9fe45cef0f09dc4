"""Killing `cuedetect analyze` and `cuedetect import` at random moments loses nothing and leaves nothing.

After SIGTERM or SIGKILL at a random moment of an analysis: within 5 s no process of it remains (pose
workers included), the result folder holds a whole result (the previous one, or the new one if the kill
came after its commit), the session store passes its integrity check with its reviews, and a rerun
completes. The same for imports into the store.

Where the kills land: each phase of a run gets both signals, at a random moment inside it: start-up
(imports, before the pose workers), the first and second half of the pose workers' run, and the first
and second half of what follows (cleaning, floor, cues, writing the .partial folder, the commit and the
store's transaction, which end the run). Each kill waits for its phase's start as seen in /proc, then a
random share of that phase's length in two whole runs watched the same way. That is 10 kills. It
used to be 20 moments spread evenly over a run; the phases after the workers are 10-20% of a run, so 20
even kills put 2-4 there on average (none in the last tenth in about one run of seven); 10 by phase
always aim 4 there, 2 at the last stretch, and 4 while the workers run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.faults.conftest import CLI, group_processes, kill_group, wait_gone

FLAGS = ("--fps", "1", "--model", "lite", "--jobs", "2", "--no-hands")  # short: the cost is 10 part-runs
SEED = int(os.environ.get("CUEDETECT_FAULT_SEED", time.time_ns() % 100_000))


def analyze(clip: Path, out: Path, store: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CLI, "analyze", str(clip), "--out", str(out), "--store", str(store), *FLAGS, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def result_state(out: Path) -> dict[str, str]:
    """sha256 of every file of a whole result; fails if the folder is not one."""
    meta = json.loads((out / "analysis.json").read_text())
    files = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in meta["files"]}
    import pandas as pd

    for name in files:
        if name.endswith(".parquet"):
            pd.read_parquet(out / name)
    return files


def watched_run(clip: Path, out: Path, store: Path, *extra: str) -> dict[str, float]:
    """A whole analysis, watched in /proc every 20 ms: the length of its phases (start-up until the pose
    workers appear, the workers, after them until it ends), keyed by the anchor each phase starts at."""
    t0 = time.monotonic()
    proc = analyze(clip, out, store, *extra)
    workers: list[float] = []
    while proc.poll() is None:
        if len(group_processes(proc.pid)) >= 4:  # the CLI, multiprocessing's tracker, two pose workers
            workers.append(time.monotonic() - t0)
        time.sleep(0.02)
    run_s = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert workers, "the pose workers were never seen"
    return {"launch": workers[0], "workers": workers[-1] - workers[0], "workers gone": run_s - workers[-1]}


# Each phase's kill waits for the phase's start as seen in /proc (launch, the workers appearing, the
# workers gone), then a random share of that phase's length: the shorter of two watched whole runs, and
# shares up to 0.9 of it, so that a run going faster than those (a machine less loaded) is still in the
# phase when the kill comes.
PHASES = (  # (name, anchor, from, to): shares of the phase measured from its anchor
    ("start-up", "launch", 0.0, 0.9),
    ("pose workers, first half", "workers", 0.05, 0.45),
    ("pose workers, second half", "workers", 0.45, 0.9),
    ("after the workers, first half", "workers gone", 0.0, 0.45),
    ("after the workers: outputs, commit, store", "workers gone", 0.45, 0.9),
)


def wait_for(anchor: str, proc: subprocess.Popen[str]) -> bool:
    """Wait until the run reaches `anchor`; False if it ended first."""
    seen = False
    while proc.poll() is None:
        n = len(group_processes(proc.pid))
        if (
            anchor == "launch"
            or (anchor == "workers" and n >= 4)
            or (anchor == "workers gone" and seen and n < 4)
        ):
            return True
        seen = seen or n >= 4
        time.sleep(0.02)
    return False


def store_state(store: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        counts = {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("sessions", "analyses", "events", "review_log")
        }
        # every analysis has all its events or none was committed (one transaction per import)
        per = conn.execute(
            "SELECT a.id, COUNT(e.id) FROM analyses a LEFT JOIN events e ON e.analysis_id = a.id "
            "GROUP BY a.id"
        ).fetchall()
        counts["analyses_without_events"] = sum(1 for _, n in per if n == 0)
        return counts
    finally:
        conn.close()


@pytest.mark.slow
def test_killing_analyze_at_random_moments(tiny_clip: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    out, store = tmp_path / "out", tmp_path / "cuedetect.sqlite"
    first, second = watched_run(tiny_clip, out, store), watched_run(tiny_clip, out, store, "--overwrite")
    length = {anchor: min(first[anchor], second[anchor]) for anchor in first}
    with sqlite3.connect(store) as conn:  # a reviewer's work that must survive every kill
        key = conn.execute("SELECT event_key FROM events LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO review_log (session_id, reviewer, at, action, event_key) "
            "VALUES (1, 'ann', '2026-01-01T00:00:00', 'confirm', ?)",
            (key,),
        )
    result, stored = result_state(out), store_state(store)
    kills = [
        (phase, anchor, (lo + rng.random() * (hi - lo)) * length[anchor], sig)
        for phase, anchor, lo, hi in PHASES
        for sig in (signal.SIGTERM, signal.SIGKILL)
    ]
    rng.shuffle(kills)
    log, with_workers = [], 0
    for i, (phase, anchor, moment, sig) in enumerate(kills):
        proc = analyze(tiny_clip, out, store, "--overwrite")
        try:
            wait_for(anchor, proc)
            time.sleep(moment)
            alive = group_processes(proc.pid)
            with_workers += len(alive) >= 4  # the CLI, multiprocessing's tracker, two pose workers
            os.kill(proc.pid, sig)
            gone_s, left = wait_gone(proc.pid, 5.0)
            code = proc.wait(1)
            err = proc.stderr.read()
        finally:
            kill_group(proc.pid)
        what = f"seed {SEED} kill {i} ({sig.name} {phase} +{moment:.1f} s: exit {code}, {len(alive)} procs)"
        log.append(f"{what}: gone in {gone_s:.2f} s")
        assert not left, f"{what}: processes {left} still there after 5 s"
        if sig == signal.SIGTERM and code == 143:
            lines = err.strip().splitlines()
            # (multiprocessing's resource tracker may add a warning line of its own after ours)
            assert "terminated: nothing half-written was kept" in lines and "Traceback" not in err, err
            assert not (out / f".partial-{proc.pid}").exists(), f"{what}: its .partial folder left behind"
        else:
            assert code in (0, -sig, 128 + sig), f"{what}: {err}"
        now = result_state(out)  # a whole result: the previous one, or the new one committed just before
        assert now == result or code == 0 or now["analysis.json"] != result["analysis.json"], what
        result = now
        st = store_state(store)
        assert st["sessions"] == 1 and st["review_log"] == stored["review_log"], f"{what}: {st}"
        assert st["analyses_without_events"] == 0 and st["analyses"] >= stored["analyses"], f"{what}: {st}"
        stored = st
    print("\n".join(log))
    assert with_workers >= 3, f"only {with_workers} kills landed while the pose workers ran: {log}"
    again = analyze(tiny_clip, out, store, "--overwrite")
    assert again.wait(600) == 0, again.stderr.read()
    assert not list(out.glob(".partial-*")), "the rerun did not clear what SIGKILLed runs left"
    result_state(out)
    check = subprocess.run([CLI, "store", "check", "--store", str(store)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def _many_events(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    cues = ("pointing", "fists_up", "open_hands", "too_close")
    out = []
    for _ in range(n):
        start = rng.uniform(0, 3.5)
        out.append(
            {
                "cue": rng.choice(cues),
                "person": rng.choice((0, 1)),
                "start": start,
                "end": start + rng.uniform(0.1, 0.5),
                "confidence": rng.random(),
            }
        )
    return out


def test_killing_import_at_random_moments(tmp_path: Path) -> None:
    from cuedetect.store.demo import write_demo_analysis

    rng = random.Random(SEED)
    store = tmp_path / "cuedetect.sqlite"
    base = write_demo_analysis(tmp_path / "a0", events=_many_events(50, 0))
    video = base / "recording.mp4"
    assert (
        subprocess.run([CLI, "import", str(base), "--store", str(store)], capture_output=True).returncode == 0
    )
    with sqlite3.connect(store) as conn:
        conn.execute(
            "INSERT INTO review_log (session_id, reviewer, at, action, payload_json) "
            "VALUES (1, 'ann', '2026-01-01T00:00:00', 'comment', '{\"text\": \"keep me\"}')"
        )
    before = store_state(store)
    t0 = time.monotonic()
    probe = subprocess.run([CLI, "sessions", "list", "--store", str(store)], capture_output=True)
    assert probe.returncode == 0
    startup_s = time.monotonic() - t0
    n_events, imported = 3000, 0
    for i in range(5):
        folder = write_demo_analysis(
            tmp_path / f"a{i + 1}",
            video=video,
            events=_many_events(n_events, i + 1),
            model_version=f"cues-{i + 1}",
        )
        proc = subprocess.Popen(
            [CLI, "import", str(folder), "--store", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.5, 2.0) * startup_s)
        os.kill(proc.pid, signal.SIGKILL)
        _, left = wait_gone(proc.pid, 5.0)
        proc.wait(1)
        kill_group(proc.pid)
        assert not left
        st = store_state(store)
        new = st["analyses"] - before["analyses"]
        assert new in (0, 1), st
        assert st["events"] == before["events"] + new * n_events, (
            f"kill {i} (seed {SEED}): half an import {st}"
        )
        assert st["review_log"] == before["review_log"] and st["sessions"] == 1
        imported += new
        before = st
    last = subprocess.run([CLI, "import", str(folder), "--store", str(store)], capture_output=True, text=True)
    assert last.returncode == 0, last.stderr
    assert store_state(store)["review_log"] == 1
