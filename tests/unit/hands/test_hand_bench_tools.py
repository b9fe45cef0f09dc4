"""The hand tuning tools' options and the unread-hand diagnosis' geometry and split guard (bench/)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import diagnose_hand_misses
import tune_hands

from cuedetect.hands.palm import PalmSearchOptions
from cuedetect.hands.roi import HandRoi


@pytest.mark.parametrize(
    ("settings", "palm"),
    [
        ([], None),  # off by default
        (["palm_search=True"], PalmSearchOptions()),
        (["palm_search=True", "palm_search=False"], None),
        (["palm.every_s=0.5"], PalmSearchOptions(every_s=0.5)),  # a field turns it on
        (["palm.min_px=25.0", "palm.max_palms=5"], PalmSearchOptions(min_px=25.0, max_palms=5)),
    ],
)
def test_tune_hands_sets_the_palm_search(settings, palm):
    options = tune_hands.options_from("rules", settings)
    assert options.palm_search == palm and options.state_model is None


def test_tune_hands_still_sets_stage_crop_and_rule_fields():
    o = tune_hands.options_from("rules", ["hold_s=0.5", "crops.scale=3.0", "rules.closed=0.7"])
    assert (o.hold_s, o.crops.scale, o.rules.closed) == (0.5, 3.0, 0.7)


@pytest.mark.parametrize(
    ("point", "inside"),
    [
        ((100.0, 100.0), True),
        ((100.0, 149.0), True),
        ((100.0, 151.0), False),
        ((140.0, 140.0), True),
        ((170.0, 100.0), False),
    ],
)
def test_a_point_inside_an_upright_crop(point, inside):
    roi = HandRoi(np.array([100.0, 100.0]), 100.0, np.array([0.0, -1.0]))
    assert diagnose_hand_misses._inside(roi, np.array(point)) is inside


def test_a_crop_turned_45_degrees_reaches_farther_toward_its_corners_than_along_its_axes():
    diag = np.array([1.0, 1.0]) / np.sqrt(2)
    turned = HandRoi(np.array([100.0, 100.0]), 100.0, diag)  # "up" along the diagonal: half a side is 50
    assert not diagnose_hand_misses._inside(turned, np.array([100.0, 100.0]) + 60 * diag)
    assert diagnose_hand_misses._inside(turned, np.array([160.0, 100.0]))  # toward a corner (70.7 away)


def test_the_diagnosis_refuses_held_out_clips(monkeypatch, tmp_path):
    monkeypatch.setattr(
        sys, "argv", ["diagnose", "--out", str(tmp_path), "--clips", "train_00050,hands_eval_d"]
    )
    with pytest.raises(SystemExit, match="hands_eval_d"):
        diagnose_hand_misses.main()
