"""One recording in a worker, around the pipeline (a stand-in `analyze`; the real one runs in
tests/integration/test_batch_engines.py): outcomes for good and bad input, URLs, the kept cue model."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cuedetect.batch import work
from cuedetect.batch.plan import BatchJob, BatchSettings
from cuedetect.errors import InputError, ModelUnavailableError


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`analyze` replaced by one that writes analysis.json and fails as the file's name says."""
    seen: list[dict[str, Any]] = []

    def fake_analyze(video: Path, options: Any, progress: Any = None) -> Any:
        seen.append({"video": Path(video), "data": Path(video).read_bytes(), "options": options})
        if "broken" in Path(video).name:
            raise InputError(f"{video} is not a readable video")
        if "nomodel" in Path(video).name:
            raise ModelUnavailableError("no pose model")
        if "bug" in Path(video).name:
            raise ValueError("cannot reshape\nsecond line")
        Path(options.out).mkdir(parents=True, exist_ok=True)
        (Path(options.out) / "analysis.json").write_text(json.dumps({"source": str(video), "x": 1}))
        events = SimpleNamespace(events=[1, 2, 3], persons=[{"id": 0}, {"id": 1}])
        return SimpleNamespace(events=events, duration=12.5, timings={"total_s": 1.0})

    monkeypatch.setattr("cuedetect.analysis.analyze", fake_analyze)
    monkeypatch.setattr(work, "_cue_models", {"auto": "classifier", "baseline": "baseline"})
    return seen


def job(source: str, out: Path, detector: str = "auto") -> BatchJob:
    return BatchJob(3, source, str(out), "a" * 64, BatchSettings(cue_detector=detector), "d")


def test_a_good_recording(tmp_path: Path, calls: list[dict[str, Any]]) -> None:
    video = tmp_path / "good.mp4"
    video.write_bytes(b"v")
    outcome = work.analyse_job(job(str(video), tmp_path / "out"))
    assert outcome.ok and outcome.error is None
    assert (outcome.index, outcome.events, outcome.persons) == (3, 3, 2)
    assert outcome.duration_s == 12.5 and outcome.pid > 0
    options = calls[0]["options"]
    assert options.jobs == 1 and options.overwrite and options.cue_model == "classifier"


@pytest.mark.parametrize(
    ("name", "input_error", "error"),
    [
        ("broken.mp4", True, "broken.mp4 is not a readable video"),
        ("nomodel.mp4", False, "no pose model"),
        ("bug.mp4", False, "ValueError: cannot reshape"),  # one line
    ],
)
def test_failures_come_back_as_one_line(tmp_path: Path, calls, name: str, input_error: bool, error: str):
    video = tmp_path / name
    video.write_bytes(b"v")
    outcome = work.analyse_job(job(str(video), tmp_path / "out"))
    assert not outcome.ok and outcome.input_error is input_error
    assert outcome.error is not None and outcome.error.endswith(error) and "\n" not in outcome.error


def test_a_url_is_read_from_a_local_copy_and_named_in_the_record(tmp_path: Path, calls) -> None:
    import fsspec

    fsspec.filesystem("memory").pipe("/bucket/take.mp4", b"remote bytes")
    outcome = work.analyse_job(job("memory://bucket/take.mp4", tmp_path / "out", detector="baseline"))
    assert outcome.ok and calls[0]["data"] == b"remote bytes" and not calls[0]["video"].exists()
    assert calls[0]["options"].cue_model == "baseline"
    assert json.loads((tmp_path / "out" / "analysis.json").read_text()) == {
        "source": "memory://bucket/take.mp4", "x": 1}  # fmt: skip


def test_the_cue_model_loads_once_per_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    monkeypatch.setattr(work, "_cue_models", {})
    monkeypatch.setattr("cuedetect.cues.detect.resolve_model", lambda m: loads.append(m) or f"model:{m}")
    got = [work.cue_model(d) for d in ("auto", "auto", "baseline", "auto", "baseline")]
    assert got == ["model:auto", "model:auto", "model:baseline", "model:auto", "model:baseline"]
    assert loads == ["auto", "baseline"]
