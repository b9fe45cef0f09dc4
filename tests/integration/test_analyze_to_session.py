"""`cuedetect analyze` goes all the way: poses -> cue events -> a session in the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cuedetect.cli.analyze import parse_roles
from cuedetect.errors import InputError
from cuedetect.store import SessionStore, StoreOptions


def _analyze(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).with_name("cuedetect")), "analyze", *args, "--jobs", "1", "--fps", "4"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def test_analysis_writes_events_and_registers_one_session_per_recording(clips_dir: Path, tmp_path: Path):
    store = tmp_path / "store.sqlite"
    out = tmp_path / "out"
    clip = str(clips_dir / "two_people_outdoors.mp4")
    first = _analyze(clip, "--out", str(out), "--store", str(store), "--roles", "0=client,1=trainee")
    assert first.returncode == 0, first.stderr
    events = json.loads((out / "events.json").read_text())
    assert events["video"] == "two_people_outdoors.mp4"
    assert {p["id"]: p["role"] for p in events["persons"]} == {0: "client", 1: "trainee"}
    assert "registered as session" in first.stdout

    again = _analyze(clip, "--out", str(out), "--store", str(store), "--overwrite")
    assert again.returncode == 0, again.stderr
    with SessionStore.create_from_options(StoreOptions(path=store)) as st:
        assert len(st.sessions()) == 1


def test_no_register_leaves_the_store_alone(clips_dir: Path, tmp_path: Path):
    store = tmp_path / "store.sqlite"
    proc = _analyze(str(clips_dir / "two_people_outdoors.mp4"), "--out", str(tmp_path / "o"),
                    "--store", str(store), "--no-register")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not store.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("0=trainee", {0: "trainee"}), (" 1=client, 0=trainee ", {1: "client", 0: "trainee"})],
)
def test_roles_flag_parses(text, expected):
    assert parse_roles(text) == expected


@pytest.mark.parametrize("text", ["a=trainee", "0=boss", "0trainee"])
def test_roles_flag_refuses_nonsense(text):
    with pytest.raises(InputError, match="--roles"):
        parse_roles(text)
