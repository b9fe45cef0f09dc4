"""The debrief overlay: everything annotated.mp4 shows on one frame.

Each person in their role's colour (trainee, client; a per-id colour while the role is unknown) with
their role and id above the head, the cues active at that moment beside them in plain words
("fists up"), and the floor distance between each pair coloured by the safe-distance setting.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.annotate import (
    PALETTE,
    Color,
    CueAnnotator,
    DistanceAnnotator,
    LabelAnnotator,
    SkeletonAnnotator,
    color_for,
)
from cuedetect.cue_ids import PAIR_CUES

# Okabe-Ito (colour-blind friendly), BGR: none of the cue colours (escalation red, de-escalation blue) nor
# the distance line's green.
ROLE_COLORS: dict[str, Color] = {"trainee": (167, 121, 204), "client": (0, 159, 230)}  # purple, orange
# People whose role is not known: the other colours, so nobody looks like a trainee or a client.
OTHER_PALETTE: tuple[Color, ...] = tuple(c for c in PALETTE if c not in ROLE_COLORS.values())


def cues_at(events: Iterable[Mapping[str, Any]], t: float) -> dict[int, list[str]]:
    """The cues active at time `t` per person id, in the order they started.

    A pair cue (too close, rapid approach) is shown on both people of the pair.
    """
    active: dict[int, list[str]] = {}
    for e in sorted(events, key=lambda e: float(e["start"])):
        if not float(e["start"]) <= t <= float(e["end"]):
            continue
        people = [e["person"]]
        if e["cue"] in PAIR_CUES and e.get("other") is not None:
            people.append(e["other"])
        for person in people:
            names = active.setdefault(int(person), [])
            if e["cue"] not in names:
                names.append(e["cue"])
    return active


def read_events(path: Path) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """events.json's events and roles (person id -> role); nothing when the file is absent."""
    if not path.is_file():
        return [], {}
    doc = json.loads(path.read_text())
    roles = {int(p["id"]): p.get("role", "unknown") for p in doc.get("persons", [])}
    return list(doc.get("events", [])), roles


@dataclass
class DebriefOverlay:
    """Skeletons, role labels, distances and active cues on one frame, from events.json's content.

    Example:
        >>> overlay = DebriefOverlay(events, roles, color_order="rgb")  # doctest: +SKIP
        >>> overlay.annotate(frame, xy, ids, pairs_now, t=12.4)  # doctest: +SKIP
    """

    events: Sequence[Mapping[str, Any]] = ()
    roles: Mapping[int, str] = field(default_factory=dict)
    color_order: str = "bgr"

    def __post_init__(self) -> None:
        order = self.color_order
        self.skeleton = SkeletonAnnotator(color_order=order)
        self.label = LabelAnnotator(color_order=order)
        self.distance = DistanceAnnotator(color_order=order)
        self.cue = CueAnnotator(color_order=order)
        self.known_roles = {pid: r for pid, r in self.roles.items() if r in ROLE_COLORS}

    def color(self, person: int) -> Color:
        """The person's colour (BGR): their role's, else one of the colours no role uses."""
        role = self.known_roles.get(person)
        return ROLE_COLORS[role] if role else color_for(person, OTHER_PALETTE)

    def annotate(
        self,
        scene: np.ndarray,
        xy: np.ndarray,
        ids: Sequence[int] | np.ndarray,
        pairs: Iterable[tuple[int, int, float] | tuple[int, int, float, float]],
        t: float,
    ) -> np.ndarray:
        """Draw on `scene` in place and return it; `pairs`: this frame's (person, other, metres[, sd])."""
        colors = {int(pid): self.color(int(pid)) for pid in ids}
        self.skeleton.annotate(scene, xy, ids, colors=colors)
        self.distance.annotate(scene, xy, ids, pairs)
        self.label.annotate(scene, xy, ids, self.known_roles, colors=colors)
        self.cue.annotate(scene, xy, ids, cues_at(self.events, t))
        return scene
