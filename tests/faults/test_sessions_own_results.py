"""Sessions own their results: --overwrite cannot take a session's folder for another recording, and a
folder changed from under a session is detected instead of shown as that session's."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from cuedetect.dashboard.review_data import load_review
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_demo_analysis
from tests.faults.conftest import CLI


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def test_overwrite_of_another_sessions_folder_is_refused(tmp_path: Path, tiny_clip: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "cuedetect.sqlite"
    write_demo_analysis(out)  # session 1: the demo recording, analysed into out
    with SessionStore.open(store) as st:
        sid = st.import_analysis(out).session_id
    before = _tree(out)
    proc = subprocess.run(
        [CLI, "analyze", str(tiny_clip), "--out", str(out), "--overwrite", "--store", str(store)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert f"holds the result of session {sid}" in lines[0] and "choose another --out" in lines[0]
    assert _tree(out) == before


def test_review_data_does_not_show_another_recordings_results(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "cuedetect.sqlite"
    write_demo_analysis(out)
    with SessionStore.open(store) as st:
        sid = st.import_analysis(out).session_id
        data = load_review(st, sid)
        assert data.output_problem is None and data.analysis_dir == out.resolve()
        # the folder is replaced behind the store's back by another recording's analysis
        other = write_demo_analysis(tmp_path / "other", seed=3)
        shutil.rmtree(out)
        shutil.copytree(other, out)
        data = load_review(st, sid)
        assert "another recording" in data.output_problem
        assert data.analysis_dir is None and data.annotated is None and data.distance.empty
        shutil.rmtree(out)
        assert "is missing" in load_review(st, sid).output_problem


def test_sessions_show_warns_when_the_result_folder_is_gone(tmp_path: Path) -> None:
    out, store = tmp_path / "out", tmp_path / "cuedetect.sqlite"
    write_demo_analysis(out)
    with SessionStore.open(store) as st:
        sid = st.import_analysis(out).session_id
    shutil.rmtree(out)
    proc = subprocess.run(
        [CLI, "sessions", "show", str(sid), "--store", str(store)], capture_output=True, text=True
    )
    assert (
        proc.returncode == 0
        and f"warning: session {sid}: result folder {out.resolve()} is missing" in proc.stderr
    )
