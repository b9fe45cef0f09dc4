"""`rapid_approach` where the floor distance cannot be trusted, on hand-made tables: the floor's closing
speed counts there only when the two end closer than the safe distance, and the picture's closing speed
is read too; a trusted floor is read alone, as the definition says."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.rules import PICTURE_WORDS, UNCERTAIN_WORDS, closing_speed, pair_rule_events, pair_series
from cuedetect.cues.settings import CueSettings
from tests.unit.cues.test_rules_edges import _upright

N = 60  # frames, 10 a second
TRUSTED, UNCERTAIN = 0.05, 0.5  # the floor distance's SD (m); trusted up to 0.25 m


def _ramp(start: float, end: float) -> np.ndarray:
    """start (m) for frames 0-19, then 1.5 m/s toward `end`, then `end` to the last frame."""
    return np.clip(start - 0.15 * np.clip(np.arange(N) - 20, 0, None), min(start, end), None)


def _pair(floor: np.ndarray, sd: float, picture: np.ndarray):
    """Two people whose floor distance is `floor` (pairs table, SD `sd`) and whose picture distance is
    `picture` (m): both torsos 0.25 of the picture at one height, so at 0.5 m a torso the gap between the
    hips is picture / 2 (aspect 1)."""
    a = _upright(0, np.full(N, 0.1), np.full(N, 0.25))
    b = _upright(1, 0.1 + picture / 2.0, np.full(N, 0.25))
    pairs = pd.DataFrame(
        {"frame": range(N), "person": 0, "other": 1, "distance_m": floor, "distance_sd_m": sd}
    )
    return a, b, pairs


def _approaches(floor, sd, picture, settings: CueSettings | None = None):
    a, b, pairs = _pair(floor, sd, picture)
    events = pair_rule_events([a, b], pairs, settings or CueSettings(), aspect=1.0)
    return [e for e in events if e.cue == "rapid_approach"]


@pytest.mark.parametrize(
    ("floor", "sd", "picture", "found", "words"),
    [
        # the floor runs 3 -> 2 m at 1.5 m/s while the picture keeps them 2 m apart
        (_ramp(3.0, 2.0), TRUSTED, np.full(N, 2.0), True, ""),  # trusted: the definition, as measured
        (_ramp(3.0, 2.0), UNCERTAIN, np.full(N, 2.0), False, None),  # uncertain and never near: a wander
        # an uncertain floor closing while the picture has them 0.8 m apart: borne out
        (_ramp(3.0, 0.8), UNCERTAIN, np.full(N, 0.8), True, PICTURE_WORDS),
        # the floor flat at 3 m, the picture closing 2.5 -> 0.6 m at 1.5 m/s
        (np.full(N, 3.0), UNCERTAIN, _ramp(2.5, 0.6), True, PICTURE_WORDS),  # the picture sees it
        (np.full(N, 3.0), TRUSTED, _ramp(2.5, 0.6), False, None),  # a trusted floor is read alone
        (np.full(N, 3.0), UNCERTAIN, _ramp(2.5, 1.6), False, None),  # the picture's, never near
    ],
)
def test_an_approach_on_an_uncertain_distance_has_to_end_near(floor, sd, picture, found, words) -> None:
    events = _approaches(floor, sd, picture)
    assert bool(events) is found
    if found:
        (event,) = events
        assert 1.8 <= event.start <= 2.2 and event.evidence.startswith("closing at up to")
        assert event.evidence.endswith(")" if words else " s")
        if words:
            assert event.evidence.endswith(words)


@pytest.mark.parametrize(("trusted_from", "found"), [(36, True), (40, True), (46, False)])
def test_an_uncertain_floor_without_the_picture_says_so(trusted_from: int, found: bool) -> None:
    """The picture's distance unknown (torsos of different sizes), the floor uncertain until frame
    `trusted_from` while it closes 3 -> 0.5 m (the closing speed is above 0.7 m/s up to frame 36): the
    approach counts if the floor is trusted and near within `closing_window_s` (0.5 s) of its end, and
    its evidence names the uncertain floor."""
    a, b, pairs = _pair(_ramp(3.0, 0.5), UNCERTAIN, np.full(N, 1.0))
    b.xy[:, :, 1] = 0.5 + 2.0 * (b.xy[:, :, 1] - 0.5)  # b's torso twice a's: no picture distance
    pairs = pairs.assign(distance_sd_m=[UNCERTAIN] * trusted_from + [TRUSTED] * (N - trusted_from))
    events = [e for e in pair_rule_events([a, b], pairs, CueSettings(), 1.0) if e.cue == "rapid_approach"]
    assert bool(events) is found
    if found:
        assert events[0].end == pytest.approx(3.6)
        assert events[0].evidence.endswith(UNCERTAIN_WORDS)


@pytest.mark.parametrize(("safe_m", "found"), [(1.0, False), (1.01, True)])
def test_near_means_under_the_safe_distance(safe_m: float, found: bool) -> None:
    """The uncertain floor closes 3 -> 1 m; the picture keeps them exactly 1.0 m apart."""
    settings = CueSettings(safe_distance_m=safe_m)
    assert bool(_approaches(_ramp(3.0, 1.0), UNCERTAIN, np.full(N, 1.0), settings)) is found


def test_closing_speed_reads_the_picture_only_where_the_floor_is_uncertain() -> None:
    """Floor flat at 3 m, trusted for frames 0-29 and uncertain after; the picture closes at 1.5 m/s
    from 7.5 m until it reaches 0.6 m (frame 46): the speed is the floor's 0 where it is trusted, the
    picture's 1.5 m/s where it is not, and the uncertain rows are flagged."""
    picture = np.maximum(7.5 - 0.15 * np.arange(N), 0.6)
    a, b, pairs = _pair(np.full(N, 3.0), TRUSTED, picture)
    pairs["distance_sd_m"] = [TRUSTED] * 30 + [UNCERTAIN] * 30
    s = pair_series(a, b, {(0, 1): pairs.set_index("frame")["distance_m"]},
                    {(0, 1): pairs.set_index("frame")["distance_sd_m"]}, 1.0)  # fmt: skip
    speed, uncertain = closing_speed(s, CueSettings())
    assert uncertain.tolist() == [False] * 30 + [True] * 30
    assert speed[5:25] == pytest.approx(np.zeros(20))
    assert speed[33:43] == pytest.approx(np.full(10, 1.5))


@pytest.mark.parametrize(("uncertain_from", "found"), [(26, False), (27, True)])
def test_an_approach_is_uncertain_if_its_last_row_is(uncertain_from: int, found: bool) -> None:
    """A trusted floor closes 3 -> 2 m (closing speed over 0.8 m/s in frames 21-26) and the picture keeps
    them 2 m apart. Uncertain from the approach's last frame: it must end near, and does not; uncertain
    only from the frame after it: the trusted approach stands."""
    sd = [TRUSTED] * uncertain_from + [UNCERTAIN] * (N - uncertain_from)
    assert bool(_approaches(_ramp(3.0, 2.0), np.array(sd), np.full(N, 2.0))) is found


def test_a_dropped_wander_does_not_stop_the_next_approach() -> None:
    """An uncertain floor wanders 3 -> 2 m at 2.0-2.7 s while the picture keeps them 2 m apart (dropped);
    from 4.0 s the picture closes 2 -> 0.5 m while the floor stays at 2 m (kept): one event, the second,
    its distances the picture's."""
    later = np.clip(2.0 - 0.15 * np.clip(np.arange(N) - 40, 0, None), 0.5, None)
    (event,) = _approaches(_ramp(3.0, 2.0), UNCERTAIN, later)
    assert 3.9 <= event.start <= 4.3
    start_m, end_m = (float(x) for x in re.findall(r"from ([\d.]+) m to ([\d.]+) m", event.evidence)[0])
    assert start_m > 1.2 > end_m  # the picture's distances, not the floor's 2 m
    assert event.evidence.endswith(PICTURE_WORDS)


def test_the_evidence_words_are_read_over_the_approach_alone() -> None:
    """Trusted floor at 3 m for frames 0-17, uncertain after; the picture closes 2.5 -> 0.6 m from frame
    20: the approach's own rows are all the picture's (most of the clip before it is not)."""
    sd = np.array([TRUSTED] * 18 + [UNCERTAIN] * (N - 18))
    (event,) = _approaches(np.full(N, 3.0), sd, _ramp(2.5, 0.6))
    assert event.evidence.endswith(PICTURE_WORDS)
