"""Naming sessions by id, by the recording's name, or "latest"."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_demo_analysis, write_video
from cuedetect.store.refs import resolve_session


def _session(store: SessionStore, tmp_path: Path, name: str, seed: int) -> int:
    folder = tmp_path / f"{name}-{seed}"
    folder.mkdir(parents=True)
    video = write_video(folder / name, seconds=1.0, seed=seed)
    return store.import_analysis(write_demo_analysis(folder / "out", video=video)).session_id


def test_no_sessions_yet_is_a_clear_error(store: SessionStore) -> None:
    for ref in ("latest", "standoff"):
        with pytest.raises(InputError, match="no sessions yet"):
            resolve_session(store, ref)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("standoff", "standoff"),
        ("standoff.mp4", "standoff"),
        ("STANDOFF", "standoff"),
        (" walk-in ", "walk-in"),
        ("latest", "walk-in"),
        ("Latest", "walk-in"),
    ],
)
def test_names_and_latest(store: SessionStore, tmp_path: Path, ref: str, expected: str) -> None:
    ids = {
        "standoff": _session(store, tmp_path, "standoff.mp4", 1),
        "walk-in": _session(store, tmp_path, "walk-in.mp4", 2),
    }
    assert resolve_session(store, ref) == ids[expected]
    assert resolve_session(store, str(ids[expected])) == ids[expected]
    assert resolve_session(store, ids[expected]) == ids[expected]


def test_latest_follows_the_last_analysis_not_the_new_session(store: SessionStore, tmp_path: Path) -> None:
    first = _session(store, tmp_path, "standoff.mp4", 1)
    _session(store, tmp_path, "walk-in.mp4", 2)
    # the first recording analysed again (a newer model): it is now the latest
    video = tmp_path / "standoff.mp4-1" / "standoff.mp4"
    again = write_demo_analysis(tmp_path / "again", video=video, model_version="cues-0.2")
    assert store.import_analysis(again).session_id == first
    assert resolve_session(store, "latest") == first


def test_a_shared_name_means_the_recording_analysed_last(store: SessionStore, tmp_path: Path) -> None:
    """Two recordings called standoff.mp4 (a sample re-rendered in a newer checkout): the name follows
    the last analysis, so the command printed right after an analysis names what it just made."""
    a = _session(store, tmp_path / "a", "standoff.mp4", 1)
    b = _session(store, tmp_path / "b", "standoff.mp4", 2)
    _session(store, tmp_path / "c", "walk-in.mp4", 3)
    assert a != b and resolve_session(store, "standoff") == b
    again = write_demo_analysis(tmp_path / "again", video=tmp_path / "a" / "standoff.mp4-1" / "standoff.mp4",
                                model_version="cues-0.2")  # fmt: skip
    assert store.import_analysis(again).session_id == a
    assert resolve_session(store, "standoff") == a


def test_unknown_names_say_what_to_give(store: SessionStore, tmp_path: Path) -> None:
    _session(store, tmp_path, "standoff.mp4", 1)
    with pytest.raises(InputError, match=r"no session 'nobody'.*standoff.*latest"):
        resolve_session(store, "nobody")
    with pytest.raises(InputError, match="does not exist"):
        resolve_session(store, "99")
