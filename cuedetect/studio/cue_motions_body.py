"""How each style of the body cues moves: arms crossed, hands on hips, hands hidden, bladed, leaning in.

One function per style, `MotionContext -> PoseParams`, written like `cue_motions_hands`. `classic(cue)`
wraps the studio's original pose of any cue as one more style.
"""

from __future__ import annotations

import numpy as np

from cuedetect.studio.cue_poses import cue_pose
from cuedetect.studio.motion_kit import SIGN, MotionContext, set_arm, wave
from cuedetect.studio.pose import PoseParams


def classic(cue: str):
    """The studio's original pose for `cue` (the old corpus's only style)."""

    def motion(c: MotionContext) -> PoseParams:
        return cue_pose(cue, c.base, c.pr, c.hand, c.toward)

    motion.__name__ = f"classic_{cue}"
    return motion


# ---------------------------------------------------------------- arms crossed
def _crossed(c: MotionContext, z: float, depth: float, spread: float, curl: float) -> PoseParams:
    p = c.base.copy()
    sx = c.pr.shoulder_x
    set_arm(p, 0, [spread * sx, depth, z], [-1.0, 0.2, -0.6], curl=curl)
    set_arm(p, 1, [-spread * sx * 0.9, depth + 0.04, z + 0.04], [1.0, 0.2, -0.6], curl=curl)
    return p


def crossed_high(c: MotionContext) -> PoseParams:
    return _crossed(c, c.pr.shoulder_z - c.param("drop", 0.17), 0.14, 0.75, 0.5)


def crossed_low(c: MotionContext) -> PoseParams:
    return _crossed(c, c.mid_torso + c.param("height"), 0.20, 0.55, 0.6)


def crossed_tucked(c: MotionContext) -> PoseParams:
    """Hands tucked under the opposite armpits."""
    return _crossed(c, c.pr.shoulder_z - c.param("drop", 0.16), 0.07, 0.95, 0.85)


def crossed_grip_elbows(c: MotionContext) -> PoseParams:
    """Forearms level, each hand gripping the opposite elbow."""
    p = _crossed(c, c.pr.shoulder_z - c.param("drop", 0.30), 0.16, 1.15, 0.7)
    p.elbow_pole[:, 2] = -0.3
    return p


def crossed_lean_back(c: MotionContext) -> PoseParams:
    """Arms folded, weight back, chin up."""
    p = _crossed(c, c.pr.shoulder_z - 0.24, 0.16, 0.7, 0.6)
    p.lean -= c.param("lean", 0.1)
    p.head_pitch -= 0.12  # chin up
    p.sway += c.param("sway", 0.03)
    return p


# ---------------------------------------------------------------- hands on hips
def _on_hips(c: MotionContext, dz: float, dy: float, dx: float, pole_y: float, curl: float) -> PoseParams:
    p = c.base.copy()
    for s in (0, 1):
        set_arm(
            p,
            s,
            [SIGN[s] * (c.pr.hip_x + dx), dy, c.pr.hip_z + dz],
            [SIGN[s] * 1.0, pole_y, 0.0],
            curl=curl,
        )
    return p


def hips_fists(c: MotionContext) -> PoseParams:
    return _on_hips(c, 0.10 + c.param("height"), -0.02, 0.09, -0.3, 1.0)


def hips_forward(c: MotionContext) -> PoseParams:
    """Hands on the front of the hip bones, elbows out and forward."""
    return _on_hips(c, 0.09 + c.param("height"), 0.07, 0.03, 0.4, 0.3)


def hips_low(c: MotionContext) -> PoseParams:
    return _on_hips(c, 0.02 + c.param("height"), -0.01, 0.10, -0.2, 0.4)


def hips_waist(c: MotionContext) -> PoseParams:
    """Hands high on the waist, elbows back."""
    return _on_hips(c, 0.19 + c.param("height"), -0.03, 0.06, -0.8, 0.3)


def hips_cocked(c: MotionContext) -> PoseParams:
    """Hands on hips, one hip cocked, chest forward."""
    p = _on_hips(c, 0.10, -0.01, 0.08, -0.5, 0.5)
    p.sway += c.param("sway", 0.05)
    p.lean += c.param("lean", 0.08)
    p.pelvis_drop += 0.02
    return p


# ---------------------------------------------------------------- hands hidden behind the back
def _behind(c: MotionContext, dz: float, dy: float, dx: float, pole_x: float = 1.0) -> PoseParams:
    p = c.base.copy()
    for s in (0, 1):
        set_arm(p, s, [SIGN[s] * dx, dy, c.pr.hip_z + dz], [SIGN[s] * pole_x, -0.4, 0.0], curl=0.4)
    return p


def hidden_clasped_low(c: MotionContext) -> PoseParams:
    return _behind(c, c.param("height", -0.02), -0.21, 0.05)


def hidden_clasped_high(c: MotionContext) -> PoseParams:
    return _behind(c, c.param("height", 0.16), -0.22, 0.07)


def hidden_wrist_grip(c: MotionContext) -> PoseParams:
    """One hand holds the other wrist behind the back (uneven)."""
    p = _behind(c, 0.02, -0.22, 0.04)
    p.wrist[1] += [-0.05, 0.0, 0.04]
    return p


def hidden_back_pockets(c: MotionContext) -> PoseParams:
    return _behind(c, c.param("height", -0.07), -0.15, c.pr.hip_x - 0.02)


def hidden_elbows_out(c: MotionContext) -> PoseParams:
    """Hands behind at the middle of the back, elbows flared wide."""
    return _behind(c, 0.24 + c.param("height"), -0.2, 0.06, pole_x=1.6)


def hidden_turned(c: MotionContext) -> PoseParams:
    """Hands behind the back with a forward lean of the chin, the body half-turned."""
    p = _behind(c, 0.05, -0.22, 0.06)
    p.lean += c.param("lean", 0.08)
    return p


# ---------------------------------------------------------------- bladed stance
def _bladed(
    c: MotionContext, turn_deg: float, front: float, back: float, width: float, drop: float
) -> PoseParams:
    p = c.base.copy()
    lead = c.sides[0]
    turn = np.radians(turn_deg) * (1.0 if lead == 0 else -1.0)
    p.heading += turn
    p.head_yaw -= turn
    hx = c.pr.hip_x
    p.ankle[lead] = [SIGN[lead] * (hx + width), front, 0.075]
    p.ankle[1 - lead] = [SIGN[1 - lead] * (hx + width + 0.02), -back, 0.075]
    p.pelvis_drop += drop
    return p


def bladed_deep(c: MotionContext) -> PoseParams:
    return _bladed(c, c.param("turn", 60), 0.36, 0.24, 0.05, 0.06)


def bladed_shallow(c: MotionContext) -> PoseParams:
    return _bladed(c, c.param("turn", 35), 0.24, 0.14, 0.03, 0.02)


def bladed_hands_low(c: MotionContext) -> PoseParams:
    """Bladed with the hands low in front, one holding the other wrist."""
    p = _bladed(c, c.param("turn", 45), 0.3, 0.18, 0.04, 0.03)
    z = c.pr.hip_z - 0.02
    set_arm(p, 0, [0.03, 0.2, z], [-1.0, -0.3, -0.5], curl=0.4)
    set_arm(p, 1, [-0.02, 0.21, z + 0.02], [1.0, -0.3, -0.5], curl=0.4)
    return p


def bladed_step_back(c: MotionContext) -> PoseParams:
    """Bladed by stepping the rear foot far back, weight back."""
    p = _bladed(c, c.param("turn", 48), 0.12, 0.42, 0.04, 0.05)
    p.lean -= 0.05
    return p


def bladed_wide(c: MotionContext) -> PoseParams:
    """A wide, low bladed stance with the head pushed forward."""
    p = _bladed(c, c.param("turn", 48), 0.3, 0.22, 0.14, 0.08)
    p.head_pitch -= 0.1
    return p


def bladed_rocking(c: MotionContext) -> PoseParams:
    """Bladed, rocking the weight from the back foot to the front foot."""
    p = _bladed(c, c.param("turn", 45), 0.32, 0.2, 0.05, 0.04)
    p.lean += 0.08 * wave(c.t, c.param("freq", 0.8))
    return p


# ---------------------------------------------------------------- leaning in
def lean_slight(c: MotionContext) -> PoseParams:
    p = c.base.copy()
    p.lean += c.param("lean", 0.4)
    p.head_pitch -= 0.15
    return p


def lean_deep(c: MotionContext) -> PoseParams:
    p = c.base.copy()
    p.lean += c.param("lean", 0.58)
    p.head_pitch -= 0.35
    p.wrist = p.wrist + [0.0, 0.3, 0.12]
    return p


def lean_step_in(c: MotionContext) -> PoseParams:
    """A step toward the other with the upper body leaning after it."""
    p = c.base.copy()
    lead = c.sides[0]
    p.ankle[lead, 1] += c.param("step", 0.28)
    p.lean += 0.4
    p.head_pitch -= 0.2
    p.wrist = p.wrist + [0.0, 0.2, 0.04]
    return p


def lean_neck(c: MotionContext) -> PoseParams:
    """A moderate lean with the head craned forward."""
    p = c.base.copy()
    p.lean += c.param("lean", 0.4)
    p.head_pitch -= 0.45
    return p


def lean_twist(c: MotionContext) -> PoseParams:
    """Leaning in with the shoulders twisted, one shoulder leading."""
    p = c.base.copy()
    p.lean += c.param("lean", 0.42)
    p.twist += c.param("twist", 0.3) * (1 if c.hand == "right" else -1)
    p.head_pitch -= 0.2
    return p


def lean_bob(c: MotionContext) -> PoseParams:
    """Leaning in and out again and again, never upright."""
    p = c.base.copy()
    p.lean += c.param("lean", 0.5) + 0.08 * wave(c.t, c.param("freq", 0.7))
    p.head_pitch -= 0.2
    return p
