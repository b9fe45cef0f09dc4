"""Key moments: what an instructor opens the debrief with, each one click from the video (pure).

- the strongest escalations: escalation cues not rejected, confirmed ones first, then by the model's
  confidence and length (an event a reviewer added counts as certain);
- the closest approach: the smallest measured distance between the two people;
- the trainee's interventions: the trainee's de-escalation cues (open hands), in time order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cuedetect.cue_ids import DEESCALATION_CUES, ESCALATION_CUES, cue_label
from cuedetect.dashboard.stage import clock, pair_who


@dataclass(frozen=True)
class KeyMoment:
    kind: str  # "escalation" | "closest" | "intervention"
    t: float
    key: str | None  # the event to select, if the moment is one
    label: str

    @property
    def icon(self) -> str:
        """A Material icon (Streamlit ships the font; nothing is fetched)."""
        return {
            "escalation": ":material/warning:",
            "closest": ":material/compare_arrows:",
            "intervention": ":material/front_hand:",
        }[self.kind]


def _strength(e: Any) -> tuple[int, float, float]:
    conf = 1.0 if e.confidence is None else float(e.confidence)
    return (1 if e.status == "confirmed" else 0, conf, float(e.end - e.start))


def _role(person: int, roles: Mapping[int, str]) -> str:
    """`client` (short: the chips must fit one row), or `P2` when the role is not known."""
    role = roles.get(person, "unknown")
    return f"P{person}" if role in (None, "", "unknown") else str(role)


def key_moments(
    events: Sequence[Any],
    roles: Mapping[int, str],
    distance: pd.DataFrame | None = None,
    n_escalations: int = 3,
    n_interventions: int = 2,
) -> list[KeyMoment]:
    """The key moments of a session: strongest escalations, closest approach, the trainee's interventions."""
    live = [e for e in events if e.status != "rejected"]
    out: list[KeyMoment] = []
    strong = sorted((e for e in live if e.cue in ESCALATION_CUES), key=_strength, reverse=True)[
        :n_escalations
    ]
    for e in sorted(strong, key=lambda e: e.start):
        person = pair_who(e.person, e.other, roles) if e.other is not None else _role(e.person, roles)
        out.append(
            KeyMoment("escalation", float(e.start), e.key, f"{clock(e.start)} {cue_label(e.cue)} · {person}")
        )
    if distance is not None and len(distance):
        row = distance.loc[distance["distance_m"].idxmin()]
        out.append(
            KeyMoment(
                "closest",
                float(row["t"]),
                None,
                f"{clock(row['t'])} closest {float(row['distance_m']):.2f} m",
            )
        )
    trainee = [p for p, r in roles.items() if r == "trainee"]
    if trainee:
        mine = sorted(
            (e for e in live if e.person == trainee[0] and e.cue in DEESCALATION_CUES), key=lambda e: e.start
        )
        for e in mine[:n_interventions]:
            out.append(
                KeyMoment(
                    "intervention", float(e.start), e.key, f"{clock(e.start)} {cue_label(e.cue)} · trainee"
                )
            )
    return out
