"""`cuedetect live`'s options reach the live engine: the processing rate, the source's own rate, the sound."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import cuedetect.live.session
import cuedetect.live.sources
from cuedetect.cli import app


class _CapturedError(Exception):
    pass


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list:
    """The LiveOptions the command builds, caught before any camera, window or worker starts."""
    seen: list = []

    def fake_source(camera, url, video, max_side):
        info = SimpleNamespace(average_fps=25.0)
        return SimpleNamespace(name="fake", _source=SimpleNamespace(info=info))

    def fake_session(source, options):
        seen.append(options)
        raise _CapturedError

    monkeypatch.setattr(cuedetect.live.sources, "open_source", fake_source)
    monkeypatch.setattr(cuedetect.live.session, "LiveSession", fake_session)
    return seen


@pytest.mark.parametrize(
    ("args", "engine_fps", "source_fps", "microphone", "audio", "hands"),
    [
        (["--camera", "0"], 15.0, 30.0, True, False, False),
        (["--camera", "0", "--fps", "8"], 8.0, 30.0, True, False, False),
        (["--camera", "0", "--fps", "0"], None, 30.0, True, False, False),
        (["--camera", "0", "--hands"], 15.0, 30.0, True, False, True),
        (["--video", "VIDEO"], 15.0, 25.0, False, True, False),
        (["--video", "VIDEO", "--fps", "5", "--hands"], 5.0, 25.0, False, True, True),
    ],
)
def test_live_options_reach_the_engine(
    captured: list, tmp_path: Path, args: list, engine_fps, source_fps: float, microphone: bool, audio: bool,
    hands: bool,
) -> None:  # fmt: skip
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"")
    args = [str(video) if a == "VIDEO" else a for a in args]
    result = CliRunner().invoke(app, ["live", "--no-window", "--record-dir", str(tmp_path), *args])
    assert isinstance(result.exception, _CapturedError), result.output
    (options,) = captured
    assert options.engine.fps == engine_fps  # --fps limits processing; it is not the source's rate
    assert options.source_fps == source_fps  # the recording keeps the source's own rate
    assert options.engine.microphone is microphone  # only a camera session listens to the microphone
    assert (options.engine.audio is not None) is audio  # a played file's sound stands in for it
    assert options.engine.hands is hands  # hands are read with --hands only (they halve the live rate)


@pytest.mark.parametrize(
    ("args", "states"), [([], "rules"), (["--hand-states", "learned-thumb"], "learned-thumb")]
)
def test_the_hand_state_reader_reaches_the_engine(
    captured: list, tmp_path: Path, args: list, states: str
) -> None:
    result = CliRunner().invoke(app, ["live", "--no-window", "--record-dir", str(tmp_path), "--camera", "0",
                                      "--hands", *args])  # fmt: skip
    assert isinstance(result.exception, _CapturedError), result.output
    assert captured[0].engine.hand_states == states


def test_an_unknown_or_missing_hand_state_reader_stops_before_the_camera(
    captured: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list = []
    monkeypatch.setattr(cuedetect.live.sources, "open_source", lambda *a, **k: opened.append(a))
    base = ["live", "--no-window", "--record-dir", str(tmp_path), "--camera", "0", "--hands", "--hand-states"]
    result = CliRunner().invoke(app, [*base, "forest"])
    assert result.exit_code != 0 and "--hand-states 'forest'" in result.output
    monkeypatch.setenv("CUEDETECT_MODELS_DIR", str(tmp_path))  # no hand-state model there
    result = CliRunner().invoke(app, [*base, "learned"])
    assert result.exit_code != 0 and "no hand-state model" in result.output
    assert not opened and not captured
