"""The debrief overlay: who is who in role colours, the active cues in plain words, at the right moments."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cuedetect.annotate import DEESCALATION, ESCALATION, NEUTRAL
from cuedetect.overlay import ROLE_COLORS, DebriefOverlay, cues_at, read_events
from cuedetect.pose.floor import standing_skeleton

W, H = 480, 320
EVENTS = [
    {"cue": "fists_up", "person": 0, "other": None, "start": 1.0, "end": 2.0},
    {"cue": "open_hands", "person": 1, "other": None, "start": 1.5, "end": 3.0},
    {"cue": "too_close", "person": 0, "other": 1, "start": 1.8, "end": 2.5},
    {"cue": "pointing", "person": 0, "other": None, "start": 0.2, "end": 1.9},
]


def pose(cx: float) -> np.ndarray:
    sk = standing_skeleton(1.0)
    return np.stack([cx + sk[:, 0] * 0.4 * H / W, 0.9 - sk[:, 2] * 0.6], axis=1)


def colours(img: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in c) for c in img.reshape(-1, 3)}


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (0.1, {}),
        (1.0, {0: ["pointing", "fists_up"]}),
        (1.8, {0: ["pointing", "fists_up", "too_close"], 1: ["open_hands", "too_close"]}),
        (2.2, {0: ["too_close"], 1: ["open_hands", "too_close"]}),
        (3.0, {1: ["open_hands"]}),
        (3.01, {}),
    ],
)
def test_cues_at_a_moment(t: float, expected: dict) -> None:
    assert cues_at(EVENTS, t) == expected


def test_people_in_role_colours_cues_in_kind_colours() -> None:
    overlay = DebriefOverlay(EVENTS, {0: "client", 1: "trainee"})
    xy, ids = np.stack([pose(0.25), pose(0.7)]), [0, 1]
    img = overlay.annotate(np.zeros((H, W, 3), np.uint8), xy, ids, [(0, 1, 0.9)], t=1.8)
    seen = colours(img)
    assert ROLE_COLORS["client"] in seen and ROLE_COLORS["trainee"] in seen
    assert ESCALATION in seen and DEESCALATION in seen and NEUTRAL in seen  # fists up, open hands, too close
    calm = overlay.annotate(np.zeros((H, W, 3), np.uint8), xy, ids, [], t=5.0)
    assert ESCALATION not in colours(calm) and ROLE_COLORS["client"] in colours(calm)


def test_unknown_roles_keep_the_per_person_colours() -> None:
    scene = np.zeros((H, W, 3), np.uint8)
    img = DebriefOverlay([], {0: "unknown"}).annotate(scene, pose(0.5)[None], [0], [], 0.0)
    assert ROLE_COLORS["client"] not in colours(img) and ROLE_COLORS["trainee"] not in colours(img)
    assert img.any()


def test_cue_names_are_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    monkeypatch.setattr("cuedetect.annotate._text", lambda scene, text, *a: drawn.append(text))
    overlay = DebriefOverlay(EVENTS, {0: "client", 1: "trainee"})
    overlay.annotate(np.zeros((H, W, 3), np.uint8), np.stack([pose(0.25), pose(0.7)]), [0, 1], [], t=1.8)
    assert {"fists up", "too close", "open hands", "pointing"} <= set(drawn)
    assert not [t for t in drawn if "_" in t]
    assert any("client" in t for t in drawn) and any("trainee" in t for t in drawn)


def test_read_events(tmp_path: Path) -> None:
    assert read_events(tmp_path / "events.json") == ([], {})
    doc = {"events": EVENTS, "persons": [{"id": 0, "role": "client"}, {"id": 1, "role": "trainee"}]}
    (tmp_path / "events.json").write_text(json.dumps(doc))
    assert read_events(tmp_path / "events.json") == (EVENTS, {0: "client", 1: "trainee"})
