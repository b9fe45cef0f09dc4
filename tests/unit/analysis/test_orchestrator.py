"""The orchestrator around the stages: order, the progress contract, one cue detection, atomic results.

The stage functions are replaced by small fakes here (this tests the code around them); the real stages
run end to end in tests/integration/test_analysis_regression.py.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cuedetect.analysis import STAGES, AnalyzeOptions, analyze
from cuedetect.analysis import orchestrator as orch
from cuedetect.cues.detect import EventsResult
from cuedetect.errors import InputError
from cuedetect.pose.floor import FloorCalibration
from cuedetect.pose.tracked import Tracks


def _tracks(n_frames: int = 4) -> Tracks:
    frames = np.arange(n_frames)
    rows = np.repeat(frames, 2)
    n = len(rows)
    rng = np.random.default_rng(0)
    return Tracks(
        frames, frames / 10.0, rows, rows / 10.0, np.tile([0, 1], n_frames),
        rng.random((n, 33, 2)).astype(np.float32), np.ones((n, 33), np.float32),
        np.zeros((n, 33, 3), np.float32), size=(640, 360),
    )  # fmt: skip


@pytest.fixture
def fake_stages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    info = SimpleNamespace(path=Path("v.mp4"), duration=0.4, average_fps=10.0, width=640, height=360,
                           rotation=0, frame_count=4)  # fmt: skip
    model = SimpleNamespace(sha256="x", route="cached", path=Path("m.task"))

    def poses(info: Any, options: AnalyzeOptions, step: Any) -> tuple:
        calls.append("poses")
        step(0, 4)
        step(4, 4)
        return model, _tracks(), {"chunks": 1, "worker_timings_s": {}, "model_calls": {}}

    def cues(tracks: Tracks, pairs: pd.DataFrame, **kw: Any) -> EventsResult:
        calls.append("cues")
        assert kw["aspect"] == pytest.approx(640 / 360)
        persons = [{"id": 0, "role": "trainee"}, {"id": 1, "role": "client"}]
        return EventsResult(0.4, persons, [], {}, "baseline")

    monkeypatch.setattr(orch.stages, "probe", lambda video: calls.append("probe") or info)
    monkeypatch.setattr(orch.stages, "poses", poses)
    monkeypatch.setattr(orch.stages, "clean", lambda t: calls.append("clean") or (t, {}))
    pairs = pd.DataFrame({"frame": [0], "t": [0.0], "person": [0], "other": [1], "distance_m": [1.5],
                          "distance_sd_m": [0.1]})  # fmt: skip
    monkeypatch.setattr(orch.stages, "floor", lambda t, cal: calls.append("floor") or (t, pairs, {}))
    hand_run = SimpleNamespace(timings={"cpu_s": 0.1}, calls={"hand_crops": 3}, state_classifier="fake")
    monkeypatch.setattr(
        orch.stages,
        "hands",
        lambda info, t, options, raw: (
            calls.append("hands")
            or (pd.DataFrame({"frame": [0], "person": [0], "status": ["none"]}), hand_run)
        ),
    )
    monkeypatch.setattr(orch.stages, "cues", cues)
    monkeypatch.setattr(
        orch.stages,
        "voice",
        lambda info, options, events, tracks: (
            calls.append("voice")
            or (None, {"present": False, "notes": ["the recording has no audio track: no voice cues"]})
        ),
    )
    monkeypatch.setattr(orch.stages, "load_cue_model", lambda options: "baseline")
    monkeypatch.setattr(orch.stages, "register", lambda folder, store, options: calls.append("register") or 7)
    monkeypatch.setattr("cuedetect.analysis.outputs.file_sha256", lambda path: "sha")
    return calls


def test_stages_run_in_order_once_and_report_progress(fake_stages: list[str], tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    result = analyze("v.mp4", AnalyzeOptions(tmp_path / "out"), store=object(),
                     progress=lambda s, d, t: seen.append((s, d, t)))  # fmt: skip
    assert fake_stages == ["probe", "poses", "clean", "floor", "hands", "cues", "voice", "register"]
    assert [s for s in dict.fromkeys(s for s, _, _ in seen)] == list(STAGES)
    for stage in STAGES:  # each stage: starts at 0, ends at total == done
        mine = [(d, t) for s, d, t in seen if s == stage]
        assert mine[0][0] == 0 and mine[-1][0] == mine[-1][1] >= 1, (stage, mine)
    for name in ("poses.parquet", "pairs.parquet", "hands.parquet", "events.json", "analysis.json"):
        assert (tmp_path / "out" / name).is_file(), name
    assert result.session_id == 7 and result.record["persons"][0]["frames_detected"] == 4
    assert set(result.timings) >= {f"{s}_s" for s in STAGES if s != "register"}
    assert result.record["model_calls"]["hand_crops"] == 3
    assert result.record["hands"] == {"state_classifier": "fake"}  # which classifier read states
    # a recording without sound: analysed as before, with a note in analysis.json, and no voice.parquet
    assert result.record["audio"]["notes"] == ["the recording has no audio track: no voice cues"]
    assert not (tmp_path / "out" / "voice.parquet").exists()
    # ... and so nothing to transcribe: a note, no words.parquet
    assert result.record["speech"]["present"] is False and result.record["speech"]["notes"]
    assert not (tmp_path / "out" / "words.parquet").exists()


def test_no_store_no_register_and_no_cues_no_events(fake_stages: list[str], tmp_path: Path) -> None:
    result = analyze("v.mp4", AnalyzeOptions(tmp_path / "out", cues=False, hands=False), store=object())
    assert "cues" not in fake_stages and "register" not in fake_stages and "hands" not in fake_stages
    assert result.events is None and not (tmp_path / "out" / "events.json").exists()
    assert result.record["hands"] is None  # no hand stage: no classifier named
    analyze("v.mp4", AnalyzeOptions(tmp_path / "out2"))
    assert fake_stages.count("register") == 0


def test_a_failing_stage_leaves_no_results_folder(
    fake_stages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(t: Tracks) -> None:
        raise InputError("bad")

    monkeypatch.setattr(orch.stages, "clean", broken)
    with pytest.raises(InputError):
        analyze("v.mp4", AnalyzeOptions(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_a_full_output_folder_is_refused_before_any_work(fake_stages: list[str], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        analyze("v.mp4", AnalyzeOptions(tmp_path / "out"))
    assert fake_stages == []  # not even the probe


def test_each_stage_gets_what_the_one_before_made(
    fake_stages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring: every stage is called with the video's info, the options and the previous stage's
    output (the very objects), the cue model loaded, and each stage's time recorded."""
    got: dict[str, tuple] = {}

    def spy(name: str, fn: Any) -> Any:
        def call(*args: Any, **kw: Any) -> Any:
            out = fn(*args, **kw)
            got[name] = (args, kw, out)
            return out

        return call

    for name in ("probe", "poses", "clean", "floor", "hands", "palms", "cues", "voice", "register"):
        monkeypatch.setattr(orch.stages, name, spy(name, getattr(orch.stages, name)))
    model = object()
    monkeypatch.setattr(orch.stages, "load_cue_model", spy("load_cue_model", lambda options: model))
    store = object()
    opts = AnalyzeOptions(tmp_path / "out", calibration=FloorCalibration(fov_deg=70.0))
    result = analyze(str(tmp_path / "v.mp4"), opts, store=store)

    info = got["probe"][2]
    assert got["probe"][0] == (tmp_path / "v.mp4",)
    assert got["load_cue_model"][0] == (opts,)
    assert got["poses"][0][:2] == (info, opts)
    cleaned_from = got["poses"][2][1]
    assert got["clean"][0][0] is cleaned_from
    assert got["floor"][0] == (got["clean"][2][0], opts.calibration)
    placed, pairs, camera = got["floor"][2]
    assert got["hands"][0] == (info, placed, opts, cleaned_from)  # faint wrists come from the raw poses
    palm_args = got["palms"][0]  # the palms measured against the other people where the floor put them
    assert palm_args[0] is got["hands"][2][0] and palm_args[1] is placed and palm_args[2] is camera
    args, kw, events = got["cues"]
    assert args[0] is placed and args[1] is pairs
    assert kw["model"] is model and kw["options"] is opts and kw["hands"] is got["palms"][2]
    assert kw["duration"] == pytest.approx(0.4) and kw["aspect"] == pytest.approx(640 / 360)
    assert got["voice"][0] == (info, opts, events, placed)
    assert got["register"][0] == (tmp_path / "out", store, opts)
    for stage in ("probe", "poses", "clean", "floor", "hands", "cues", "voice", "outputs", "register"):
        assert 0 <= result.timings[f"{stage}_s"] < 60, stage
    assert 0 <= result.timings["cue_model_load_s"] < 60


def test_each_stage_is_charged_its_own_cpu(fake_stages: list[str], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The CPU a stage spends, in this process and in the processes it runs, is charged to that stage (the
    benchmark's per-stage table reads it), not to the one before or after, and analysis.json keeps it."""
    import subprocess
    import sys
    import time

    def busy_floor(t: Tracks, cal: Any) -> tuple:
        fake_stages.append("floor")
        end = time.process_time() + 0.2
        while time.process_time() < end:
            pass
        burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
        subprocess.run([sys.executable, "-c", burn], check=True)  # a worker of the stage
        pairs = pd.DataFrame({"frame": [0], "t": [0.0], "person": [0], "other": [1], "distance_m": [1.5],
                              "distance_sd_m": [0.1]})  # fmt: skip
        return t, pairs, {}

    monkeypatch.setattr(orch.stages, "floor", busy_floor)
    result = analyze("v.mp4", AnalyzeOptions(tmp_path / "out"))
    assert result.cpu["floor"] >= 0.5  # its own 0.2 s and its worker's 0.3 s
    assert all(0 <= v < 0.2 for k, v in result.cpu.items() if k != "floor"), result.cpu
    assert {"probe", "poses", "clean", "floor", "hands", "cues", "voice", "outputs"} <= set(result.cpu)
    assert result.record["cpu_s"]["floor"] == result.cpu["floor"]  # stages before outputs


def test_without_voice_the_record_says_so(fake_stages: list[str], tmp_path: Path) -> None:
    result = analyze("v.mp4", AnalyzeOptions(tmp_path / "out", voice=False))
    assert "voice" not in fake_stages
    assert result.record["audio"] == {"present": None, "notes": ["voice analysis not run (--no-voice)"]}


def test_an_existing_result_is_replaced_only_with_overwrite(fake_stages: list[str], tmp_path: Path) -> None:
    analyze("v.mp4", AnalyzeOptions(tmp_path / "out"))
    with pytest.raises(InputError, match="not empty"):
        analyze("v.mp4", AnalyzeOptions(tmp_path / "out"))
    assert analyze("v.mp4", AnalyzeOptions(tmp_path / "out", overwrite=True)).info is not None


@pytest.mark.parametrize("store_transcript", [True, False])
def test_the_transcript_is_written_unless_switched_off(
    fake_stages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_transcript: bool
) -> None:
    from cuedetect.speech.settings import SpeechSettings
    from cuedetect.speech.stage import WORD_COLUMNS, SpeechResult

    words = pd.DataFrame([(1.0, 1.4, "calm", 0.9, 0, "trainee", 0, 0)], columns=list(WORD_COLUMNS))
    seen = []

    def speech(info: Any, options: AnalyzeOptions, voice: Any, events: Any, step: Any) -> tuple:
        seen.append((voice, events is not None))
        return SpeechResult(words, [], 1, 0.4, False, []), {"present": True, "words": 1}

    monkeypatch.setattr(orch.stages, "speech", speech)
    out = tmp_path / "out"
    settings = SpeechSettings(store_transcript=store_transcript)
    result = analyze("v.mp4", AnalyzeOptions(out, speech_settings=settings))
    assert seen == [(None, True)]  # the voice stage's result and the cue events are handed on
    assert (out / "words.parquet").exists() == store_transcript
    if store_transcript:
        assert pd.read_parquet(out / "words.parquet")["word"].tolist() == ["calm"]
    assert result.record["speech"] == {"present": True, "words": 1}
    analyze("v.mp4", AnalyzeOptions(tmp_path / "off", speech=False))
    assert len(seen) == 1 and not (tmp_path / "off" / "words.parquet").exists()


def test_speech_gets_the_voice_stages_result_and_reports_its_progress(
    fake_stages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    voice_result = SimpleNamespace(frames=pd.DataFrame({"t": [0.0]}))  # what outputs writes of it
    seen, loaded_in = [], []
    monkeypatch.setattr(orch.stages, "voice", lambda info, options, events, tracks: (voice_result, {}))

    def speech(info: Any, options: AnalyzeOptions, voice: Any, events: Any, step: Any) -> tuple:
        seen.append(voice)
        step(1, 3)
        return None, {"present": False, "notes": ["no speech"]}

    def load(options: AnalyzeOptions) -> str:
        loaded_in.append(threading.current_thread())
        return "baseline"

    monkeypatch.setattr(orch.stages, "speech", speech)
    monkeypatch.setattr(orch.stages, "load_cue_model", load)
    progress: list[tuple[str, int, int]] = []
    analyze("v.mp4", AnalyzeOptions(tmp_path / "out"), progress=lambda s, d, t: progress.append((s, d, t)))
    assert seen == [voice_result]
    assert [p for p in progress if p[0] == "speech"] == [("speech", 0, 1), ("speech", 1, 3), ("speech", 3, 3)]
    # the cue model loads once, in the caller's thread: a second thread importing sklearn/scipy beside
    # the stages' own imports could leave a Ctrl-C'd analysis waiting on an import lock for good
    (thread,) = loaded_in
    assert thread is threading.current_thread()


def test_without_speech_the_record_says_so(fake_stages: list[str], tmp_path: Path) -> None:
    result = analyze("v.mp4", AnalyzeOptions(tmp_path / "out", speech=False))
    assert result.record["speech"] == {"present": None, "notes": ["speech not transcribed (--no-speech)"]}
    assert not (tmp_path / "out" / "words.parquet").exists()
