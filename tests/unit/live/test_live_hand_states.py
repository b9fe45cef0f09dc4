"""`--hand-states` in live mode: the engine's hand stage reads states with the chosen reader, and the
full-quality analysis after the session reads them with the same one."""

from __future__ import annotations

from pathlib import Path

import pytest

import cuedetect.live.engine as engine_module
import cuedetect.live.finish as finish
import cuedetect.models.hand_provision
import cuedetect.models.provision
import cuedetect.pose.detector
from cuedetect.live.engine import EngineOptions, LiveEngine


class _BuiltError(Exception):
    pass


@pytest.fixture
def hand_options(monkeypatch: pytest.MonkeyPatch) -> list:
    """The HandStageOptions the engine gives its hand stage, caught before any model loads."""
    seen: list = []

    def create(model_path, size, options=None):
        seen.append(options)
        raise _BuiltError

    monkeypatch.setattr(cuedetect.models.provision, "ensure_model", lambda variant: Path("pose.task"))
    monkeypatch.setattr(cuedetect.models.hand_provision, "ensure_hand_model", lambda: Path("hand.task"))
    monkeypatch.setattr(cuedetect.pose.detector, "MultiPersonPoseDetector", lambda options: object())
    monkeypatch.setattr(LiveEngine, "_warm_up", lambda self, persons: None)
    monkeypatch.setattr(engine_module.LiveHands, "create", staticmethod(create))
    return seen


@pytest.mark.parametrize(("states", "model", "thumb"), [("rules", False, False), ("learned", True, False),
                                                       ("learned-thumb", True, True)])  # fmt: skip
def test_the_live_hand_stage_reads_states_with_the_chosen_reader(hand_options: list, states, model, thumb):
    with pytest.raises(_BuiltError):
        LiveEngine(EngineOptions(hands=True, hand_states=states, cue_worker="inline"), (640, 360))
    (options,) = hand_options
    assert (options.state_model is not None) is model
    assert model is False or options.state_model.thumb_rules is thumb


def test_the_full_analysis_after_the_session_uses_the_same_reader(monkeypatch, tmp_path: Path) -> None:
    real_full_analysis = finish.full_analysis
    started: list = []

    class _Proc:
        pid = 4242

    monkeypatch.setattr(finish.subprocess, "Popen", lambda cmd, **kw: started.append(cmd) or _Proc())
    assert finish.start_full_analysis(tmp_path, None, hand_states="learned-thumb") == 4242
    cmd = started[0]
    assert cmd[cmd.index("--hand-states") + 1] == "learned-thumb"
    ran: list = []
    monkeypatch.setattr(finish, "full_analysis", lambda *a, **kw: ran.append(kw) or {})
    finish.main([str(tmp_path), "--no-store", *cmd[cmd.index("--hand-states") :]])
    finish.main([str(tmp_path), "--no-store"])
    assert [kw["hand_states"] for kw in ran] == ["learned-thumb", "rules"]
    analysed: list = []

    def analyze(video, options, store=None):
        analysed.append(options)
        raise RuntimeError("stopped before any decoding")

    monkeypatch.setattr("cuedetect.analysis.analyze", analyze)
    with pytest.raises(RuntimeError, match="stopped before"):
        real_full_analysis(tmp_path, None, store=False, hand_states="learned")
    assert analysed[0].hand_states == "learned"


def test_a_stored_live_session_starts_its_full_analysis_with_the_engines_reader(
    monkeypatch, tmp_path
) -> None:
    from types import SimpleNamespace

    from cuedetect.live.session import LiveOptions, store_live_session

    started: list = []
    monkeypatch.setattr(finish, "write_live_analysis", lambda *a: [])
    monkeypatch.setattr(finish, "start_full_analysis", lambda *a, **kw: started.append(kw) or 7)
    options = LiveOptions(engine=EngineOptions(hands=True, hand_states="learned-thumb"), store=False)
    session = SimpleNamespace(options=options, last_t=1.0, folder=tmp_path, recording=tmp_path / "r.mp4",
                              fault=None, frames_recorded=3, slot=SimpleNamespace(dropped=0), skipped=0,
                              source=SimpleNamespace(name="fake"))  # fmt: skip
    engine = SimpleNamespace(timeline=SimpleNamespace(shown_events=lambda: []), summary=lambda: {})
    result = store_live_session(session, engine, "duration")  # type: ignore[arg-type]
    assert result.full_analysis_pid == 7 and started[0]["hand_states"] == "learned-thumb"


def test_the_analysis_reads_hands_with_the_learned_model_and_live_mode_with_the_rules() -> None:
    """The learned model is the analysis's default (held out 0.804 against the rules' 0.664); live mode keeps
    the rules, whose thumb test keeps a real end-on thumbs-up from reading as a guard (README, Hands), and
    its full-quality analysis afterwards uses the session's reader unless told otherwise."""
    import inspect

    from cuedetect.analysis.types import AnalyzeOptions

    assert AnalyzeOptions(out=Path("out")).hand_states == "learned"
    assert EngineOptions().hand_states == "rules"
    for fn in (finish.full_analysis, finish.start_full_analysis):
        assert inspect.signature(fn).parameters["hand_states"].default == "rules"
