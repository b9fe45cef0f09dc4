from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.events import CueEvent
from cuedetect.cues.roles import guess_roles
from cuedetect.cues.rules import pair_rule_events
from cuedetect.cues.settings import CueSettings
from cuedetect.cues.skeleton import posed_track
from cuedetect.cues.summary import session_summary


def _approach(speed: float):
    a = posed_track(pos=(0.0, 0.0), yaw=0.0, person=0, n=40)
    b = posed_track(pos=(3.2, 0.0), yaw=np.pi, velocity=(-speed, 0.0), person=1, n=40)
    return a, b


def test_fast_approach_gives_rapid_approach_by_the_mover_then_too_close() -> None:
    a, b = _approach(0.7 / 0.3)  # 3.2 m -> 0.4 m in 1.2 s... clipped below by the track length
    b.floor[:, 0] = np.maximum(b.floor[:, 0], a.floor[0, 0] + 0.6)  # stop 0.6 m away
    events = pair_rule_events([a, b], None, CueSettings())
    cues = {e.cue: e for e in events}
    assert set(cues) == {"rapid_approach", "too_close"}
    assert (cues["rapid_approach"].person, cues["rapid_approach"].other) == (1, 0)
    assert cues["too_close"].person == 1
    assert "m/s" in cues["rapid_approach"].evidence and "below 1.0 m" in cues["too_close"].evidence


@pytest.mark.parametrize(("speed", "expected"), [(0.5, False), (1.2, True)])
def test_closing_speed_threshold(speed, expected) -> None:
    a, b = _approach(speed)
    b.floor[:, 0] = np.maximum(b.floor[:, 0], a.floor[0, 0] + 1.5)
    found = any(e.cue == "rapid_approach" for e in pair_rule_events([a, b], None, CueSettings()))
    assert found is expected


def test_pairs_table_distance_wins_over_floor() -> None:
    a, b = _approach(0.0)
    pairs = pd.DataFrame(
        {"frame": a.frame, "t": a.t, "person": 0, "other": 1, "distance_m": 0.8, "distance_sd_m": 0.05}
    )
    assert [e.cue for e in pair_rule_events([a, b], pairs, CueSettings())] == ["too_close"]


def _ev(cue, person, start, end):
    return CueEvent(cue, person, None, start, end, 0.9, "")


def test_roles_client_escalates_trainee_open_hands_and_override() -> None:
    events = [_ev("pointing", 1, 0, 3), _ev("fists_up", 1, 4, 6), _ev("open_hands", 0, 0, 5)]
    assert guess_roles([0, 1], events) == {0: "trainee", 1: "client"}
    assert guess_roles([0, 1], events, override={"0": "client"}) == {0: "client", 1: "trainee"}
    assert guess_roles([0], events) == {0: "unknown"}
    with pytest.raises(ValueError):
        guess_roles([0, 1], events, override={0: "boss"})


def test_summary_counts_time_and_safe_distance() -> None:
    events = [_ev("open_hands", 0, 0.0, 2.0), _ev("open_hands", 0, 5.0, 6.0), _ev("pointing", 1, 1.0, 2.5)]
    t = np.arange(100) / 10.0
    feats = pd.DataFrame(
        {
            "t": np.concatenate([t, t]),
            "person": [0] * 100 + [1] * 100,
            "distance_m": np.concatenate([np.where(t < 4, 2.0, 0.9)] * 2),
        }
    )
    s = session_summary(events, {0: "trainee", 1: "client"}, feats, 10.0, CueSettings())
    assert s["persons"]["0"]["cues"]["open_hands"] == {"count": 2, "seconds": 3.0}
    assert s["distance"]["min_m"] == 0.9 and s["distance"]["seconds_at_safe_distance"] == pytest.approx(4.0)
    assert s["trainee"] == {"person": 0, "seconds_open_hands": 3.0, "share_open_hands": 0.3}


@pytest.mark.parametrize(
    ("analysis", "aspect"),
    [({"source_size": [1920, 1080]}, 16 / 9), ({"working_size": [360, 640]}, 0.5625), ({}, 16 / 9)],
)
def test_aspect_from_analysis(analysis, aspect) -> None:
    from cuedetect.cues.detect import aspect_from_analysis

    assert aspect_from_analysis(analysis) == pytest.approx(aspect)
