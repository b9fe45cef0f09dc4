"""Small helpers the style and negative motions are written with (body frame: x right, y forward, z up).

A motion gets a `MotionContext`: the pose it starts from (neutral stance, idle motion and gait already in
it), the body's proportions, where the other person is, the time since the action began and the drawn
parameters. It returns the target pose; the choreography blends it in and out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cuedetect.studio import hand_shapes
from cuedetect.studio.cue_poses import Proportions
from cuedetect.studio.pose import PoseParams

SIGN = np.array([-1.0, 1.0])  # index 0 = the person's left (-x), 1 = right
SIDES = {"left": (0,), "right": (1,), "both": (0, 1)}


@dataclass
class MotionContext:
    """What a motion needs to know at one instant."""

    base: PoseParams
    pr: Proportions
    toward: np.ndarray  # the other person's chest, in this body's frame (after any off-axis turn)
    t: float  # seconds since the action began (the pose is reached at `transition`)
    transition: float
    hold: float
    hand: str = "right"
    params: dict = field(default_factory=dict)

    @property
    def sides(self) -> tuple[int, ...]:
        return SIDES[self.hand]

    @property
    def t_hold(self) -> float:
        """Seconds since the pose was reached (negative while blending in)."""
        return self.t - self.transition

    def param(self, name: str, default: float = 0.0) -> float:
        return float(self.params.get(name, default))

    @property
    def mid_torso(self) -> float:
        return self.pr.hip_z + 0.5 * (self.pr.shoulder_z - self.pr.hip_z)


def shoulder(pr: Proportions, side: int) -> np.ndarray:
    return np.array([SIGN[side] * pr.shoulder_x, 0.02, pr.shoulder_z])


def aim(pr: Proportions, side: int, target: np.ndarray, reach: float) -> np.ndarray:
    """The wrist `reach` (fraction of arm length) along the line from this shoulder to `target`."""
    s = shoulder(pr, side)
    d = np.asarray(target, dtype=float) - s
    return s + reach * pr.arm * d / max(float(np.linalg.norm(d)), 1e-6)


def arc(pr: Proportions, side: int, angle: float, forward: float = 0.0, reach: float = 0.97) -> np.ndarray:
    """The wrist on a straight arm swung `angle` radians up from hanging, in the frontal plane.

    `forward` tilts the swing plane toward the front (radians).
    """
    s = shoulder(pr, side)
    lateral, vertical = np.sin(angle), -np.cos(angle)
    d = np.array([SIGN[side] * lateral * np.cos(forward), np.sin(forward) * lateral, vertical])
    return s + reach * pr.arm * d / np.linalg.norm(d)


def wave(t: float, freq: float, phase: float = 0.0) -> float:
    """A sine in -1..1."""
    return float(np.sin(2 * np.pi * freq * t + phase))


def pulse(t: float, freq: float) -> float:
    """0 at t = 0, up to 1 half a period later, back to 0: 0.5 - 0.5 cos."""
    return float(0.5 - 0.5 * np.cos(2 * np.pi * freq * t))


def set_arm(p: PoseParams, side: int, wrist, pole, curl: float | None = None, point: float | None = None):
    """Place one wrist (IK does the rest) and shape its hand.

    `point` > 0.5 gives the pointing hand (index out); otherwise `curl` 1 is a fist, 0 an open palm and
    anything between the same curl on every finger (relaxed, gripping), as `hand_shapes` reads them.
    """
    p.wrist[side] = np.asarray(wrist, dtype=float)
    p.elbow_pole[side] = np.asarray(pole, dtype=float)
    if point is not None and point > 0.5:
        p.fingers[side] = hand_shapes.shape("point")
    elif curl is not None:
        named = "fist" if curl >= 1.0 else "open_palm" if curl <= 0.0 else None
        p.fingers[side] = hand_shapes.shape(named) if named else np.full(5, float(curl))


def head_hand(pr: Proportions, side: int, where: str) -> np.ndarray:
    """A hand target at a spot on the head: "top", "ear", "eyes", "mouth", "nape", "chin"."""
    sz = pr.shoulder_z  # the wrist sits about a hand's length below the fingertips on the spot
    head = {
        "top": [SIGN[side] * 0.07, 0.02, sz + 0.25],
        "ear": [SIGN[side] * 0.11, 0.03, sz + 0.11],
        "eyes": [SIGN[side] * 0.05, 0.14, sz + 0.12],
        "mouth": [SIGN[side] * 0.03, 0.15, sz + 0.05],
        "chin": [SIGN[side] * 0.02, 0.13, sz + 0.01],
        "nape": [SIGN[side] * 0.05, -0.09, sz + 0.10],
    }[where]
    return np.asarray(head, dtype=float)
