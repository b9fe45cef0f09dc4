"""Each stage hands its inputs and the options to the code it wraps, and returns what that code made.

The wrapped code is replaced by recorders here (the real stages run end to end in the integration
tests); what is checked is the wiring mutation testing found unguarded: which option goes where.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from cuedetect.analysis import AnalyzeOptions, stages
from cuedetect.cues.settings import CueSettings
from cuedetect.errors import InputError
from cuedetect.hands.stage import HandStageOptions
from cuedetect.hands.state_model import KNOWN_MODELS
from cuedetect.pose.floor import FloorCalibration


class Recorder:
    """A stand-in function: records each call's arguments and returns `result`."""

    def __init__(self, result: Any = None) -> None:
        self.result, self.calls = result, []

    def __call__(self, *args: Any, **kw: Any) -> Any:
        self.calls.append((args, kw))
        return self.result


OPTS = AnalyzeOptions(Path("out"), fps=7.5, model="lite", jobs=3, max_persons=2, max_side=640,
                      cue_settings=CueSettings(merge_gap_s=0.7), roles={0: "client"}, hand_states="rules",
                      voice_channels={0: "trainee"}, trainee="Sam", scenario="standoff",
                      instructor="Ann", date="2026-01-02")  # fmt: skip
INFO = SimpleNamespace(path=Path("v.mp4"), start=1.5, duration=4.0)


def test_probe_reads_the_video(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder("info")
    monkeypatch.setattr("cuedetect.pose.sources.probe_video", rec)
    assert stages.probe(Path("v.mp4")) == "info" and rec.calls == [((Path("v.mp4"),), {})]


@pytest.mark.parametrize(
    ("jobs", "expected"), [(3, 3), (None, os.cpu_count() or 1), (0, os.cpu_count() or 1)]
)
def test_poses_tracks_with_the_options_model_and_jobs(
    monkeypatch: pytest.MonkeyPatch, jobs, expected
) -> None:
    model = SimpleNamespace(path=Path("m.task"))
    tracks = SimpleNamespace(person=np.array([0, 1]), analysed=np.arange(4))
    provision, track = Recorder(model), Recorder((tracks, {"chunks": 1}))
    monkeypatch.setattr("cuedetect.models.provision.provision", provision)
    monkeypatch.setattr("cuedetect.pose.pipeline.run_tracking", track)
    step = Recorder()
    opts = AnalyzeOptions(Path("out"), fps=7.5, model="lite", jobs=jobs, max_persons=2, max_side=640)
    assert stages.poses(INFO, opts, step) == (model, tracks, {"chunks": 1})
    assert provision.calls == [(("lite",), {})]
    ((args, kw),) = track.calls
    assert args[0] is INFO and args[1] == 7.5
    assert (args[2].model_path, args[2].max_persons, args[2].max_side) == (Path("m.task"), 2, 640)
    assert kw == {"jobs": expected, "on_progress": step}


def test_poses_without_anybody_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = SimpleNamespace(person=np.array([], int), analysed=np.arange(12))
    monkeypatch.setattr("cuedetect.models.provision.provision", Recorder(SimpleNamespace(path=Path("m"))))
    monkeypatch.setattr("cuedetect.pose.pipeline.run_tracking", Recorder((empty, {})))
    with pytest.raises(
        InputError, match=r"^no person found in v\.mp4 \(12 frames analysed\): nothing to analyse$"
    ):
        stages.poses(INFO, OPTS)


def test_clean_and_floor_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = Recorder(("cleaned", {"log": 1}))
    monkeypatch.setattr("cuedetect.pose.filters.clean_tracks", clean)
    assert stages.clean("tracks") == ("cleaned", {"log": 1}) and clean.calls == [(("tracks",), {})]
    place, table = Recorder(("placed", "pairs", "camera")), Recorder("table")
    monkeypatch.setattr("cuedetect.pose.placement.place_on_floor", place)
    monkeypatch.setattr("cuedetect.pose.placement.pairs_table", table)
    cal = FloorCalibration(fov_deg=70.0)
    assert stages.floor("tracks", cal) == ("placed", "table", "camera")
    assert place.calls == [(("tracks",), {"calibration": cal})] and table.calls == [(("pairs",), {})]


def test_hands_read_with_the_hand_model_size_and_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    run = SimpleNamespace(rows=["r"], size=(640, 360))
    read, table = Recorder(run), Recorder("hands table")
    monkeypatch.setattr("cuedetect.hands.video.read_hands", read)
    monkeypatch.setattr("cuedetect.hands.stage.hands_table", table)
    monkeypatch.setattr("cuedetect.models.hand_provision.ensure_hand_model", lambda: Path("hand.task"))
    assert stages.hands(INFO, "tracks", OPTS) == ("hands table", run)
    rules = HandStageOptions(state_model=None)  # OPTS says "rules": the hand-written rules read the states
    assert read.calls == [
        ((INFO, "tracks", Path("hand.task"), 640), {"jobs": 3, "options": rules, "raw": None})
    ]
    assert run.state_classifier.startswith("hand-written rules")
    assert table.calls == [((["r"], (640, 360)), {})]
    learned = AnalyzeOptions(Path("out"), jobs=None, hand_states="learned")
    stages.hands(INFO, "tracks", learned, "raw tracks")
    assert read.calls[-1][1]["jobs"] == (os.cpu_count() or 1) and read.calls[-1][1]["raw"] == "raw tracks"
    assert read.calls[-1][1]["options"].state_model.sha256 in KNOWN_MODELS
    assert run.state_classifier.startswith("learned model")


@pytest.mark.parametrize(("detector", "name"), [("auto", "auto"), ("baseline", "baseline")])
def test_the_cue_model_is_the_given_one_or_resolved(monkeypatch: pytest.MonkeyPatch, detector, name) -> None:
    resolve = Recorder("resolved")
    monkeypatch.setattr("cuedetect.cues.detect.resolve_model", resolve)
    assert stages.load_cue_model(AnalyzeOptions(Path("o"), cue_detector=detector)) == "resolved"
    assert resolve.calls == [((name,), {})]
    given = object()
    assert stages.load_cue_model(AnalyzeOptions(Path("o"), cue_model=given)) is given


def test_cues_detect_on_the_person_tracks_with_every_option(monkeypatch: pytest.MonkeyPatch) -> None:
    detect = Recorder("events")
    monkeypatch.setattr("cuedetect.cues.detect.detect_cues_in_tracks", detect)
    tracks = SimpleNamespace(person_tracks=lambda: ["p0", "p1"])
    out = stages.cues(tracks, "pairs", aspect=1.5, duration=9.0, options=OPTS, model="m", hands="h")
    assert out == "events"
    assert detect.calls == [((["p0", "p1"], "pairs", OPTS.cue_settings),
                             {"aspect": 1.5, "model": "m", "roles": {0: "client"}, "duration": 9.0,
                              "hands": "h"})]  # fmt: skip


def test_register_imports_with_the_session_facts() -> None:
    store = SimpleNamespace(import_analysis=Recorder(SimpleNamespace(session_id=np.int64(5))))
    sid = stages.register(Path("out"), store, OPTS)
    assert sid == 5 and type(sid) is int
    facts = {"trainee": "Sam", "scenario": "standoff", "instructor": "Ann", "date": "2026-01-02"}
    assert store.import_analysis.calls == [((Path("out"),), facts)]


def test_voice_reads_the_recordings_own_span(monkeypatch: pytest.MonkeyPatch) -> None:
    add = Recorder(("voice", {"present": True}))
    monkeypatch.setattr("cuedetect.voice.hook.add_voice", add)
    assert stages.voice(INFO, OPTS, "events", "tracks") == ("voice", {"present": True})
    assert add.calls == [((Path("v.mp4"), "events", {0: "trainee"}, (1.5, 5.5)), {"tracks": "tracks"})]
    stages.voice(INFO, OPTS, None)
    assert add.calls[-1][1] == {"tracks": None}


def test_speech_transcribes_the_voice_stages_result_with_the_speech_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cuedetect.speech.settings import SpeechSettings

    add = Recorder(("speech", {"present": True}))
    monkeypatch.setattr("cuedetect.speech.hook.add_speech", add)
    opts = AnalyzeOptions(Path("out"), speech_settings=SpeechSettings(store_transcript=False))
    step = Recorder()
    assert stages.speech(INFO, opts, "voice", "events", step) == ("speech", {"present": True})
    assert add.calls == [((Path("v.mp4"), "voice", "events", opts.speech_settings, step), {})]


@pytest.mark.parametrize("stage", ["poses", "hands"])
def test_an_unknown_cpu_count_runs_one_job(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    """`os.cpu_count()` is None where the count cannot be read: one process then, not a guess."""
    monkeypatch.setattr(stages.os, "cpu_count", lambda: None)
    tracks = SimpleNamespace(person=np.array([0]), analysed=np.arange(2))
    track = Recorder((tracks, {}))
    monkeypatch.setattr("cuedetect.models.provision.provision", Recorder(SimpleNamespace(path=Path("m"))))
    monkeypatch.setattr("cuedetect.pose.pipeline.run_tracking", track)
    read = Recorder(SimpleNamespace(rows=[], size=(640, 360)))
    monkeypatch.setattr("cuedetect.hands.video.read_hands", read)
    monkeypatch.setattr("cuedetect.hands.stage.hands_table", Recorder("table"))
    monkeypatch.setattr("cuedetect.models.hand_provision.ensure_hand_model", lambda: Path("hand.task"))
    opts = AnalyzeOptions(Path("out"), jobs=None)
    if stage == "poses":
        stages.poses(INFO, opts)
        assert track.calls[0][1]["jobs"] == 1
    else:
        stages.hands(INFO, "tracks", opts)
        assert read.calls[0][1]["jobs"] == 1
