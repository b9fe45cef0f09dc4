"""Everyday actions that are not cues (hard negatives): one function per action, like the cue styles.

They are labelled as no cue at all. Several are built to resemble a cue on purpose: a hand handing
something over looks like pointing, hands in the front pockets like hands on hips, a thumbs-up like a
guard, clapping and talking like open hands, a hand at the ear or head like a raised hand.
"""

from __future__ import annotations

import numpy as np

from cuedetect.studio import hand_shapes
from cuedetect.studio.motion_kit import SIGN, MotionContext, aim, head_hand, pulse, set_arm, shoulder, wave
from cuedetect.studio.pose import PoseParams


def _one(c: MotionContext) -> int:
    return c.sides[0]


def waving(c: MotionContext) -> PoseParams:
    """A friendly wave at chest-to-shoulder height: forearm up, the hand swinging side to side."""
    p = c.base.copy()
    s = _one(c)
    sh = shoulder(c.pr, s)
    swing = c.param("amp", 0.07) * wave(c.t, c.param("freq", 2.5))
    wrist = sh + [SIGN[s] * 0.12 + swing, 0.2, -c.param("drop", 0.08)]
    set_arm(p, s, wrist, [SIGN[s], -0.3, -1.0], curl=0.0)
    return p


def handing_over(c: MotionContext) -> PoseParams:
    """Holding an object out to the other person at waist-to-chest height, elbow a little bent."""
    p = c.base.copy()
    s = _one(c)
    target = c.toward + [0.0, 0.0, -c.param("low", 0.35)]
    set_arm(p, s, aim(c.pr, s, target, c.param("reach", 0.85)), [SIGN[s] * 0.4, 0.0, -1.0], curl=0.6)
    p.lean += 0.06
    return p


def taking_object(c: MotionContext) -> PoseParams:
    """Reaching out to take something, then bringing it back to the chest."""
    p = c.base.copy()
    s = _one(c)
    out = aim(c.pr, s, c.toward + [0.0, 0.0, -0.4], 0.88)
    home = np.array([SIGN[s] * 0.1, 0.2, c.mid_torso + 0.05])
    k = min(max(c.t_hold / max(c.hold, 1e-3), 0.0), 1.0)
    set_arm(p, s, (1 - k) * out + k * home, [SIGN[s] * 0.6, -0.4, -1.0], curl=0.7)
    return p


def reaching_down(c: MotionContext) -> PoseParams:
    """Reaching down to the floor beside the feet (picking something up)."""
    p = c.base.copy()
    s = _one(c)
    p.lean += c.param("lean", 0.7)
    p.pelvis_drop += 0.1
    set_arm(p, s, [SIGN[s] * 0.25, 0.55, c.pr.hip_z - 0.35], [SIGN[s], -0.3, 0.0], curl=0.3)
    return p


def bending_down(c: MotionContext) -> PoseParams:
    """Bending down with both hands toward the shoes (tying a lace)."""
    p = c.base.copy()
    p.lean += c.param("lean", 0.95)
    p.pelvis_drop += c.param("knees", 0.18)
    for s in (0, 1):
        set_arm(p, s, [SIGN[s] * 0.08, 0.45, 0.35], [SIGN[s], -0.2, 0.0], curl=0.5)
    return p


def _at_head(c: MotionContext, where: str, curl: float, jiggle: float = 0.0) -> PoseParams:
    p = c.base.copy()
    s = _one(c)
    target = head_hand(c.pr, s, where) + [0.0, 0.0, jiggle]
    set_arm(p, s, target, [SIGN[s] * 1.0, 0.2, -1.0], curl=curl)
    return p


def scratching_head(c: MotionContext) -> PoseParams:
    return _at_head(c, "top", 0.5, 0.015 * wave(c.t, c.param("freq", 4.0)))


def adjusting_hair(c: MotionContext) -> PoseParams:
    """A hand pushing the hair back behind the ear, twice."""
    p = _at_head(c, "ear", 0.2)
    s = _one(c)
    p.wrist[s, 1] -= 0.06 * pulse(max(c.t_hold, 0.0), c.param("freq", 0.8))
    return p


def adjusting_glasses(c: MotionContext) -> PoseParams:
    return _at_head(c, "eyes", 0.7, 0.01 * wave(c.t, 0.7))


def phone_to_ear(c: MotionContext) -> PoseParams:
    p = _at_head(c, "ear", 0.8)
    p.head_yaw += 0.2 * SIGN[_one(c)]
    return p


def drinking(c: MotionContext) -> PoseParams:
    """Sips from a cup: the hand goes to the mouth and back to the chest."""
    p = c.base.copy()
    s = _one(c)
    cup = np.array([SIGN[s] * 0.12, 0.25, c.mid_torso + 0.08])
    mouth = head_hand(c.pr, s, "mouth")
    k = pulse(max(c.t_hold, 0.0), c.param("freq", 0.35))
    set_arm(p, s, (1 - k) * cup + k * mouth, [SIGN[s], -0.2, -1.0], curl=0.8)
    p.head_pitch -= 0.2 * k  # the head tips back to drink
    return p


def talking_gestures(c: MotionContext) -> PoseParams:
    """Loose, ever-moving hand gestures while talking: beats, small circles, one hand more than the other."""
    p = c.base.copy()
    f = c.param("freq", 1.3)
    for s in (0, 1):
        amp = 1.0 if s == _one(c) else 0.5
        z = c.pr.hip_z + 0.12 + amp * (0.12 + 0.07 * wave(c.t, f, s * 1.7))
        x = SIGN[s] * (c.pr.shoulder_x + 0.04 + 0.06 * amp * wave(c.t, 0.6 * f, 0.4 + s))
        set_arm(p, s, [x, 0.18 + 0.08 * amp * pulse(c.t, 0.8 * f), z], [SIGN[s], -0.5, -1.0], curl=0.35)
        p.forearm_twist[s] = SIGN[s] * 0.6 * (0.5 + 0.5 * wave(c.t, 0.5 * f, s))
    return p


def hands_in_pockets(c: MotionContext) -> PoseParams:
    """Hands in the front trouser pockets, elbows relaxed."""
    p = c.base.copy()
    for s in (0, 1):
        set_arm(
            p,
            s,
            [SIGN[s] * (c.pr.hip_x + 0.02), 0.08, c.pr.hip_z - c.param("depth", 0.08)],
            [SIGN[s], -0.6, 0.0],
            curl=0.6,
        )
    return p


def clapping(c: MotionContext) -> PoseParams:
    """Clapping in front of the belly: hands apart and together about `freq` times a second."""
    p = c.base.copy()
    k = pulse(max(c.t_hold, 0.0), c.param("freq", 1.6))
    z = c.mid_torso + c.param("height", 0.0)
    for s in (0, 1):
        set_arm(p, s, [SIGN[s] * (0.03 + 0.22 * (1 - k)), 0.3, z], [SIGN[s], -0.5, -1.0], curl=0.0)
    return p


def rubbing_hands(c: MotionContext) -> PoseParams:
    """Rubbing the hands together in front of the chest (cold, or nervous)."""
    p = c.base.copy()
    rub = 0.03 * wave(c.t, c.param("freq", 2.5))
    for s in (0, 1):
        set_arm(
            p, s, [SIGN[s] * 0.03, 0.27 + SIGN[s] * rub, c.mid_torso + 0.05], [SIGN[s], -0.5, -1.0], curl=0.2
        )
    return p


def thumbs_up(c: MotionContext) -> PoseParams:
    """A thumbs-up held out in front of the chest (the hand-shape gesture), a little lower or higher."""
    p = hand_shapes.thumb_up_pose(c.base, c.pr, [_one(c)])
    p.wrist[_one(c), 2] += 0.1 - c.param("drop", 0.18)
    return p


def stretching(c: MotionContext) -> PoseParams:
    """Arms pushed straight forward at chest height, fingers laced, then a slow twist of the trunk."""
    p = c.base.copy()
    for s in (0, 1):
        sh = shoulder(c.pr, s)
        set_arm(p, s, sh + [-SIGN[s] * 0.12, 0.9 * c.pr.arm, -0.12], [SIGN[s], 0.0, -1.0], curl=0.3)
    p.twist += c.param("twist", 0.35) * wave(max(c.t_hold, 0.0), 0.3)
    return p


def checking_watch(c: MotionContext) -> PoseParams:
    """The wrist brought up in front of the chest, the head bowed to read the watch."""
    p = c.base.copy()
    s = _one(c)
    set_arm(p, s, [SIGN[s] * 0.02, 0.3, c.mid_torso + 0.12], [SIGN[s], -0.6, -1.0], curl=0.4)
    p.head_pitch += 0.35
    return p


def walking_past(c: MotionContext) -> PoseParams:
    """Walking through the room: the gait is the walk the scenario schedules; nothing else moves."""
    return c.base.copy()
