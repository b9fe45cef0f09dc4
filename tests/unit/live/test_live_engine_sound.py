"""The engine's sound: closing the engine (every stop path, a crash too) closes the microphone first, then
the cue worker, the hand model and the pose detector."""

from __future__ import annotations

import pytest

from cuedetect.live.engine import EngineOptions, LiveEngine


class _Closes:
    def __init__(self, log: list[str], name: str, fails: bool = False) -> None:
        self.log, self.name, self.fails = log, name, fails

    def close(self) -> None:
        self.log.append(self.name)
        if self.fails:
            raise OSError(f"{self.name} would not close")


def _engine(log: list[str], voice_fails: bool = False, microphone: bool = True) -> LiveEngine:
    """An engine without a model: only the parts `close` and `sound_source` touch."""
    engine = LiveEngine.__new__(LiveEngine)
    engine.options = EngineOptions(microphone=microphone)
    engine.voice = _Closes(log, "microphone", voice_fails)  # type: ignore[assignment]
    engine.sound_note = ""
    engine.worker = _Closes(log, "cue worker")  # type: ignore[assignment]
    engine.hands = _Closes(log, "hand model")  # type: ignore[assignment]
    engine.detector = _Closes(log, "detector")  # type: ignore[assignment]
    return engine


def test_closing_the_engine_closes_the_microphone() -> None:
    log: list[str] = []
    with _engine(log) as engine:
        assert engine.sound_source == "microphone"
    assert log == ["microphone", "cue worker", "hand model", "detector"]


def test_a_microphone_that_fails_to_close_does_not_keep_the_rest_open() -> None:
    log: list[str] = []
    with pytest.raises(OSError, match="microphone would not close"):
        _engine(log, voice_fails=True).close()
    assert log == ["microphone", "cue worker", "hand model", "detector"]


def test_the_session_says_what_it_heard() -> None:
    engine = _engine([])
    engine.voice, engine.sound_note = None, "no microphone: the PortAudio library is missing"
    assert engine.sound_source == "no microphone: the PortAudio library is missing"
    engine.sound_note = ""
    assert engine.sound_source == "none"
