"""`commit`: the old whole result stays until the slow part is done, and a stop never splits the renames."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from cuedetect.analysis.outputs import commit
from cuedetect.procs import Terminated, sigterm_unwinds

NEW = {"poses.parquet": b"new poses", "events.json": b"[]", "analysis.json": b'{"run": "new"}'}
OLD = {"poses.parquet": b"old poses", "hands.parquet": b"old hands", "analysis.json": b'{"run": "old"}'}


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    out, tmp = tmp_path / "out", tmp_path / "out" / ".partial-1"
    tmp.mkdir(parents=True)
    for name, data in OLD.items():
        (out / name).write_bytes(data)
    for name, data in NEW.items():
        (tmp / name).write_bytes(data)
    return out, tmp


def _result(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_commit_puts_the_new_result_in_place_and_drops_the_old_results_other_files(tmp_path: Path) -> None:
    out, tmp = _folders(tmp_path)
    commit(tmp, out)
    assert _result(out) == NEW  # the old hands.parquet went: the new run wrote none
    assert not any(tmp.iterdir())
    assert all(oct((out / n).stat().st_mode)[-3:] == "644" for n in NEW)


def test_every_file_reaches_the_disk_before_the_old_result_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, tmp = _folders(tmp_path)
    seen: list[tuple[str, bool]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        seen.append((os.path.basename(os.readlink(f"/proc/self/fd/{fd}")), (out / "analysis.json").exists()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    commit(tmp, out)
    assert sorted(name for name, _ in seen) == sorted(NEW)
    assert all(old_whole for _, old_whole in seen)
    assert json.loads((out / "analysis.json").read_text()) == {"run": "new"}


def test_a_sigterm_during_the_renames_waits_until_the_new_result_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, tmp = _folders(tmp_path)
    real_replace = os.replace
    calls = []

    def replace(src: os.PathLike, dst: os.PathLike) -> None:
        if not calls:  # the first rename: the old marker is gone, nothing new is in place yet
            os.kill(os.getpid(), signal.SIGTERM)
        calls.append(Path(dst).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Terminated), sigterm_unwinds():
        commit(tmp, out)
    assert calls[-1] == "analysis.json" and len(calls) == len(NEW)
    assert _result(out) == NEW
