"""The pair rules on the committed samples' exact ground truth reproduce the studio's own pair events."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuedetect.training.dataset import load_gt_dir
from cuedetect.training.trainer import score_clips

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_videos").glob("*/gt.json"))


def test_there_are_committed_samples() -> None:
    assert SAMPLES, "sample_videos/*/gt.json expected"


@pytest.mark.parametrize("gt_path", SAMPLES, ids=[p.parent.name for p in SAMPLES])
def test_pair_rules_match_the_studio_definition(gt_path: Path) -> None:
    clip = load_gt_dir(gt_path.parent, use_poses=False)
    scores = score_clips([clip], None)  # the rules are the same for the baseline and the model
    for cue in ("too_close", "rapid_approach"):
        c = scores.events[cue]
        assert c.fp == 0 and c.fn == 0, (cue, c)
