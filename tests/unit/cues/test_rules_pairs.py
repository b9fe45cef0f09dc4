"""The pair rules' parts on hand-made tables: frames aligned by number, who approached, the distance's
uncertainty by pair, and the evidence words (the mutation run on `cues/rules.py` found these untested)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.rules import (
    _approacher,
    _how,
    image_distance,
    pair_distance_sds,
    pair_rule_events,
    pair_series,
)
from cuedetect.cues.settings import CueSettings
from cuedetect.pose.tracked import PersonTrack


def _track(person: int, frames, floor_x, fps: float = 10.0) -> PersonTrack:
    """A person seen in `frames` (any numbers, gaps allowed) with floor x `floor_x`, z = 1 m."""
    frames = np.asarray(frames)
    n = len(frames)
    floor = np.stack([np.asarray(floor_x, float), np.ones(n)], axis=1)
    return PersonTrack(person, frames, frames / fps, np.full((n, 33, 2), np.nan), np.ones((n, 33)),
                       np.full((n, 33, 3), np.nan), floor)  # fmt: skip


def test_pair_series_aligns_the_two_people_by_frame_number_not_by_row() -> None:
    # a is seen in frames 0-29, b only from frame 10 and not in frame 20; both move, so any row shift shows
    fa = np.arange(30)
    fb = np.array([f for f in range(10, 36) if f != 20])
    a, b = _track(0, fa, 0.01 * fa), _track(1, fb, 3.0 - 0.02 * fb)
    s = pair_series(a, b, {})  # default settings
    shared = np.array([f for f in range(10, 30) if f != 20])
    assert s["frame"].tolist() == shared.tolist()
    assert s["t"].to_numpy() == pytest.approx(shared / 10.0)
    assert s["ax"].to_numpy() == pytest.approx(0.01 * shared)
    assert s["bx"].to_numpy() == pytest.approx(3.0 - 0.02 * shared)
    assert s["d"].to_numpy() == pytest.approx(3.0 - 0.03 * shared)
    assert not s["from_image"].any()


def test_pair_series_averages_a_frame_seen_twice_and_reads_the_pairs_table_by_frame() -> None:
    a = _track(0, [0, 1, 1, 2, 3], [0.0, 0.2, 0.4, 0.6, 0.8])
    b = _track(1, [1, 2, 3, 4], [2.0, 2.0, 2.0, 2.0])
    s = pair_series(a, b, {})
    assert s["t"].tolist() == pytest.approx([0.1, 0.2, 0.3])  # a's time of each shared frame
    assert s["ax"].tolist() == pytest.approx([0.3, 0.6, 0.8])
    dists = {(0, 1): pd.Series([9.0, 1.1, 1.2, 1.3, 9.0], index=[0, 1, 2, 3, 4])}
    assert pair_series(a, b, dists)["d"].tolist() == pytest.approx([1.1, 1.2, 1.3])


def _pairs(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["frame", "person", "other", "distance_m", "distance_sd_m"])


def test_pair_distance_sds_keys_each_unordered_pair_and_averages_both_orders() -> None:
    pairs = _pairs([
        (0, 0, 1, 1.0, 0.1), (0, 1, 0, 1.0, 0.3),  # the same pair in both orders: averaged
        (0, 2, 1, 2.0, 0.5), (1, 1, 2, 2.0, 0.7),
    ])  # fmt: skip
    sds = pair_distance_sds(pairs)
    assert set(sds) == {(0, 1), (1, 2)}
    assert sds[(0, 1)].to_dict() == pytest.approx({0: 0.2})
    assert sds[(1, 2)].to_dict() == pytest.approx({0: 0.5, 1: 0.7})


def test_pair_distance_sds_of_one_row_and_of_tables_without_it() -> None:
    assert set(pair_distance_sds(_pairs([(3, 1, 0, 1.0, 0.25)]))) == {(0, 1)}
    assert pair_distance_sds(_pairs([]).drop(columns="distance_sd_m")) == {}
    assert pair_distance_sds(_pairs([(3, 1, 0, 1.0, 0.25)]).drop(columns="distance_sd_m")) == {}
    assert pair_distance_sds(None) == {}


def _moves(a0, a1, b0, b1) -> pd.DataFrame:
    return pd.DataFrame([[*a0, *b0], [*a1, *b1]], columns=["ax", "az", "bx", "bz"])


@pytest.mark.parametrize(
    ("a0", "a1", "b0", "b1", "who"),
    [
        ((1, 0), (1, 0), (4, 0), (3, 0), (1, 0)),  # b walks up to a
        ((1, 0), (2, 0), (4, 0), (4, 0), (0, 1)),  # a walks up to b
        ((1, 0), (1.5, 0), (4, 0), (3.5, 0), (0, 1)),  # both, equally: a (the first) is named
        ((1, 0), (1.4, 0), (4, 0), (3.5, 0), (1, 0)),  # both, b more
        ((1, 0), (0.5, 0), (4, 0), (4.2, 0), (1, 0)),  # both back off, b less
        # off the line between them: a steps sideways (no approach), b comes 1 m closer
        ((0, 4), (0, 5), (3, 4), (2, 4), (1, 0)),
    ],
)
def test_the_approacher_is_who_moved_more_toward_the_other(a0, a1, b0, b1, who) -> None:
    assert _approacher(_moves(a0, a1, b0, b1), 0, 1) == who


def test_the_approacher_is_unknown_without_both_floor_positions() -> None:
    assert _approacher(_moves((np.nan, 0), (1, 0), (4, 0), (3, 0)), 0, 1) is None
    assert _approacher(_moves((1, 0), (1, 0), (4, 0), (3, np.nan)), 0, 1) is None


PICTURE = " (estimated from the picture: the floor distance is uncertain in this view)"


@pytest.mark.parametrize(
    ("from_image", "i0", "i1", "words"),
    [
        ([True, False, False, False], 0, 1, PICTURE),  # half of rows 0..1: the picture's
        ([True, False, False, False], 0, 2, ""),  # a third
        ([False, True, True, False, False], 1, 2, PICTURE),
        ([False, True, False, False, False], 2, 4, ""),
        ([False, False, False, True], 0, 2, ""),  # the row after the span does not count
    ],
)
def test_evidence_says_when_the_distance_came_from_the_picture(from_image, i0, i1, words) -> None:
    assert _how(pd.DataFrame({"from_image": from_image}), i0, i1) == words


def _standing_at(person: int, frames, x: float, floor_x: float, torso: float = 0.2) -> PersonTrack:
    """Standing still: hip midpoint at picture x `x` (torso `torso` tall), on the floor at (floor_x, 1)."""
    from cuedetect.landmarks import INDEX

    tr = _track(person, frames, np.full(len(frames), floor_x))
    for side, dx in (("left", 0.05), ("right", -0.05)):
        tr.xy[:, INDEX[f"{side}_shoulder"]] = (x + dx, 0.6 - torso)
        tr.xy[:, INDEX[f"{side}_hip"]] = (x + dx * 0.8, 0.6)
    return tr


def test_pair_series_reads_the_uncertainty_by_frame_and_trusts_it_up_to_the_setting() -> None:
    trust = CueSettings().floor_sd_trust_m
    a, b = _standing_at(0, range(2, 8), 0.3, 0.0), _standing_at(1, range(2, 8), 0.54, 3.0)  # 1.2 torsos
    sds = {(0, 1): pd.Series([9.0, 9.0, trust, trust + 0.01, np.nan, 0.0, 9.0, 9.0], index=range(8))}
    s = pair_series(a, b, {}, sds, aspect=1.0)
    assert list(s.columns[:5]) == ["frame", "t", "d", "d_floor", "d_image"]
    assert s["frame"].tolist() == [2, 3, 4, 5, 6, 7]
    assert s["d_floor"].tolist() == pytest.approx([3.0] * 6)
    assert s["d_image"].to_numpy() == pytest.approx(np.full(6, 0.6))  # 1.2 torso lengths of 0.5 m
    # sd at the setting: trusted; above it or unknown: the picture's distance
    assert s["from_image"].tolist() == [False, True, True, False, True, True]
    assert s["d"].to_numpy() == pytest.approx([3.0, 0.6, 0.6, 3.0, 0.6, 0.6])


def test_pair_series_uses_its_settings() -> None:
    a, b = _standing_at(0, range(6), 0.3, 0.0), _standing_at(1, range(6), 0.54, 3.0)
    sds = {(0, 1): pd.Series(0.3, index=range(6))}
    assert pair_series(a, b, {}, sds, 1.0, CueSettings(floor_sd_trust_m=0.5))["d"].tolist() == [3.0] * 6
    assert pair_series(a, b, {}, sds, 1.0)["d"].to_numpy() == pytest.approx(np.full(6, 0.6))


def _close_pairs(frames, d: float, sd: float = 0.05, who=(0, 1)) -> pd.DataFrame:
    frames = list(frames)
    return pd.DataFrame({"frame": frames, "person": who[0], "other": who[1], "distance_m": d,
                         "distance_sd_m": sd})  # fmt: skip


def test_pair_rules_read_the_trust_setting() -> None:
    a, b = _standing_at(0, range(20), 0.3, np.nan), _standing_at(1, range(20), 0.9, np.nan)  # 3 torsos
    pairs = _close_pairs(range(20), 0.5, sd=0.3)
    assert pair_rule_events([a, b], pairs, CueSettings()) == []  # untrusted: the picture says 1.5 m
    trusting = pair_rule_events([a, b], pairs, CueSettings(floor_sd_trust_m=0.5))
    assert [e.cue for e in trusting] == ["too_close"]


def test_pair_rules_name_the_pair_in_id_order_whatever_order_the_tracks_come_in() -> None:
    # no floor positions: who approached is unknown, so the lower id is named first
    a, b = _track(0, range(20), np.full(20, np.nan)), _track(1, range(20), np.full(20, np.nan))
    for tracks in ([a, b], [b, a]):
        (event,) = pair_rule_events(tracks, _close_pairs(range(20), 0.5, who=(1, 0)), CueSettings())
        assert (event.cue, event.person, event.other) == ("too_close", 0, 1)


def _spread(person: int, times) -> PersonTrack:
    """Seen at `times` (seconds), frame numbers 0, 1, ...: a few frames far apart in time."""
    n = len(times)
    tr = _track(person, np.arange(n), np.zeros(n))
    tr.t = np.asarray(times, float)
    return tr


@pytest.mark.parametrize(("times", "found"), [([0.0, 2.0], False), ([0.0, 1.0, 2.0], True)])
def test_a_pair_needs_three_shared_frames(times, found) -> None:
    a, b = _spread(0, times), _spread(1, times)
    events = pair_rule_events([a, b], _close_pairs(range(len(times)), 0.5), CueSettings())
    assert [e.cue for e in events] == (["too_close"] if found else [])


def test_nobody_no_pair_events() -> None:
    assert pair_rule_events([], None, CueSettings()) == []
    assert pair_rule_events([_track(0, [], []), _track(1, [], [])], None, CueSettings()) == []


def test_a_pair_without_shared_frames_does_not_stop_the_others() -> None:
    a, c = _track(0, range(20), np.zeros(20)), _track(2, range(20), np.zeros(20))
    b = _track(1, range(30, 50), np.zeros(20))  # never seen with a
    events = pair_rule_events([a, b, c], _close_pairs(range(20), 0.5, who=(0, 2)), CueSettings())
    assert [(e.cue, e.person, e.other) for e in events] == [("too_close", 0, 2)]


def _too_close(distance: dict[int, float], n: int = 40, sd: float = 0.05):
    """The too_close events of two people without floor positions, the pairs table giving `distance`
    (frame -> metres; frames not in it have no distance), 10 frames a second."""
    a, b = _track(0, range(n), np.full(n, np.nan)), _track(1, range(n), np.full(n, np.nan))
    pairs = pd.DataFrame({"frame": list(distance), "person": 1, "other": 0,
                          "distance_m": list(distance.values()), "distance_sd_m": sd})  # fmt: skip
    return [e for e in pair_rule_events([a, b], pairs, CueSettings()) if e.cue == "too_close"]


def _steps(*parts: tuple[int, int, float]) -> dict[int, float]:
    return {f: d for start, end, d in parts for f in range(start, end)}


@pytest.mark.parametrize(
    ("near", "confidence", "closest"),
    [
        (((10, 30, 0.9),), 0.75, 0.90),  # 0.5 + (1.0 - 0.9) / 0.4
        (((10, 30, 0.5),), 1.0, 0.50),  # 1.75, capped
        (((10, 13, 0.95), (13, 30, 1.03)), 0.5, 0.95),  # held on at 1.03 m (off below -0.05): 0.425, floored
    ],
)
def test_a_too_close_event_in_full(near, confidence, closest) -> None:
    (event,) = _too_close(_steps((0, 10, 2.0), *near, (30, 40, 2.0)))
    assert (event.person, event.other, event.start, event.end) == (0, 1, 1.0, 2.9)
    assert event.confidence == pytest.approx(confidence)
    assert event.evidence == f"distance {closest:.2f} m at closest (below 1.0 m) for 1.9 s"


def test_no_distance_is_not_too_close() -> None:
    events = _too_close(_steps((0, 10, 0.5), (30, 40, 0.5)))  # frames 10-29: nobody knows
    # the NaN-ignoring median over 3 frames reaches one frame into the gap from each side
    assert [(e.start, e.end) for e in events] == [(0.0, 1.0), (2.9, 3.9)]


def test_the_picture_is_named_when_the_event_itself_was_measured_on_it() -> None:
    # the floor is trusted (3 m) for frames 0-29, then uncertain: the picture says 0.6 m for frames 30-39
    a, b = _standing_at(0, range(40), 0.3, np.nan), _standing_at(1, range(40), 0.54, np.nan)
    pairs = pd.DataFrame({"frame": range(40), "person": 0, "other": 1, "distance_m": 3.0,
                          "distance_sd_m": [0.05] * 30 + [0.6] * 10})  # fmt: skip
    (event,) = [e for e in pair_rule_events([a, b], pairs, CueSettings(), aspect=1.0) if e.cue == "too_close"]
    assert (event.start, event.end) == (3.0, 3.9)
    assert event.evidence.endswith(PICTURE)  # all of the event's rows (a quarter of all rows)


def test_the_closest_distance_includes_the_spans_last_frames() -> None:
    (event,) = _too_close(_steps((0, 10, 2.0), (10, 28, 0.9), (28, 30, 0.8), (30, 40, 2.0)))
    assert (event.start, event.end) == (1.0, 2.9)
    assert event.evidence.startswith("distance 0.80 m at closest")


def test_too_close_keeps_its_own_minimum_duration() -> None:
    a, b = _track(0, range(40), np.full(40, np.nan)), _track(1, range(40), np.full(40, np.nan))
    pairs = pd.DataFrame(
        {
            "frame": range(40),
            "person": 0,
            "other": 1,
            "distance_sd_m": 0.05,
            "distance_m": [2.0] * 10 + [0.9] * 20 + [2.0] * 10,
        }
    )  # 1.9 s close
    for shortest, found in ((1.8, True), (2.0, False)):
        settings = CueSettings(min_duration_s={**CueSettings().min_duration_s, "too_close": shortest})
        assert any(e.cue == "too_close" for e in pair_rule_events([a, b], pairs, settings)) is found


def test_who_came_too_close_is_read_over_the_last_three_seconds() -> None:
    # a dashes 2 m forward at 2.2-3.0 s and stops; b walks in from 3.2 s: too close from about 6.2 s.
    # Over the three seconds before that only b moved: b came too close, not a.
    t = np.arange(80) / 10.0
    ax = np.clip((t - 2.2) / 0.8, 0, 1) * 2.0
    bx = 4.0 - np.clip((t - 3.2) / 3.3, 0, 1) * 1.1
    a, b = _track(0, range(80), ax), _track(1, range(80), bx)
    (event,) = [e for e in pair_rule_events([a, b], None, CueSettings()) if e.cue == "too_close"]
    assert 5.9 < event.start < 6.4
    assert (event.person, event.other) == (1, 0)


def _rapid(distance, settings: CueSettings | None = None):
    """The rapid_approach events of two people without floor positions, the pairs table giving
    `distance` per frame (NaN: unknown), 10 frames a second."""
    n = len(distance)
    a, b = _track(0, range(n), np.full(n, np.nan)), _track(1, range(n), np.full(n, np.nan))
    pairs = pd.DataFrame({"frame": range(n), "person": 1, "other": 0, "distance_m": distance,
                          "distance_sd_m": 0.05})  # fmt: skip
    events = pair_rule_events([a, b], pairs, settings or CueSettings())
    return [e for e in events if e.cue == "rapid_approach"]


def _closing(*parts: tuple[int, float]) -> np.ndarray:
    """Distances from 6 m, each part (frames, closing speed m/s) at 10 frames a second."""
    speeds = np.concatenate([np.full(n, v) for n, v in parts])
    return 6.0 - np.concatenate([[0.0], np.cumsum(speeds[:-1]) / 10.0])


def test_a_rapid_approach_event_in_full() -> None:
    (event,) = _rapid(_closing((20, 0.0), (20, 1.2), (20, 0.0)))
    assert (event.person, event.other) == (0, 1)  # nobody's floor position known: in id order
    assert 1.9 <= event.start <= 2.1 and 3.7 <= event.end <= 4.0
    assert event.confidence == pytest.approx(0.5 + (1.2 - 0.8) / 1.0)
    assert event.evidence.startswith("closing at up to 1.2 m/s (above 0.8 m/s) from ")
    assert event.evidence.endswith(f" in {event.end - event.start:.1f} s")


def test_rapid_approach_holds_on_just_under_the_threshold_and_off_below_its_gap() -> None:
    # 1.2 m/s for 1 s, then 0.75 m/s (0.05 under the threshold: still on), then 0.65 (0.15 under: off)
    (held,) = _rapid(_closing((20, 0.0), (10, 1.2), (15, 0.75), (15, 0.0)))
    (dropped,) = _rapid(_closing((20, 0.0), (10, 1.2), (15, 0.65), (15, 0.0)))
    assert held.end - dropped.end > 1.0


def test_unknown_distance_is_no_approach_and_bursts_close_together_merge() -> None:
    assert _rapid(np.full(40, np.nan)) == []
    assert _rapid(np.r_[np.full(20, 3.0), np.full(20, np.nan), np.full(20, 3.0)]) == []  # 2 s unknown
    d = _closing((20, 0.0), (6, 1.5), (3, 0.0), (6, 1.5), (20, 0.0))  # 0.3 s apart: one event
    assert len(_rapid(d)) == 1


def test_rapid_approach_keeps_its_own_minimum_duration() -> None:
    d = _closing((20, 0.0), (10, 1.2), (20, 0.0))
    for shortest, found in ((0.5, True), (2.0, False)):
        settings = CueSettings(min_duration_s={**CueSettings().min_duration_s, "rapid_approach": shortest})
        assert bool(_rapid(d, settings)) is found


def test_image_distance_of_close_ups_without_hips_uses_the_shoulders() -> None:
    # shoulders only, 0.1 apart: torso 1.4 shoulder widths (0.14); shoulder midpoints 0.28 apart: 2 torsos
    from cuedetect.landmarks import INDEX

    def shoulders_only(person: int, x: float) -> PersonTrack:
        tr = _track(person, range(6), np.full(6, np.nan))
        tr.xy[:, INDEX["left_shoulder"]] = (x + 0.05, 0.4)
        tr.xy[:, INDEX["right_shoulder"]] = (x - 0.05, 0.4)
        return tr

    a, b = shoulders_only(0, 0.3), shoulders_only(1, 0.58)
    d = image_distance(a, b, np.arange(6), 1.0, CueSettings(torso_m=0.5))
    assert d == pytest.approx(np.full(6, 1.0))


# b is 0.5 m from a over b's frames `close` and 2 m over its other frames `far`; a is seen in frames 0-39
# (the clip's last analysed frame is 39), 10 frames a second. A too_close span that ends because b is lost
# (before the clip's end) keeps from `lost_min_duration_s` (0.25 s) instead of the cue's 0.5 s minimum.
@pytest.mark.parametrize(
    ("close", "far", "expected"),
    [
        (range(10, 14), range(0, 10), [(1.0, 1.3)]),  # 0.3 s close, then b lost: grappling, kept
        (range(10, 12), range(0, 10), []),  # 0.1 s close, then lost: under the 0.25 s floor
        (range(10, 14), [*range(0, 10), *range(14, 40)], []),  # 0.3 s close, then apart: a dip, dropped
        (range(36, 40), range(0, 36), []),  # 0.3 s close at the clip's end: nobody lost, the minimum stays
        (range(33, 37), range(0, 33), [(3.3, 3.6)]),  # b's last frame 3 frames before the clip's end: lost
        (range(10, 14), [*range(0, 10), *range(19, 40)], [(1.0, 1.3)]),  # lost for 0.5 s, back far
        (range(10, 14), [*range(0, 10), *range(16, 40)], [(1.0, 1.3)]),  # 0.3 s gap: more than two frames
        (range(10, 14), [*range(0, 10), *range(15, 40)], []),  # 0.2 s gap: one frame missed is no loss
        (range(10, 20), range(0, 10), [(1.0, 1.9)]),  # long enough anyway
    ],
)
def test_too_close_cut_off_by_losing_one_of_the_pair_keeps_a_shorter_minimum(close, far, expected) -> None:
    frames_b = sorted([*close, *far])
    a = _track(0, range(40), np.full(40, np.nan))
    b = _track(1, frames_b, np.full(len(frames_b), np.nan))
    pairs = pd.DataFrame({"frame": frames_b, "person": 0, "other": 1, "distance_sd_m": 0.05,
                          "distance_m": [0.5 if f in close else 2.0 for f in frames_b]})  # fmt: skip
    events = [e for e in pair_rule_events([a, b], pairs, CueSettings()) if e.cue == "too_close"]
    assert [(round(e.start, 6), round(e.end, 6)) for e in events] == expected
