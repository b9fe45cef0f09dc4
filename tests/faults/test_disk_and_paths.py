"""Full disks and unwritable outputs: one line naming the path, before any work, and nothing lost.

The full disk is real: a small tmpfs mounted by the test (CI runs as root) and filled up.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from cuedetect.dashboard.uploads import RECORDINGS
from cuedetect.errors import InputError
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_demo_analysis
from tests.faults.conftest import CLI, fill, small_fs

FLAGS = ("--fps", "1", "--model", "lite", "--jobs", "1", "--no-cues", "--no-register")


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def tree(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def one_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def readonly_fs():
    with small_fs(256) as mnt:
        (mnt / "existing").mkdir()
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        try:
            yield mnt
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mnt)], check=False)


def test_unwritable_outputs_fail_first_in_one_line(
    tmp_path: Path, tiny_clip: Path, readonly_fs: Path
) -> None:
    """Not a video AND an unwritable --out: the error is about --out, so it was checked first."""
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out in (a_file / "out", Path("/proc/cuedetect-out"), readonly_fs / "out", readonly_fs / "existing"):
        t0 = time.monotonic()
        proc = run("analyze", str(not_video), "--out", str(out), *FLAGS)
        line = one_line(proc, str(out))
        assert line.startswith("error: cannot write the results to"), line
        assert time.monotonic() - t0 < 60
    assert not (tmp_path / "a_file").is_dir()


def test_analysis_on_a_full_disk_keeps_the_earlier_result(tiny_clip: Path) -> None:
    with small_fs(4096) as fs:
        out = fs / "out"
        first = run("analyze", str(tiny_clip), "--out", str(out), *FLAGS)
        assert first.returncode == 0, first.stderr
        before = tree(out)
        fill(fs, 16 * 1024)  # room for the write test, not for the results
        proc = run("analyze", str(tiny_clip), "--out", str(out), "--overwrite", *FLAGS)
        one_line(proc, str(out), "no space left")
        assert tree(out) == before and not list(out.glob(".partial-*"))
        fill(fs, 0)  # completely full: refused before any decoding
        proc = run("analyze", str(tiny_clip), "--out", str(fs / "new"), *FLAGS)
        one_line(proc, str(fs / "new"), "cannot write the results")
        assert not (fs / "new").exists()


def test_store_on_a_full_disk_refuses_the_import_and_keeps_every_row(tmp_path: Path) -> None:
    demo = write_demo_analysis(tmp_path / "a")
    many = [{"cue": "pointing", "person": 0, "start": i / 1000, "end": i / 1000 + 0.5, "confidence": 0.5,
             "evidence": {"note": "x" * 100}} for i in range(2000)]  # fmt: skip
    big = write_demo_analysis(tmp_path / "b", video=demo / "recording.mp4", events=many, model_version="v2")
    with small_fs(8192) as fs:
        store = fs / "cuedetect.sqlite"
        with SessionStore.open(store) as st:
            sid = st.import_analysis(demo).session_id
            st.confirm(sid, st.current_events(sid)[0].key, "ann")
            counts = st.counts()
        fill(fs, 64 * 1024)
        proc = run("import", str(big), "--store", str(store))
        one_line(proc, str(store), "cannot write the session store")
        (fs / "filler.bin").unlink()
        conn = sqlite3.connect(store)
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        conn.close()
        with SessionStore.open(store) as st:
            assert st.counts() == counts
        assert run("import", str(big), "--store", str(store)).returncode == 0


def test_upload_to_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    from cuedetect.dashboard.uploads import store_upload

    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\1" * (2 * 1024 * 1024)
    with small_fs(1024) as fs:
        with pytest.raises(InputError, match="cannot store the upload") as info:
            store_upload(fs, io.BytesIO(data), "clip.mp4", len(data), 100)
        assert str(fs) in str(info.value) and "\n" not in str(info.value)
        assert [p.name for p in (fs / RECORDINGS).iterdir()] == []
    shutil.rmtree(tmp_path, ignore_errors=True)
