"""Role-plays drawn from the style catalogue, split by style: `train` clips and `heldout` clips.

A clip of one split uses only that split's cue styles (`styles.py`), everyday negatives, camera
set-ups and furniture (`framing.py`), body types, clothing palettes and rooms (below). Nothing of a
held-out clip's choreography, people, room or camera occurs in a training clip; what both share is the
cue catalogue and the ranges (skin tones span the full range in both).

Bodies are held out by cell: height, weight and sex are binned (3 x 3 x 2) and a third of the cells,
spread over the whole range, belongs to the held-out split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cuedetect.cue_ids import ESCALATION_CUES
from cuedetect.studio import framing as fr
from cuedetect.studio.corpus import HAIR, SHIRTS, TROUSERS, write_scenarios
from cuedetect.studio.cue_poses import POSTURE_CUES
from cuedetect.studio.scenario import SKIN_TONES
from cuedetect.studio.styles import SPLITS, Style, draw, negatives_for, styles_for

ESCALATION_HOLDS = tuple(c for c in POSTURE_CUES if c in ESCALATION_CUES)
HEIGHT_BINS = ((1.50, 1.63), (1.63, 1.76), (1.76, 1.95))
WEIGHT_BINS = ((0.08, 0.36), (0.36, 0.64), (0.64, 0.95))
SEX_BINS = ((0.0, 0.5), (0.5, 1.0))
PALETTES = {
    "train": {"shirts": SHIRTS, "trousers": TROUSERS},
    "heldout": {
        "shirts": ([0.95, 0.95, 0.95], [0.08, 0.08, 0.09], [0.45, 0.50, 0.20], [0.50, 0.10, 0.15],
                   [0.10, 0.45, 0.48], [0.90, 0.55, 0.65], [0.75, 0.60, 0.15], [0.35, 0.20, 0.12]),
        "trousers": ([0.85, 0.82, 0.75], [0.05, 0.05, 0.06], [0.30, 0.35, 0.20], [0.55, 0.20, 0.20],
                     [0.25, 0.40, 0.55]),
    },
}  # fmt: skip
ROOMS = {
    "train": {
        "walls": ([0.78, 0.76, 0.70], [0.70, 0.74, 0.76], [0.82, 0.80, 0.74], [0.65, 0.70, 0.62]),
        "floors": ([0.43, 0.35, 0.28], [0.52, 0.50, 0.46], [0.36, 0.40, 0.44]),
    },
    "heldout": {
        "walls": ([0.86, 0.82, 0.60], [0.55, 0.62, 0.70], [0.45, 0.47, 0.52], [0.72, 0.55, 0.45]),
        "floors": ([0.66, 0.54, 0.38], [0.28, 0.29, 0.30], [0.35, 0.48, 0.38]),
    },
}
SKIN_RAMP = np.array(list(SKIN_TONES.values()))  # light .. deep


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def _colour(rng: np.random.Generator, base, jitter: float = 0.06) -> list[float]:
    return [round(float(np.clip(c + rng.uniform(-jitter, jitter), 0.02, 0.98)), 3) for c in base]


def body_cell_split(height: int, weight: int, sex: int) -> str:
    """Which split a body cell (bin indices) belongs to: a third of the cells, spread out, is held out."""
    return "heldout" if (height + weight + sex) % 3 == 0 else "train"


def skin_tone(t: float) -> list[float]:
    """A skin colour anywhere on the studio's ramp from light (0) to deep (1)."""
    x = float(np.clip(t, 0, 1)) * (len(SKIN_RAMP) - 1)
    i = min(int(x), len(SKIN_RAMP) - 2)
    return [round(float(v), 3) for v in SKIN_RAMP[i] + (x - i) * (SKIN_RAMP[i + 1] - SKIN_RAMP[i])]


def _body(rng: np.random.Generator, split: str) -> dict:
    cells = [
        (h, w, s)
        for h in range(len(HEIGHT_BINS))
        for w in range(len(WEIGHT_BINS))
        for s in range(len(SEX_BINS))
        if body_cell_split(h, w, s) == split
    ]
    h, w, s = _pick(rng, cells)
    sex = float(rng.uniform(*SEX_BINS[s]))
    return {
        "sex": round(sex, 3),
        "height_m": round(float(rng.uniform(*HEIGHT_BINS[h])), 3),
        "weight": round(float(rng.uniform(*WEIGHT_BINS[w])), 3),
        "ethnicity": [round(float(v), 3) for v in rng.dirichlet([0.6, 0.6, 0.6])],
        "skin": skin_tone(float(rng.uniform(0, 1))),
        "hair": _pick(rng, ["short", "short", "long", "none"] if sex > 0.5 else ["long", "long", "short"]),
        "hair_colour": _colour(rng, _pick(rng, HAIR), 0.04),
    }


def _person(rng: np.random.Generator, split: str, pid: str, role: str, start: list[float]) -> dict:
    pal = PALETTES[split]
    return {
        "id": pid,
        "role": role,
        "body": _body(rng, split),
        "clothes": {
            "shirt": _colour(rng, _pick(rng, pal["shirts"])),
            "trousers": _colour(rng, _pick(rng, pal["trousers"])),
            "shoes": _colour(rng, [0.12, 0.10, 0.08], 0.08),
            "long_sleeves": bool(rng.random() < 0.6),
        },
        "start": start,
        "timeline": [],
    }


def _programme(
    rng: np.random.Generator, items: list[Style], duration: float, start: list[float], walk: float
) -> list[dict]:
    """Performances one after another with short neutral gaps; some done while walking a few steps."""
    t = float(rng.uniform(0.3, 1.2))
    out: list[dict] = []
    for s in items:
        entry = draw(s, rng, t)
        end = t + 2 * entry["transition"] + entry["hold"]
        if end > duration - 0.3:
            break
        out.append(entry)
        if s.name == "walking_past":  # a slow walk across and back (slow: no rapid approach)
            across = [round(start[0] + float(rng.uniform(-0.4, 0.4)), 3), round(start[1] + 1.6, 3)]
            speed = round(float(rng.uniform(0.55, 0.75)), 2)
            entry["transition"] = 0.0
            out += [{"at": entry["at"], "walk_to": across, "speed": speed},
                    {"at": round(t + entry["hold"] / 2, 2), "walk_to": start, "speed": speed}]  # fmt: skip
        elif walk and rng.random() < walk and s.name != "jumping_jack":
            step = [
                round(start[0] + float(rng.uniform(-0.5, 0.5)), 3),
                round(start[1] + float(rng.uniform(-0.6, 0.6)), 3),
            ]
            out += [{"at": entry["at"], "walk_to": step, "speed": round(float(rng.uniform(0.5, 0.8)), 2)},
                    {"at": round(end + 0.1, 2), "walk_to": start, "speed": 0.6}]  # fmt: skip
        t = end + float(rng.uniform(0.3, 1.0))
    return out


def _movement(rng: np.random.Generator, client: dict, a_start, b_start, duration: float) -> None:
    """Sometimes the client rushes in and stands too close, or paces (as in the classic corpus)."""
    kind = rng.random()
    if kind < 0.3:
        at = float(rng.uniform(duration * 0.35, duration * 0.55))
        a, b = np.array(a_start), np.array(b_start)
        close = a + (b - a) / np.linalg.norm(b - a) * float(rng.uniform(0.55, 0.85))
        client["timeline"] = [x for x in client["timeline"] if _ends(x) < at or x.get("at", 0) > at + 5.0]
        client["timeline"] += [
            {"at": round(at, 2), "walk_to": [round(float(v), 3) for v in close],
             "speed": round(float(rng.uniform(1.1, 1.7)), 2)},
            {"at": round(at + 4.0, 2), "walk_to": b_start, "speed": 0.6},
        ]  # fmt: skip
    elif kind < 0.5:
        at = float(rng.uniform(duration * 0.35, duration * 0.5))
        b = np.array(b_start)
        side = np.sign(b[0]) or 1.0
        p1 = [round(float(b[0] + side * 0.1), 3), round(float(b[1] - 0.6), 3)]
        p2 = [round(float(b[0] + side * 0.4), 3), round(float(b[1] + 0.6), 3)]
        until = min(duration - 1.0, at + float(rng.uniform(3.5, 6.0)))
        client["timeline"] = [x for x in client["timeline"] if _ends(x) < at or x.get("at", 0) > until + 1.0]
        client["timeline"].append(
            {"at": round(at, 2), "pace": [p1, p2], "speed": round(float(rng.uniform(0.7, 1.1)), 2),
             "until": round(until, 2)}
        )  # fmt: skip


def _ends(x: dict) -> float:
    return (
        x.get("at", 0.0)
        + 2 * x.get("transition", 0.0)
        + x.get("hold", 0.0)
        + (3.0 if "walk_to" in x else 0.0)
    )


def _camera_xy(camera: dict) -> np.ndarray:
    if "position" in camera:
        return np.array(camera["position"][:2], dtype=float)
    look, az = np.array(camera["look_at"][:2], dtype=float), np.radians(camera["azimuth_deg"])
    return look + camera["distance_m"] * np.array([-np.sin(az), -np.cos(az)])


def make_style_scenario(
    seed: int, split: str = "train", duration: float | None = None, fps: float = 6.0, width: int = 640,
    height: int = 360,
) -> dict:  # fmt: skip
    """One two-person role-play of `split` (styles, negatives, people, room, camera all from that split)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    duration = duration or round(float(rng.uniform(10.0, 13.0)), 1)
    setups = [f for f in fr.framings(width, height) if f.split == split]
    framing = setups[seed % len(setups)]
    gap = float(rng.uniform(1.4, 2.4))
    centre_y, tilt = float(rng.uniform(0.9, 1.6)), float(rng.uniform(-0.5, 0.5))
    a_start, b_start = (
        [round(-gap / 2, 3), round(centre_y - tilt, 3)],
        [round(gap / 2, 3), round(centre_y + tilt, 3)],
    )
    if rng.random() < 0.5:
        a_start, b_start = [-b_start[0], b_start[1]], [-a_start[0], a_start[1]]
    trainee, client = (
        _person(rng, split, "A", "trainee", a_start),
        _person(rng, split, "B", "client", b_start),
    )
    cues = [c for c in (framing.cues or POSTURE_CUES)]
    escalation = [c for c in ESCALATION_HOLDS if c in cues]
    negs = [n for n in negatives_for(split) if n.name not in framing.negatives_excluded]
    if framing.cues is not None:
        negs = [n for n in negs if n.name in fr.HEAD_SHOULDER_NEGATIVES]
    if framing.standing:
        negs = [n for n in negs if n.name != "walking_past"]

    def style_of(cue: str) -> Style:
        return _pick(rng, styles_for(cue, split))

    featured = escalation[seed % len(escalation)]
    order = [featured, *(str(c) for c in rng.permutation([c for c in escalation if c != featured]))]
    items = [style_of(c) for c in order[:4]]
    items.insert(int(rng.integers(1, 3)), _pick(rng, negs))
    walk = 0.0 if framing.standing else 0.25
    client["timeline"] = _programme(rng, items, duration, b_start, walk)
    if not framing.standing:
        de = [style_of("open_hands") if "open_hands" in cues else _pick(rng, negs), _pick(rng, negs)]
        de.append(style_of(_pick(rng, ["open_hands", *ESCALATION_HOLDS])))
        trainee["timeline"] = _programme(rng, [de[i] for i in rng.permutation(3)], duration, a_start, walk)
        _movement(rng, client, a_start, b_start, duration)
    stage = fr.Stage(np.array(b_start), np.array(a_start), client["body"]["height_m"])
    camera = framing.camera(rng, stage)
    room_pal = ROOMS[split]
    wall = _colour(rng, _pick(rng, room_pal["walls"]))
    cam_xy = _camera_xy(camera)
    room = {
        "width": round(max(9.0, 2 * abs(float(cam_xy[0])) + 3.0), 3),
        "depth": round(centre_y + float(rng.uniform(2.2, 3.5)), 3),
        "front": round(min(-8.0, float(cam_xy[1]) - 2.0), 3),
        "floor": _colour(rng, _pick(rng, room_pal["floors"])),
        "wall": wall,
        "side_wall": _colour(rng, wall, 0.12),
    }
    if framing.occluders and rng.random() < 0.35:
        target = np.array(_pick(rng, [a_start, b_start]), dtype=float)
        room["furniture"] = [fr.occluder(rng, split, cam_xy, target)]
    return {
        "name": f"{split}_{seed:05d}",
        "seed": seed,
        "split": split,
        "framing": framing.name,
        "video": {"width": width, "height": height, "fps": fps, "duration": duration},
        "camera": camera,
        "room": room,
        "light": {
            "shadow": round(float(rng.uniform(0.3, 0.7)), 2),
            "rotate_deg": round(float(rng.uniform(-90, 90)), 1),
            "exposure": round(float(rng.uniform(-0.3, 0.3)), 2),
        },
        "persons": [trainee, client],
    }


def write_style_scenarios(out: Path, seeds: range, split: str, **kw) -> list[Path]:
    """One scenario.yaml per seed in out/<split>_<seed>/ (kept as it is if already there)."""
    return write_scenarios(out, seeds, make=lambda seed, **k: make_style_scenario(seed, split, **k), **kw)
