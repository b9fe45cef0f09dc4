"""Match the events of a re-analysis to the earlier ones, so reviews stay attached (pure functions).

Two events can be the same only if they have the same cue, person and other person; among those, pairs
are matched one-to-one to maximise temporal IoU (Hungarian assignment), and a pair counts only at
IoU >= `min_iou`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.store.models import Event

MIN_IOU = 0.3


def temporal_iou(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    """Intersection over union of two time intervals; two equal instants count as 1."""
    inter = min(a_end, b_end) - max(a_start, b_start)
    union = max(a_end, b_end) - min(a_start, b_start)
    if union <= 0:
        return 1.0 if a_start == b_start else 0.0
    return max(inter, 0.0) / union


def match_events(new: Sequence[Event], old: Sequence[Event], min_iou: float = MIN_IOU) -> dict[int, str]:
    """Return {index in `new`: key of the matched event in `old`}."""
    groups_old: dict[tuple, list[Event]] = defaultdict(list)
    for ev in old:
        groups_old[(ev.cue, ev.person, ev.other)].append(ev)
    groups_new: dict[tuple, list[int]] = defaultdict(list)
    for i, ev in enumerate(new):
        groups_new[(ev.cue, ev.person, ev.other)].append(i)
    result: dict[int, str] = {}
    for group, idxs in groups_new.items():
        olds = groups_old.get(group)
        if not olds:
            continue
        iou = np.array([[temporal_iou(new[i].start, new[i].end, o.start, o.end) for o in olds] for i in idxs])
        rows, cols = linear_sum_assignment(-iou)
        for r, c in zip(rows, cols, strict=True):
            if iou[r, c] >= min_iou:
                result[idxs[r]] = olds[c].key
    return result


def model_event_key(
    recording_sha256: str, cue: str, person: int, other: int | None, start: float, end: float
) -> str:
    """A short key that is the same whenever the same event of the same recording is imported."""
    text = f"{recording_sha256}|{cue}|{person}|{other}|{start:.3f}|{end:.3f}"
    return "m-" + hashlib.sha256(text.encode()).hexdigest()[:12]
