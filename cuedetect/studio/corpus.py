"""A labelled corpus for training and evaluation: many short random role-plays.

Each clip is drawn from one seed: bodies, clothes, skin, hair, room colours, lighting, camera azimuth
(-40..40 degrees), distance and height, and a random programme of cues for both people, so every cue
occurs many times over varied people and views. Rendering is resumable clip by clip (a clip with a
`gt.json` is done) and frame by frame inside a clip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from cuedetect.cue_ids import ESCALATION_CUES
from cuedetect.studio.cue_poses import POSTURE_CUES
from cuedetect.studio.hand_shapes import gestures_in_gaps

ESCALATION_HOLDS = tuple(c for c in POSTURE_CUES if c in ESCALATION_CUES)  # catalogue order
SHIRTS = (
    [0.72, 0.22, 0.15],
    [0.20, 0.42, 0.62],
    [0.25, 0.55, 0.35],
    [0.85, 0.70, 0.20],
    [0.55, 0.55, 0.60],
    [0.20, 0.20, 0.22],
    [0.50, 0.25, 0.55],
    [0.90, 0.90, 0.88],
    [0.15, 0.30, 0.25],
    [0.80, 0.45, 0.30],
)
TROUSERS = (
    [0.16, 0.16, 0.20],
    [0.22, 0.28, 0.42],
    [0.30, 0.26, 0.20],
    [0.12, 0.12, 0.14],
    [0.45, 0.40, 0.30],
    [0.10, 0.14, 0.30],
    [0.35, 0.35, 0.35],
)
HAIR = ([0.05, 0.04, 0.03], [0.25, 0.18, 0.10], [0.55, 0.40, 0.20], [0.35, 0.22, 0.12], [0.60, 0.58, 0.55])


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _colour(rng: np.random.Generator, base, jitter: float = 0.06) -> list[float]:
    return [round(float(np.clip(c + rng.uniform(-jitter, jitter), 0.02, 0.98)), 3) for c in base]


def _person(rng: np.random.Generator, pid: str, role: str, start: list[float]) -> dict:
    sex = float(rng.uniform(0, 1))
    eth = rng.dirichlet([0.6, 0.6, 0.6])
    return {
        "id": pid,
        "role": role,
        "body": {
            "sex": round(sex, 3),
            "height_m": round(float(rng.normal(1.64 + 0.13 * sex, 0.06)), 3),
            "weight": round(float(rng.uniform(0.2, 0.85)), 3),
            "ethnicity": [round(float(v), 3) for v in eth],
            "skin": _pick(rng, ["light", "medium", "tan", "dark", "deep"]),
            "hair": _pick(
                rng, ["short", "short", "long", "none"] if sex > 0.5 else ["long", "long", "short"]
            ),
            "hair_colour": _colour(rng, _pick(rng, HAIR), 0.04),
        },
        "clothes": {
            "shirt": _colour(rng, _pick(rng, SHIRTS)),
            "trousers": _colour(rng, _pick(rng, TROUSERS)),
            "shoes": _colour(rng, [0.12, 0.10, 0.08], 0.08),
            "long_sleeves": bool(rng.random() < 0.6),
        },
        "start": start,
        "timeline": [],
    }


def _programme(rng: np.random.Generator, duration: float, cues: list[str], hands_for: dict) -> list[dict]:
    """Cues one after another with neutral gaps, filling the clip."""
    t = float(rng.uniform(0.3, 1.5))
    out = []
    for cue in cues:
        transition = round(float(rng.uniform(0.35, 0.7)), 2)
        hold = round(float(rng.uniform(1.5, 3.0)), 2)
        if t + 2 * transition + hold > duration - 0.3:
            break
        out.append(
            {
                "at": round(t, 2),
                "cue": cue,
                "hold": hold,
                "transition": transition,
                "hand": _pick(rng, hands_for.get(cue, ["right", "left"])),
            }
        )
        t += 2 * transition + hold + float(rng.uniform(0.3, 1.2))
    return out


def make_scenario(
    seed: int, duration: float | None = None, fps: float = 6.0, width: int = 640, height: int = 360
) -> dict:
    """One random two-person role-play as a scenario mapping (everything drawn, no ranges left).

    The clip lasts `duration` seconds, by default drawn from 10 to 13 s.
    """
    rng = np.random.default_rng(seed)
    if duration is None:
        duration = round(float(rng.uniform(10.0, 13.0)), 1)
    gap = float(rng.uniform(1.4, 2.4))
    centre_y = float(rng.uniform(0.9, 1.6))
    tilt = float(rng.uniform(-0.5, 0.5))
    a_start = [round(-gap / 2, 3), round(centre_y - tilt, 3)]
    b_start = [round(gap / 2, 3), round(centre_y + tilt, 3)]
    if rng.random() < 0.5:  # the client stands on either side
        a_start, b_start = [-b_start[0], b_start[1]], [-a_start[0], a_start[1]]
    trainee = _person(rng, "A", "trainee", a_start)
    client = _person(rng, "B", "client", b_start)
    hands = {"hands_raised": ["both", "right", "left"], "bladed_stance": ["left", "right"]}
    # every escalation cue leads the client's programme equally often across seeds, the rest in random order
    featured = ESCALATION_HOLDS[seed % len(ESCALATION_HOLDS)]
    esc = [featured, *(str(c) for c in rng.permutation([c for c in ESCALATION_HOLDS if c != featured]))]
    client["timeline"] = _programme(rng, duration, esc[:5], hands)
    # the trainee mostly de-escalates, sometimes shows an escalation cue too (so roles are not a shortcut)
    t_cues = ["open_hands", _pick(rng, ["open_hands", *ESCALATION_HOLDS]), "open_hands"]
    trainee["timeline"] = _programme(rng, duration, t_cues, hands)
    kind = rng.random()
    if kind < 0.4:  # the client rushes in and stands too close for a while, then backs off
        at = float(rng.uniform(duration * 0.35, duration * 0.55))
        a = np.array(a_start)
        b = np.array(b_start)
        close = a + (b - a) / np.linalg.norm(b - a) * float(rng.uniform(0.55, 0.85))
        client["timeline"] = [
            x
            for x in client["timeline"]
            if x["at"] + 2 * x["transition"] + x["hold"] < at or x["at"] > at + 5.0
        ]
        client["timeline"] += [
            {
                "at": round(at, 2),
                "walk_to": [round(float(v), 3) for v in close],
                "speed": round(float(rng.uniform(1.1, 1.7)), 2),
            },
            {"at": round(at + 4.0, 2), "walk_to": b_start, "speed": 0.6},
        ]
    elif kind < 0.7:  # the client paces
        at = float(rng.uniform(duration * 0.35, duration * 0.5))
        b = np.array(b_start)
        side = np.sign(b[0]) or 1.0
        p1 = [round(float(b[0] + side * 0.1), 3), round(float(b[1] - 0.6), 3)]
        p2 = [round(float(b[0] + side * 0.4), 3), round(float(b[1] + 0.6), 3)]
        until = min(duration - 1.0, at + float(rng.uniform(3.5, 6.0)))
        client["timeline"] = [
            x
            for x in client["timeline"]
            if x["at"] + 2 * x["transition"] + x["hold"] < at or x["at"] > until + 1.0
        ]
        client["timeline"] += [
            {
                "at": round(at, 2),
                "pace": [p1, p2],
                "speed": round(float(rng.uniform(0.7, 1.1)), 2),
                "until": round(until, 2),
            }
        ]
    wall = _colour(
        rng, _pick(rng, [[0.78, 0.76, 0.70], [0.70, 0.74, 0.76], [0.82, 0.80, 0.74], [0.65, 0.70, 0.62]])
    )
    for person in (trainee, client):  # non-cue hand gestures (thumbs-up ...) in the free gaps
        person["timeline"] += gestures_in_gaps(rng, person["timeline"], duration)
    return {
        "name": f"clip_{seed:05d}",
        "seed": seed,
        "video": {"width": width, "height": height, "fps": fps, "duration": duration},
        "camera": {
            "azimuth_deg": round(float(rng.uniform(-40, 40)), 2),
            "distance_m": round(float(rng.uniform(3.4, 5.0)), 3),
            "height_m": round(float(rng.uniform(1.2, 2.4)), 3),
            "look_at": [0.0, round(centre_y, 3), 1.0],
            "fov_deg": round(float(rng.uniform(52, 70)), 2),
        },
        "room": {
            "width": 9.0,
            "depth": round(centre_y + float(rng.uniform(2.2, 3.5)), 3),
            "floor": _colour(rng, _pick(rng, [[0.43, 0.35, 0.28], [0.52, 0.50, 0.46], [0.36, 0.40, 0.44]])),
            "wall": wall,
            "side_wall": _colour(rng, wall, 0.12),
        },
        "light": {
            "shadow": round(float(rng.uniform(0.3, 0.7)), 2),
            "rotate_deg": round(float(rng.uniform(-90, 90)), 1),
            "exposure": round(float(rng.uniform(-0.3, 0.3)), 2),
        },
        "persons": [trainee, client],
    }


def write_scenarios(out: Path, seeds: range, make=None, **kw) -> list[Path]:
    """Write one scenario.yaml per seed into out/<its name>/ (kept if already there).

    `make(seed, **kw)` draws a scenario; by default `make_scenario` (folders clip_<seed>).
    """
    make = make or make_scenario
    paths = []
    for seed in seeds:
        sc = make(seed, **kw)
        folder = out / sc["name"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "scenario.yaml"
        if not path.exists():
            path.write_text(yaml.safe_dump(sc, sort_keys=False))
        paths.append(path)
    return paths


assert set(ESCALATION_HOLDS) < set(POSTURE_CUES)
