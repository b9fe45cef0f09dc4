"""Reading analysis folders tolerantly, and refusing broken ones with one clear line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.store.importer import read_analysis


def write(folder: Path, analysis: dict | None, events: dict | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if analysis is not None:
        (folder / "analysis.json").write_text(json.dumps(analysis))
    if events is not None:
        (folder / "events.json").write_text(json.dumps(events))
    return folder


SHA = "a" * 64
EVENT = {"cue": "pointing", "person": 1, "start": 1.0, "end": 2.0, "confidence": 0.9, "evidence": {"x": 1}}


def test_reads_the_demo_folder(demo_dir: Path) -> None:
    b = read_analysis(demo_dir)
    assert b.recording_sha256 == hashlib.sha256((demo_dir / "recording.mp4").read_bytes()).hexdigest()
    assert b.duration == 4.0 and b.roles == {0: "trainee", 1: "client"}
    assert [e.cue for e in b.events] == ["pointing", "open_hands", "fists_up", "too_close"]
    assert b.events[3].other == 1
    assert b.video_path.endswith("recording.mp4") and Path(b.video_path).is_file()


@pytest.mark.parametrize(
    "analysis",
    [
        {"content_sha256": SHA},
        {"sha256": "sha256:" + SHA.upper()},
        {"source": {"path": "x.mp4", "sha256": SHA}},
        {"content_hash": SHA, "extra": {"future": "field"}, "timings": [1, 2]},
    ],
)
def test_hash_is_found_wherever_the_pose_engine_puts_it(tmp_path: Path, analysis: dict) -> None:
    events = {
        "video": "x.mp4",
        "duration": 3.0,
        "persons": [{"id": 0, "role": "client", "x": 1}],
        "events": [{**EVENT, "new_field": [1]}],
        "summary": {},
        "extra": True,
    }
    b = read_analysis(write(tmp_path / "a", analysis, events))
    assert b.recording_sha256 == SHA
    assert b.roles == {0: "client", 1: "unknown"}


def test_without_a_hash_the_video_is_hashed(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "clip.mp4").write_bytes(b"not really a video, but bytes to hash")
    b = read_analysis(write(folder, {"source": "clip.mp4", "duration": 2.0}, None))
    assert b.recording_sha256 == hashlib.sha256(b"not really a video, but bytes to hash").hexdigest()
    assert b.events == []


def test_digest_ignores_where_the_folder_is_but_not_the_model(tmp_path: Path) -> None:
    events = {"duration": 3.0, "events": [EVENT], "model_version": "v1"}
    a = read_analysis(write(tmp_path / "a", {"content_sha256": SHA}, events))
    b = read_analysis(write(tmp_path / "b", {"content_sha256": SHA}, events))
    c = read_analysis(write(tmp_path / "c", {"content_sha256": SHA}, {**events, "model_version": "v2"}))
    assert a.digest == b.digest != c.digest


@pytest.mark.parametrize(
    ("analysis", "events", "message"),
    [
        (None, None, "no analysis.json or events.json"),
        ({"duration": 3.0}, {"events": []}, "no content hash"),
        ({"content_sha256": SHA}, {"events": []}, "duration"),
        ({"content_sha256": SHA, "duration": -1}, {"events": []}, "duration should be positive"),
        ({"content_sha256": SHA, "duration": 3}, {"events": [{"cue": "pointing"}]}, "needs at least"),
        (
            {"content_sha256": SHA, "duration": 3},
            {"events": [{**EVENT, "start": 3, "end": 1}]},
            "before it starts",
        ),
        (
            {"content_sha256": SHA, "duration": 3},
            {"events": [{**EVENT, "start": "soon"}]},
            "should be a number",
        ),
        (
            {"content_sha256": SHA, "duration": 3},
            {"events": [{**EVENT, "person": "Bob"}]},
            "person should be",
        ),
        ({"content_sha256": SHA, "duration": 3}, {"events": {"not": "a list"}}, "should be a list"),
    ],
)
def test_broken_folders_give_one_clear_line(
    tmp_path: Path, analysis: dict | None, events: dict | None, message: str
) -> None:
    folder = write(tmp_path / "a", analysis, events)
    with pytest.raises(InputError, match=message) as info:
        read_analysis(folder)
    assert "\n" not in str(info.value)


def test_invalid_json_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "events.json").write_text('{"events": [')
    with pytest.raises(InputError, match="cannot be read as JSON"):
        read_analysis(folder)


def test_reads_what_cuedetect_analyze_and_the_cue_detector_write(tmp_path: Path) -> None:
    """The field names that the analysis orchestrator and cuedetect/cues/detect.py write (and many extras)."""
    analysis = {
        "source": "/videos/standoff.mp4",
        "source_sha256": SHA,
        "duration_s": 12.5,
        "source_fps": 25.0,
        "model": {"variant": "full", "bundle_sha256": "b" * 64, "route": "built"},
        "persons": [{"id": 0, "frames": 300}, {"id": 1, "frames": 280}],
        "timings_s": {"total_s": 9.0},
    }
    events = {
        "video": "standoff.mp4",
        "duration": 12.5,
        "persons": [{"id": 0, "role": "trainee"}, {"id": 1, "role": "client"}],
        "events": [EVENT],
        "summary": {"too_close_s": 1.0},
        "detector": "classifier 0.3",
    }
    b = read_analysis(write(tmp_path / "a", analysis, events))
    assert (b.recording_sha256, b.duration, b.video_path) == (SHA, 12.5, "/videos/standoff.mp4")
    assert b.model_version == "pose=full; cues=classifier 0.3"
    assert b.roles == {0: "trainee", 1: "client"} and b.summary == {"too_close_s": 1.0}
