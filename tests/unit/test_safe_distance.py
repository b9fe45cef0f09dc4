"""The one definition of "safe distance" (cuedetect.safe_distance): zones and time at a safe distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.settings import CueSettings
from cuedetect.safe_distance import (
    CLOSER_THAN_SAFE,
    DEFAULT_SAFE_M,
    SAFE,
    TOO_CLOSE,
    distance_zone,
    safe_distance_rule,
    safe_distance_time,
)


@pytest.mark.parametrize(
    ("d", "zone"),
    [(0.4, TOO_CLOSE), (0.999, TOO_CLOSE), (1.0, CLOSER_THAN_SAFE), (1.19, CLOSER_THAN_SAFE), (1.2, SAFE),
     (3.0, SAFE), (float("nan"), None), (None, None)],
)  # fmt: skip
def test_zone_boundaries(d, zone):
    assert distance_zone(d, 1.2, 1.0) == zone


def test_default_matches_the_cue_settings():
    assert CueSettings().safe_distance_m == DEFAULT_SAFE_M
    assert "1.2 m or more" in safe_distance_rule(1.2) and "1.5 m" in safe_distance_rule(1.5)


@pytest.mark.parametrize(
    ("t", "d", "safe_s", "measured_s", "pct"),
    [
        ([0, 1, 2, 3], [2.0, 2.0, 1.0, 1.0], 2.0, 4.0, 50.0),
        ([0, 1, 2, 3], [2.0, np.nan, 1.0, 1.3], 2.0, 3.0, 66.7),  # unmeasured time is left out
        ([0, 0, 1, 1], [2.0, 0.9, 2.0, 1.5], 1.0, 2.0, 50.0),  # three people: the closest pair counts
        ([3, 1, 2, 0], [1.0, 2.0, 1.0, 2.0], 2.0, 4.0, 50.0),  # order does not matter
        ([0, 1], [1.2, 1.2], 2.0, 2.0, 100.0),  # exactly at the threshold is safe
    ],
)
def test_time_at_a_safe_distance(t, d, safe_s, measured_s, pct):
    got = safe_distance_time(t, d, 1.2)
    assert (got.safe_s, got.measured_s, got.pct) == (safe_s, measured_s, pct)
    assert got.describe().startswith(f"{pct:.0f} %") and "1.2 m or more" in got.describe()


def test_nothing_measured():
    for t, d in (([], []), ([0, 1], [np.nan, np.nan])):
        got = safe_distance_time(t, d, 1.2)
        assert got.pct is None and got.describe() == "distance not measured"


@given(
    st.lists(st.floats(0.0, 6.0, allow_nan=False), min_size=2, max_size=200),
    st.floats(0.3, 5.0, allow_nan=False),
)
def test_share_is_a_percentage_and_grows_as_the_threshold_falls(d, safe_m):
    t = np.arange(len(d)) / 10.0
    hi, lo = safe_distance_time(t, d, safe_m), safe_distance_time(t, d, safe_m / 2)
    assert 0.0 <= hi.pct <= 100.0 and lo.pct >= hi.pct
    expected = 100.0 * sum(x >= safe_m for x in d) / len(d)
    assert math.isclose(hi.pct, round(expected, 1), abs_tol=0.051)
