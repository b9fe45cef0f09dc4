from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.events import CueEvent
from cuedetect.cues.roles import guess_roles
from cuedetect.cues.rules import pair_rule_events
from cuedetect.cues.settings import CueSettings
from cuedetect.cues.summary import session_summary
from cuedetect.training.skeleton import posed_track


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


def _standing(person: int, x: float, torso: float, n: int = 30):
    """A person standing still in the picture: shoulders `torso` above the hips, hip midpoint at x."""
    from cuedetect.cues.tracks import PersonTrack
    from cuedetect.landmarks import INDEX

    xy = np.full((n, 33, 2), np.nan)
    for side, dx in (("left", 0.05), ("right", -0.05)):
        xy[:, INDEX[f"{side}_shoulder"]] = (x + dx, 0.6 - torso)
        xy[:, INDEX[f"{side}_hip"]] = (x + dx * 0.8, 0.6)
    return PersonTrack(person, np.arange(n), np.arange(n) / 10.0, xy, np.ones((n, 33)),
                       np.full((n, 33, 3), np.nan), np.full((n, 2), np.nan))  # fmt: skip


def _pairs(n: int, d: float, sd: float) -> pd.DataFrame:
    return pd.DataFrame({"frame": np.arange(n), "t": np.arange(n) / 10.0, "person": 0, "other": 1,
                         "distance_m": d, "distance_sd_m": sd})  # fmt: skip


@pytest.mark.parametrize(
    ("gap_torsos", "size_b", "sd", "floor_d", "expected"),
    [
        (1.2, 0.2, 0.6, 3.0, True),  # floor untrusted: the picture says 0.6 m apart
        (1.2, 0.2, 0.05, 3.0, False),  # floor trusted: 3 m wins over the picture
        (1.2, 0.3, 0.6, 3.0, False),  # sizes differ 1.5x: different depths, the picture says nothing
        (3.0, 0.2, 0.6, 0.5, False),  # untrusted floor is not used, the picture says 1.5 m
        (3.0, 0.2, 0.05, 0.5, True),  # trusted floor says 0.5 m
    ],
)
def test_too_close_falls_back_to_the_picture_where_the_floor_is_uncertain(
    gap_torsos, size_b, sd, floor_d, expected
) -> None:
    a, b = _standing(0, 0.3, 0.2), _standing(1, 0.3 + gap_torsos * 0.2, size_b)
    events = pair_rule_events([a, b], _pairs(30, floor_d, sd), CueSettings(), aspect=1.0)
    close = [e for e in events if e.cue == "too_close"]
    assert bool(close) is expected
    if close and sd > CueSettings().floor_sd_trust_m:
        assert "estimated from the picture" in close[0].evidence
    assert not any(e.cue == "rapid_approach" for e in events)


def test_image_distance_reads_torso_lengths_as_metres() -> None:
    from cuedetect.cues.rules import image_distance

    a, b = _standing(0, 0.3, 0.2), _standing(1, 0.7, 0.2)
    d = image_distance(a, b, np.arange(30), 1.0, CueSettings(torso_m=0.5))
    assert d == pytest.approx(np.full(30, 1.0))
