"""Hand shapes for the studio: what each hand does, and the hand state it shows in `gt.json`.

A hand shape is five finger curls (thumb, index, middle, ring, pinky; 0 straight .. 1 fully curled),
stored per side in `PoseParams.fingers`. Held cues give the hands their defining shape (a fist for a
guard, open palms for open hands and raised hands, the index out for pointing); the idle motion keeps
relaxed, half-curled hands; `gesture` actions show shapes that are NOT cues (a thumbs-up in front of the
chest, a fist or an open palm held low) so the cue model meets hard negatives.

Because poses blend linearly, so do finger curls: the ground-truth state of a hand is read back from its
curls (`state_of`), and a hand half-way between two shapes has no state (`None`, left out of scoring).
"""

from __future__ import annotations

import numpy as np

# the hand states cuedetect reads (cuedetect's hand stage uses the same names); "other" is any hand that
# is none of the four named shapes, e.g. relaxed, half-curled fingers
HAND_STATES = ("fist", "open_palm", "point", "thumb_up", "other")
FINGERS = ("thumb", "index", "middle", "ring", "pinky")

SHAPES: dict[str, tuple[float, float, float, float, float]] = {
    "fist": (1.0, 1.0, 1.0, 1.0, 1.0),
    "open_palm": (0.0, 0.0, 0.0, 0.0, 0.0),
    "point": (1.0, 0.0, 1.0, 1.0, 1.0),
    "thumb_up": (0.0, 1.0, 1.0, 1.0, 1.0),
    "relaxed": (0.35, 0.42, 0.46, 0.5, 0.55),  # half-curled, as hands hang at rest (not an open palm)
}
SHAPE_STATE = {"fist": "fist", "open_palm": "open_palm", "point": "point", "thumb_up": "thumb_up"}
SHAPE_STATE["relaxed"] = "other"

# the shape each held cue gives the hands it uses (None: the hands keep what they had, e.g. relaxed)
CUE_SHAPES: dict[str, str | None] = {
    "pointing": "point",
    "arms_crossed": "relaxed",
    "hands_on_hips": "relaxed",
    "hands_raised": "open_palm",
    "fists_up": "fist",
    "hands_hidden": "relaxed",
    "open_hands": "open_palm",
    "bladed_stance": None,
    "leaning_in": None,
}
# cues whose hands are tucked away (under the arms, behind the back): the hand is not scored
OCCLUDING_CUES = ("arms_crossed", "hands_hidden")
# everyday actions (studio.styles negatives) that tuck the hands away too
OCCLUDING_ACTIONS = (("negative", "hands_in_pockets"),)
# shapes a `gesture` action may show; "thumb_up" also brings the hand up in front of the chest
GESTURES = ("thumb_up", "fist", "open_palm", "point", "relaxed")


def shape(name: str) -> np.ndarray:
    """The five finger curls of a named shape."""
    if name not in SHAPES:
        raise ValueError(f"unknown hand shape {name!r} (known: {', '.join(SHAPES)})")
    return np.array(SHAPES[name], dtype=float)


def relaxed(rng: np.random.Generator) -> np.ndarray:
    """A person's own relaxed hands: half-curled, a little different on each side and each person."""
    base = shape("relaxed")
    return np.stack([np.clip(base + rng.uniform(-0.06, 0.06), 0.25, 0.6) for _ in range(2)])


def state_of(curls: np.ndarray) -> str | None:
    """The hand state five finger curls show, or None while a hand is between shapes.

    Args:
        curls: (5,) curls, thumb first.
    """
    c = np.asarray(curls, dtype=float)
    thumb, index, rest = c[0], c[1], c[2:]
    if (c <= 0.15).all():
        return "open_palm"
    if (rest >= 0.8).all():
        if index >= 0.8 and thumb >= 0.8:
            return "fist"
        if index >= 0.8 and thumb <= 0.2:
            return "thumb_up"
        if index <= 0.2 and thumb >= 0.8:
            return "point"
        return None
    if ((c >= 0.15) & (c <= 0.62)).all():
        return "other"
    return None


def thumb_up_pose(p, pr, sides: list[int]):
    """A thumbs-up: the forearm forward at chest height, hand turned so the thumb points up.

    Args:
        p: the PoseParams to change (a copy is returned).
        pr: the body's `Proportions`.
        sides: 0 left, 1 right.
    """
    q = p.copy()
    sign = np.array([-1.0, 1.0])
    chest = pr.hip_z + 0.75 * (pr.shoulder_z - pr.hip_z)
    for s in sides:
        q.wrist[s] = [sign[s] * (pr.shoulder_x - 0.02), 0.34, chest]
        q.elbow_pole[s] = [sign[s] * 0.6, -0.2, -1.0]
        q.forearm_twist[s] = THUMB_UP_TWIST[s]
        q.fingers[s] = shape("thumb_up")
    return q


# forearm twist (radians) that turns a forward-held hand's thumb up, per side (fitted on the rig)
THUMB_UP_TWIST = np.radians([-75.0, 75.0])


def shape_hands(p, cue: str, sides: list[int]):
    """Give a held cue's hands their shape (in place; returns `p`).

    One-handed cues (pointing) shape only their hand; two-handed cues both hands.
    """
    name = CUE_SHAPES[cue]
    if name is None:
        return p
    for s in sides if cue in ONE_HANDED_CUES else (0, 1):
        p.fingers[s] = shape(name)
    return p


ONE_HANDED_CUES = ("pointing", "hands_raised")


def gesture_pose(name: str, p, pr, sides: list[int]):
    """The held pose of a non-cue `gesture` action: a thumbs-up, or a shape held where the hand is."""
    if name == "thumb_up":
        return thumb_up_pose(p, pr, sides)
    q = p.copy()
    for s in sides:
        q.fingers[s] = shape(name)
    return q


def occluded(actions, times: np.ndarray, envelope) -> np.ndarray:
    """(F, 2) True where a hand is tucked away by a held cue (arms crossed, hands behind the back)."""
    out = np.zeros((len(times), 2), dtype=bool)
    for act in actions:
        if (act.kind == "cue" and act.cue in OCCLUDING_CUES) or (act.kind, act.cue) in OCCLUDING_ACTIONS:
            w = np.array([envelope(float(t), act) for t in times])
            out[w > 0.3] = True
    return out


def hand_bones(body) -> list[list[int]]:
    """Per side (L, R): the wrist and every finger bone of the rig."""
    out = []
    for s in ("L", "R"):
        names = [f"wrist.{s}"] + [f"finger{f}-{k}.{s}" for f in range(1, 6) for k in (1, 2, 3)]
        out.append([body.bone(n) for n in names])
    return out


def hand_truth(body, G: np.ndarray, P: np.ndarray, fingers: np.ndarray, hidden: np.ndarray, camera) -> dict:
    """One person's hands in one frame, as written into gt.json.

    Args:
        body: the person's `Body`.
        G, P: posed bone rotations (B, 3, 3) and heads (B, 3) in the room.
        fingers: (2, 5) finger curls.
        hidden: (2,) hands tucked away by the held cue.
        camera: the scene's `Camera`.

    Returns:
        {"left": {...}, "right": {...}}: `state` (None between shapes), `box` [x0, y0, x1, y1] in
        normalized image coordinates, `size_px` (the box's longer side in pixels), `in_view`,
        `occluded`.
    """
    out = {}
    for side, (name, bones) in enumerate(zip(("left", "right"), hand_bones(body), strict=True)):
        heads = P[bones]
        tails = heads + np.einsum("bij,bj->bi", G[bones], body.tails[bones] - body.heads[bones])
        xy, depth = camera.project(np.concatenate([heads, tails]))
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        size_px = float(max((hi[0] - lo[0]) * camera.width, (hi[1] - lo[1]) * camera.height))
        in_view = bool((depth > 0).all() and (lo >= 0).all() and (hi <= 1).all())
        out[name] = {
            "state": state_of(fingers[side]),
            "box": [round(float(v), 5) for v in (*lo, *hi)],
            "size_px": round(size_px, 1),
            "in_view": in_view,
            "occluded": bool(hidden[side]),
        }
    return out


def gestures_in_gaps(rng: np.random.Generator, timeline: list[dict], duration: float) -> list[dict]:
    """Non-cue hand gestures for a corpus clip: one per free gap of a person's timeline, when it fits.

    Mostly thumbs-up (the hard negative for fists_up), sometimes a fist or an open palm held low.
    """
    busy = []
    for a in timeline:
        if "cue" in a or "gesture" in a:
            busy.append((a["at"], a["at"] + 2 * a.get("transition", 0.5) + a.get("hold", 0.0)))
        elif "pace" in a:
            busy.append((a["at"], a["until"] + 1.0))
        elif "walk_to" in a:
            busy.append((a["at"], a["at"] + 4.0))
    out, t = [], 0.3
    for start, end in [*sorted(busy), (duration - 0.3, duration)]:
        transition, hold = 0.35, round(float(rng.uniform(1.0, 1.8)), 2)
        free = start - t
        if free >= 2 * transition + hold + 0.3:
            at = round(t + float(rng.uniform(0.1, free - 2 * transition - hold - 0.2)), 2)
            name = str(rng.choice(["thumb_up", "thumb_up", "fist", "open_palm"]))
            hand = str(rng.choice(["right", "left"]))
            out.append({"at": at, "gesture": name, "hold": hold, "transition": transition, "hand": hand})
        t = max(t, end + 0.2)
    return out
