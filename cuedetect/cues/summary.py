"""Per-session summary: counts and time per cue per person, distances, time at a safe distance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CUE_IDS
from cuedetect.cues.events import CueEvent
from cuedetect.cues.settings import CueSettings


def _time_fraction(t: np.ndarray, mask: np.ndarray) -> float:
    """Seconds where mask holds, each sample weighted by its share of the timeline."""
    if len(t) < 2:
        return 0.0
    dt = np.diff(t, append=t[-1] + np.median(np.diff(t)))
    return float((dt * mask).sum())


def session_summary(
    events: Sequence[CueEvent],
    roles: Mapping,
    feats: pd.DataFrame | None,
    duration: float,
    settings: CueSettings,
) -> dict:
    """Summary dict for `events.json` (JSON-ready: plain floats, ints and strings)."""
    per_person: dict[str, dict] = {}
    for p, role in roles.items():
        cues = {}
        for c in CUE_IDS:
            mine = [e for e in events if e.cue == c and e.person == p]
            if mine:
                cues[c] = {"count": len(mine), "seconds": round(sum(e.end - e.start for e in mine), 2)}
        per_person[str(p)] = {"role": role, "cues": cues}
    out: dict = {"duration": round(float(duration), 2), "persons": per_person, "distance": None}
    if feats is not None and len(feats) and "distance_m" in feats.columns:
        d = feats.groupby("t")["distance_m"].min().dropna()
        if len(d):
            t, dv = d.index.to_numpy(dtype=float), d.to_numpy(dtype=float)
            out["distance"] = {
                "min_m": round(float(dv.min()), 2),
                "median_m": round(float(np.median(dv)), 2),
                "safe_distance_m": settings.safe_distance_m,
                "seconds_at_safe_distance": round(_time_fraction(t, dv >= settings.safe_distance_m), 2),
                "seconds_measured": round(_time_fraction(t, np.ones(len(t), bool)), 2),
            }
    trainees = [p for p, r in roles.items() if r == "trainee"]
    if trainees:
        p = trainees[0]
        secs = sum(e.end - e.start for e in events if e.person == p and e.cue == "open_hands")
        out["trainee"] = {
            "person": p,
            "seconds_open_hands": round(secs, 2),
            "share_open_hands": round(secs / duration, 3) if duration > 0 else 0.0,
        }
    return out
