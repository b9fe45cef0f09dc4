"""Why a ground-truth cue event was missed: one cause per event, for diagnosing a dev split.

`bench/diagnose_cue_misses.py` measures each event (tracked share, peak probability, the model's most
used features missing or outside the training frames' range, the best overlap of a found event) and
`miss_cause` names the cause, first match in `CAUSES` order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cuedetect.cues.evaluate import IOU_MIN

CAUSES = (
    "found",
    "person not found",
    "fragmented or shifted",
    "too short",
    "features missing",
    "features outside training",
    "under threshold",
)
TRACKED_MIN = 0.5
"""A person counts as found on an event when a track matched to them covers at least this share of it."""
SHARE_MAX = 0.5
"""Features count as missing (or outside training) when over this share of the weighted features are."""


def miss_cause(event: Mapping, nan_share: float, out_share: float) -> str:
    """The cause of one event's fate (`CAUSES`).

    Args:
        event: `best_iou` (the best temporal IoU of a found event of the cue and person), `tracked`
            (share of the event's frames with a matched track), `overlapping` (found events of the cue
            and person overlapping it), `p_max` (the peak smoothed probability inside it) and
            `threshold` (the cue's switch-on probability).
        nan_share: the importance-weighted share of the cue's main features that are NaN in the event.
        out_share: the same, outside the training frames' 5-95% range.
    """
    if event["best_iou"] >= IOU_MIN:
        return "found"
    if event["tracked"] < TRACKED_MIN:
        return "person not found"
    if event["overlapping"]:
        return "fragmented or shifted"
    if np.isfinite(event["p_max"]) and event["p_max"] > event["threshold"]:
        return "too short"
    if nan_share > SHARE_MAX:
        return "features missing"
    if out_share > SHARE_MAX:
        return "features outside training"
    return "under threshold"


def covered(want: np.ndarray, have: np.ndarray, frame_s: float) -> float:
    """Share of the times `want` with a time in `have` within 0.6 frame intervals (0 if either is empty)."""
    want, have = np.asarray(want, float), np.asarray(have, float)
    if not len(want) or not len(have):
        return 0.0
    return float((np.min(np.abs(want[:, None] - have[None, :]), axis=1) <= 0.6 * frame_s).mean())
