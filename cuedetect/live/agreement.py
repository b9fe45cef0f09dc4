"""How well live cues agree with an offline analysis of the same recording (event-level F1).

Live and offline runs number people independently, so people are first matched through their tracks
(hip and shoulder positions on the frames both analysed, Hungarian matching); events are then matched
per cue with the cue detector's own rule (same person, temporal IoU >= 0.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from cuedetect.cues.catalogue import CUE_IDS
from cuedetect.cues.evaluate import Counts, match_events, relabel

_JOINTS = (11, 12, 23, 24)  # shoulders and hips: the most stable landmarks


def _joint_table(poses: pd.DataFrame) -> pd.DataFrame:
    cols = [f"{a}{j}" for j in _JOINTS for a in ("x", "y")]
    return poses.groupby(["person", "frame"])[cols].mean()


def match_person_ids(live: pd.DataFrame, offline: pd.DataFrame, max_cost: float = 0.1) -> dict[int, int]:
    """Live person id -> offline person id, by median joint distance on shared frames (normalized units).

    Several live ids may map to one offline id when the live tracker split a person (each live track is
    matched to the offline person it overlaps best, if that is within `max_cost` and no other live
    track is a better match on the same frames).
    """
    a, b = _joint_table(live), _joint_table(offline)
    lids = sorted(live["person"].unique().tolist())
    oids = sorted(offline["person"].unique().tolist())
    if not lids or not oids:
        return {}
    cost = np.full((len(lids), len(oids)), 1e3)
    for i, lp in enumerate(lids):
        la = a.loc[lp]
        for j, op in enumerate(oids):
            ob = b.loc[op]
            common = la.index.intersection(ob.index)
            if len(common) < 3:
                continue
            d = (la.loc[common].to_numpy() - ob.loc[common].to_numpy()).reshape(len(common), -1, 2)
            dist = np.sqrt((d**2).sum(-1))
            if np.isfinite(dist).any():
                cost[i, j] = float(np.nanmedian(dist))
    out: dict[int, int] = {}
    rows, cols = linear_sum_assignment(cost)
    for i, j in zip(rows, cols, strict=True):
        if cost[i, j] <= max_cost:
            out[int(lids[i])] = int(oids[j])
    for i, lp in enumerate(lids):  # extra live tracks (id switches) go to their nearest offline person
        if int(lp) not in out:
            j = int(np.argmin(cost[i]))
            if cost[i, j] <= max_cost:
                out[int(lp)] = int(oids[j])
    return out


def event_agreement(
    live_events: Sequence[Mapping[str, Any]],
    offline_events: Sequence[Mapping[str, Any]],
    mapping: Mapping[int, int],
    cues: Sequence[str] = CUE_IDS,
) -> tuple[Counts, dict[str, Counts]]:
    """Micro-averaged counts over `cues` and the counts per cue, after renaming live ids to offline ids."""
    renamed = relabel(live_events, mapping)
    offline = [
        {**e, "person": str(e["person"]), "other": None if e.get("other") is None else str(e["other"])}
        for e in offline_events
    ]
    renamed = [
        {**e, "person": str(e["person"]), "other": None if e.get("other") is None else str(e["other"])}
        for e in renamed
    ]
    total, per = Counts(), {}
    for cue in cues:
        c = match_events(renamed, offline, cue)
        if c.tp + c.fp + c.fn:
            per[cue] = c
            total.add(c)
    return total, per
