"""Who is the trainee and who is the client: a heuristic guess, always overridable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import BY_ID
from cuedetect.cues.events import CueEvent

ROLES = ("trainee", "client", "unknown")


def guess_roles(
    persons: Sequence,
    events: Sequence[CueEvent],
    feats: pd.DataFrame | None = None,
    override: Mapping | None = None,
) -> dict:
    """Person id -> role.

    With two or more people, the one with the highest "agitation" score is the client and the one with
    the lowest is the trainee: seconds of escalation cues, plus seconds spent moving, minus seconds of
    open hands. One person alone is "unknown". `override` (id -> role) wins over the guess; if it names
    one person's role in a two-person session, the other gets the complementary role.
    """
    override = {_key(k): v for k, v in (override or {}).items()}
    for role in override.values():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; use one of {ROLES}")
    persons = [_key(p) for p in persons]
    roles = dict.fromkeys(persons, "unknown")
    if len(persons) >= 2:
        score = dict.fromkeys(persons, 0.0)
        for e in events:
            dur = e.end - e.start
            kind = BY_ID[e.cue].kind
            p = _key(e.person)
            if p not in score:
                continue
            if kind == "escalation":
                score[p] += dur
            elif e.cue == "open_hands":
                score[p] -= dur
        if feats is not None and len(feats) and "hip_speed" in feats.columns:
            for p, g in feats.groupby("person"):
                if _key(p) in score:
                    dt = float(np.median(np.diff(g["t"]))) if len(g) > 1 else 0.0
                    score[_key(p)] += 0.5 * float((g["hip_speed"] > 0.3).sum()) * dt
        ranked = sorted(persons, key=lambda p: score[p])
        roles[ranked[0]], roles[ranked[-1]] = "trainee", "client"
    roles.update({p: r for p, r in override.items() if p in roles})
    if len(persons) == 2 and len(override) == 1:
        ((p, r),) = override.items()
        other = next(q for q in persons if q != p)
        if r in ("trainee", "client"):
            roles[other] = "client" if r == "trainee" else "trainee"
    return roles


def _key(p):
    if hasattr(p, "item"):
        p = p.item()
    if isinstance(p, str) and p.lstrip("-").isdigit():
        return int(p)
    return p
