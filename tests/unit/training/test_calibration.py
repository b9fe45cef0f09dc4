from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.events import person_events
from cuedetect.cues.settings import CueSettings
from cuedetect.training.calibration import brier, fit_isotonic, reliability


def test_isotonic_map_turns_overconfident_scores_into_frequencies() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, 4000)
    truth = raw**3  # the model says 0.9 where the cue shows 73% of the time
    y = (rng.uniform(0, 1, 4000) < truth).astype(float)
    knots = fit_isotonic(raw, y)
    assert len(knots["x"]) <= 40 and np.all(np.diff(knots["y"]) >= 0)
    cal = np.interp(raw, knots["x"], knots["y"])
    assert brier(cal, y) < brier(raw, y)
    for pred, obs, n in reliability(cal, y):
        if n > 200:
            assert abs(pred - obs) < 0.08


def test_reliability_bins_and_brier() -> None:
    p = np.array([0.05, 0.05, 0.95, 0.95])
    y = np.array([0.0, 0.0, 1.0, 0.0])
    assert reliability(p, y) == [(0.05, 0.0, 2), (0.95, 0.5, 2)]
    assert brier(p, y) == pytest.approx((0.0025 * 3 + 0.9025) / 4)


@pytest.mark.parametrize(("threshold", "found"), [(0.3, True), (0.6, False)])
def test_a_cue_threshold_replaces_the_default_switch_on(threshold, found) -> None:
    n = 30
    feats = pd.DataFrame({"t": np.arange(n) / 10.0, "person": 0})
    p = np.zeros(n)
    p[5:20] = 0.45
    probs = pd.DataFrame({"pointing": p})
    ev = person_events(feats, probs, CueSettings(), cues=("pointing",), thresholds={"pointing": threshold})
    assert bool(ev) is found
