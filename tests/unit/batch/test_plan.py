"""What a batch skips: done with the same content and settings, or broken the same way before."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from cuedetect.batch.plan import (
    BatchJob,
    BatchSettings,
    is_done,
    known_failure,
    settings_digest,
    write_marker,
)
from cuedetect.batch.runner import BatchOptions, BatchReport, plan

MODELS = {"pose": "p" * 64, "hands": "h" * 64}


def job(out: Path, sha: str = "a" * 64, digest: str = "d1") -> BatchJob:
    return BatchJob(0, "/v/x.mp4", str(out), sha, BatchSettings(), digest)


def test_digest_changes_with_every_setting_and_model() -> None:
    base = settings_digest(BatchSettings(), MODELS)
    assert settings_digest(BatchSettings(), dict(reversed(MODELS.items()))) == base  # order is no change
    changed = [replace(BatchSettings(), **{k: v}) for k, v in [
        ("fps", 10.0), ("model", "lite"), ("max_persons", 2), ("max_side", 640), ("hands", False),
        ("voice", False), ("cue_detector", "baseline")]]  # fmt: skip
    digests = {settings_digest(s, MODELS) for s in changed}
    digests |= {settings_digest(BatchSettings(), {**MODELS, "pose": "q" * 64}),
                settings_digest(BatchSettings(), {**MODELS, "cues": "c" * 64})}  # fmt: skip
    assert base not in digests and len(digests) == len(changed) + 2


@pytest.mark.parametrize(
    ("marker_sha", "marker_digest", "has_result", "done"),
    [
        ("a" * 64, "d1", True, True),
        ("b" * 64, "d1", True, False),  # the recording changed
        ("a" * 64, "d0", True, False),  # settings or models changed
        ("a" * 64, "d1", False, False),  # no whole result (a kill between commit and marker, or a redo)
    ],
)
def test_is_done(tmp_path: Path, marker_sha: str, marker_digest: str, has_result: bool, done: bool) -> None:
    write_marker(tmp_path, job(tmp_path, marker_sha, marker_digest), {"session_id": 1})
    if has_result:
        (tmp_path / "analysis.json").write_text("{}")
    assert is_done(tmp_path, "a" * 64, "d1") is done


def test_not_done_without_or_with_a_bad_marker(tmp_path: Path) -> None:
    (tmp_path / "analysis.json").write_text("{}")
    assert not is_done(tmp_path, "a" * 64, "d1")
    (tmp_path / "batch.json").write_text("[1, 2")
    assert not is_done(tmp_path, "a" * 64, "d1")


@pytest.mark.parametrize(
    ("record", "known"),
    [
        ({"source_sha256": "a" * 64, "settings_digest": "d1", "input_error": True, "error": "broken"}, True),
        ({"source_sha256": "b" * 64, "settings_digest": "d1", "input_error": True, "error": "broken"}, False),
        ({"source_sha256": "a" * 64, "settings_digest": "d2", "input_error": True, "error": "broken"}, False),
        ({"source_sha256": "a" * 64, "settings_digest": "d1", "input_error": False, "error": "died"}, False),
    ],
)
def test_known_failure_only_for_the_same_broken_input(tmp_path: Path, record: dict, known: bool) -> None:
    got = known_failure({"failed": {"/v/x.mp4": record}}, job(tmp_path))
    assert (got == "broken") is known


def test_plan_skips_done_and_known_broken_and_redo_takes_all(tmp_path: Path) -> None:
    videos = tmp_path / "v"
    videos.mkdir()
    for name in ("done", "todo", "broken"):
        (videos / f"{name}.mp4").write_bytes(name.encode())
    from cuedetect.batch.inputs import source_sha256

    sources = [str(videos / f"{n}.mp4") for n in ("done", "todo", "broken")]
    out = tmp_path / "out"
    done = BatchJob(0, sources[0], str(out / "done"), source_sha256(sources[0]), BatchSettings(), "d1")
    write_marker(out / "done", done, {})
    (out / "done" / "analysis.json").write_text("{}")
    manifest = {"failed": {sources[2]: {"source_sha256": source_sha256(sources[2]), "settings_digest": "d1",
                                        "input_error": True, "error": "not a video"}}}  # fmt: skip
    report = BatchReport()
    jobs = plan(sources, BatchOptions(out=out), "d1", manifest, report)
    assert [Path(j.source).stem for j in jobs] == ["todo"] and report.skipped == [sources[0]]
    assert report.failed_before == {sources[2]: "not a video"}
    redo = plan(sources, BatchOptions(out=out, redo=True), "d1", manifest, BatchReport())
    assert [Path(j.source).stem for j in redo] == ["done", "todo", "broken"]
    assert not (out / "done" / "batch.json").exists()  # a redone recording is not done until registered
    assert json.loads(json.dumps([j.index for j in redo])) == [0, 1, 2]


def test_plan_leaves_another_recordings_session_folder_alone(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from cuedetect.batch.inputs import source_sha256

    video = tmp_path / "take.mp4"
    video.write_bytes(b"new take")
    out = tmp_path / "out"
    (out / "take").mkdir(parents=True)
    (out / "take" / "analysis.json").write_text("{}")
    old = SimpleNamespace(id=7, recording_sha256="0" * 64, recording_path="/old/take.mp4")
    owners = {str(out / "take"): [old]}
    store = SimpleNamespace(sessions_using=lambda folder: owners.get(str(folder), []))
    report = BatchReport()
    assert plan([str(video)], BatchOptions(out=out, redo=True), "d1", {}, report, store) == []
    [failed] = report.failed
    assert "session 7 (take.mp4)" in failed.error and failed.index == -1
    owners[str(out / "take")][0].recording_sha256 = source_sha256(str(video))  # its own session: redo it
    assert [j.source for j in plan([str(video)], BatchOptions(out=out, redo=True), "d1", {}, BatchReport(),
                                   store)] == [str(video)]  # fmt: skip
