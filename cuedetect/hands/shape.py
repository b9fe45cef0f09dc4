"""Hand shape from MediaPipe's 21 hand landmarks: finger curls, palm facing, and a state with a confidence.

Everything here is plain numpy on one hand's landmarks, so the rules are tested on hand-made landmark
sets. Landmark order is MediaPipe's: 0 wrist; thumb 1-4 (CMC, MCP, IP, tip); index 5-8, middle 9-12,
ring 13-16, pinky 17-20 (MCP, PIP, DIP, tip).

States: `fist` (four fingers and the thumb closed), `open_palm` (four fingers straight), `point` (the index
straight, the other three closed), `thumb_up` (four fingers closed, the thumb out and pointing up), and
`other` (anything else: relaxed, half-closed, holding something).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

HAND_STATES = ("fist", "open_palm", "point", "thumb_up", "other")
FINGER_NAMES = ("thumb", "index", "middle", "ring", "pinky")
NUM_HAND_LANDMARKS = 21
TUCK = [6, 7, 10, 11]  # the index and middle fingers' middle bones: a fist's thumb lies over them
WRIST = 0
FINGER_CHAINS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
HAND_EDGES: tuple[tuple[int, int], ...] = (
    *((0, c[0]) for c in FINGER_CHAINS),
    *((c[i], c[i + 1]) for c in FINGER_CHAINS for i in range(3)),
    (5, 9), (9, 13), (13, 17),
)  # fmt: skip


@dataclass(frozen=True)
class StateRules:
    """Thresholds of the state rules, from a grid search on the studio tuning clips (before the studio's
    hand fix; README, Hands).

    Tried on 2026-12-07 evening on the seven tuning renders made after the fix and reverted: `closed`
    0.78, `thumb_tuck` 0.4, `tuck_weight` 0.25 read 0.742 -> 0.777 of 1522 tuning hands (held out 0.664 ->
    0.675), but a real thumbs-up aimed at the camera (`one_person_gestures.mp4`, thumb foreshortened, its
    tip away from the fingers) then read `fist` once in live mode and, held 0.4 s, let a `fists_up` event
    through (`tests/integration/test_live_hands.py`): the thumb test is what keeps such a hand from a fist.
    """

    straight: float = 0.25  # a finger curled less than this is straight
    closed: float = 0.62  # fingers curled more than this (on average over the four) are closed
    softness: float = 0.06  # width of both boundaries (for the confidence)
    thumb_out: float = 0.6  # thumb tip to index knuckle, in palm lengths, above which the thumb is out
    thumb_up: float = 0.55  # cosine of the thumb's direction with the image's up, above which it is up
    thumb_above: float = 0.25  # the thumb tip rises this far above the knuckles (palm lengths)
    thumb_bent: float = 0.6  # a thumb curled more than this is folded in, not out
    # four fingers count as closed by their mean curl (0) or every one of them (1): one finger the
    # network reads half-open no longer opens a whole fist
    closed_by_mean: float = 1.0
    # a fist wants the thumb's tip over the index or middle finger (within `thumb_tuck` palm lengths of
    # their middle joints); `tuck_weight` 0 ignores it, 1 requires it
    thumb_tuck: float = 0.3
    tuck_weight: float = 1.0
    # four fingers count as straight by every one of them (0) or their mean curl (1), as `closed_by_mean`:
    # half and half, an open palm whose fingers the network reads each a little bent (curls 0.15-0.22)
    # is no longer "other" (seven tuning renders: open palms read right 79 -> 88 of 97, relaxed hands
    # read open 4 -> 6; all hands 0.781 -> 0.791; 1.0: 0.816 -> 0.816 on five of them, 0.5 0.827)
    open_by_mean: float = 0.5


@dataclass(frozen=True)
class HandShape:
    """The shape of one hand in one frame.

    Attributes:
        curl: (5,) per finger, thumb first: 0 straight .. 1 fully curled.
        thumb_out: thumb tip to index knuckle distance in palm lengths.
        thumb_up: cosine between the thumb's direction and the image's up.
        palm_normal: (3,) unit normal out of the palm (x right, y down, z away from the camera).
        palm_facing: "camera", "away", "up", "down" or "side".
        state: one of HAND_STATES.
        confidence: the state's probability under the soft rules (0..1).
    """

    curl: np.ndarray
    thumb_out: float
    thumb_up: float
    palm_normal: np.ndarray
    palm_facing: str
    state: str
    confidence: float


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-9, n, 1.0)


def finger_curls(lm: np.ndarray) -> np.ndarray:
    """(5,) curls from the bend angles along each finger (thumb first), 0 straight .. 1 fully curled.

    Index to pinky: the angles at MCP, PIP and DIP (wrist->MCP is the first bone), summed and divided by
    3.6 rad (a tight fist). Thumb: the angles at MCP and IP over 1.6 rad.
    """
    lm = np.asarray(lm, dtype=float)
    out = np.zeros(5)
    for f, chain in enumerate(FINGER_CHAINS):
        pts = lm[[WRIST, *chain]] if f else lm[list(chain)]
        bones = _unit(np.diff(pts, axis=0))
        cos = np.clip(np.sum(bones[:-1] * bones[1:], axis=1), -1.0, 1.0)
        total = float(np.sum(np.arccos(cos)))
        out[f] = min(total / (1.6 if f == 0 else 3.6), 1.0)
    return out


def palm_normal(lm: np.ndarray, side: str) -> np.ndarray:
    """Unit normal out of the palm's front (the side the fingers close toward).

    In MediaPipe's axes (x right, y down, z away from the camera: a right-handed frame) the cross product
    (index MCP - wrist) x (pinky MCP - wrist) points out of the palm of a right hand: a right palm shown
    to the camera, fingers up, has its index knuckle toward the image's right (the person's middle) and its
    pinky toward the left, so the product points to -z, the camera. A left hand is its mirror image, so
    the product points out of its back. `side` is the person's own (the body's), not the image's.
    """
    lm = np.asarray(lm, dtype=float)
    n = np.cross(lm[5] - lm[WRIST], lm[17] - lm[WRIST])
    n = -n if side == "left" else n
    return _unit(n)


def facing(normal: np.ndarray) -> str:
    """Which way the palm faces, in words: toward the camera, away, up, down or sideways."""
    _, y, z = normal
    if z < -0.6:
        return "camera"
    if z > 0.6:
        return "away"
    if y < -0.6:
        return "up"
    if y > 0.6:
        return "down"
    return "side"


def _sig(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(x, -30, 30))))


class _Measures(NamedTuple):
    """What the rules read off one hand's landmarks, measured once."""

    curl: np.ndarray
    palm: float
    thumb_out: float
    thumb_up: float
    thumb_above: float


def _measure(lm: np.ndarray) -> _Measures:
    curl = finger_curls(lm)
    palm = float(np.linalg.norm(lm[9] - lm[WRIST])) or 1.0  # in 3D: a hand seen end-on stays its size
    thumb_out = float(np.linalg.norm(lm[4] - lm[5]) / palm)
    thumb_up = float(-_unit(lm[4] - lm[2])[1])  # image up is -y; a thumb aimed at the camera is not up
    thumb_above = float((lm[[5, 9, 13, 17], 1].min() - lm[4, 1]) / palm)
    return _Measures(curl, palm, thumb_out, thumb_up, thumb_above)


def rule_scores(lm: np.ndarray, rules: StateRules | None = None) -> dict[str, float]:
    """The soft rules' score of each state (unnormalised, `other` is what the four others leave).

    Args:
        lm: (21, 3) landmarks in image pixels (x right, y down, z in the same units as x).
        rules: thresholds; defaults to `StateRules()`.
    """
    lm = np.asarray(lm, dtype=float)
    return _scores(lm, _measure(lm), rules or StateRules())


def thumb_allows_fist(lm: np.ndarray, rules: StateRules | None = None) -> float:
    """The rules' thumb test for a fist, 0..1: the thumb neither out nor away from the index and middle
    fingers (`(1 - out) * tucked` of `rule_scores`' fist). The learned model's "learned-thumb" reading
    calls no fist below 0.5 (a real thumbs-up seen end-on shows four closed fingers and a short thumb)."""
    lm = np.asarray(lm, dtype=float)
    out, _, tucked = _thumb(lm, _measure(lm), rules or StateRules())
    return (1.0 - out) * tucked


def _thumb(lm: np.ndarray, m: _Measures, r: StateRules) -> tuple[float, float, float]:
    """The thumb out, up, and tucked over the fingers (each 0..1)."""
    out = _sig((m.thumb_out - r.thumb_out) / 0.1)
    up = _sig((m.thumb_up - r.thumb_up) / 0.1) * _sig((m.thumb_above - r.thumb_above) / 0.1)
    tuck = float(np.linalg.norm(lm[TUCK] - lm[4], axis=1).min()) / m.palm
    tucked = 1.0 - r.tuck_weight * (1.0 - _sig((r.thumb_tuck - tuck) / 0.08))
    # the thumb sticks out when it is away from the index knuckle and straight; a thumb curled over the
    # fingers is part of the fist even when its tip lies far from the index knuckle (a fist seen low)
    out *= _sig((r.thumb_bent - m.curl[0]) / 0.1)
    return out, up, tucked


def _scores(lm: np.ndarray, m: _Measures, r: StateRules) -> dict[str, float]:
    curl = m.curl
    k = r.softness
    straight = np.array([_sig((r.straight - c) / k) for c in curl])
    closed = np.array([_sig((c - r.closed) / k) for c in curl])
    out, up, tucked = _thumb(lm, m, r)
    four_closed = float(np.prod(closed[1:]))
    if r.closed_by_mean:
        by_mean = _sig((float(np.mean(curl[1:])) - r.closed) / k)
        four_closed = (1.0 - r.closed_by_mean) * four_closed + r.closed_by_mean * by_mean
    four_straight = float(np.prod(straight[1:]))
    if r.open_by_mean:
        by_mean = _sig((r.straight - float(np.mean(curl[1:]))) / k)
        four_straight = (1.0 - r.open_by_mean) * four_straight + r.open_by_mean * by_mean
    p = {  # four closed fingers with a straight thumb out but not up is neither a fist nor a thumbs-up
        "fist": four_closed * (1.0 - out) * tucked,
        "thumb_up": four_closed * out * up,
        "point": float(straight[1] * np.prod(1.0 - straight[2:])),
        "open_palm": four_straight,
    }
    p["other"] = max(0.0, 1.0 - sum(p.values()))
    return p


def classify(lm: np.ndarray, side: str, rules: StateRules | None = None,
             world: np.ndarray | None = None) -> HandShape:  # fmt: skip
    """The shape and state of one hand, by the soft rules (`rule_scores`).

    Args:
        lm: (21, 3) landmarks in image pixels (x right, y down, z in the same units as x).
        side: "left" or "right": the person's own side (palm normal orientation).
        rules: thresholds; defaults to `StateRules()`.
        world: (21, 3) the hand model's world landmarks (metres); when given, the palm normal comes
            from them (they are less foreshortened).
    """
    lm = np.asarray(lm, dtype=float)
    m = _measure(lm)
    use_world = world is not None and np.isfinite(world).all()
    normal = palm_normal(np.asarray(world, dtype=float) if use_world else lm, side)
    p = _scores(lm, m, rules or StateRules())
    total = sum(p.values())  # at least 1: `other` takes what the four states leave of 1
    state = max(p, key=lambda key: p[key])
    return HandShape(m.curl, m.thumb_out, m.thumb_up, normal, facing(normal), state, p[state] / total)
