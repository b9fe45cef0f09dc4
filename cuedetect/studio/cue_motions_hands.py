"""How each style of the hand and arm cues moves: pointing, hands raised, fists up, open hands.

One function per style, `MotionContext -> PoseParams`. Each starts from the context's base pose, keeps
position, heading and feet unless the style is about them, and reads its continuous parameters from
`c.params` (ranges in `styles.CUE_STYLES`). Moving styles (a jabbing point, jumping jacks, big arm arcs)
move with `c.t`; the choreography only blends the result in and out. Labels of moving styles come from
`styles.Style.active` (`jack_active`, `arcs_active` here).
"""

from __future__ import annotations

import numpy as np

from cuedetect.studio.motion_kit import SIGN, MotionContext, aim, arc, pulse, set_arm, shoulder, wave
from cuedetect.studio.pose import PoseParams


# ---------------------------------------------------------------- pointing (one hand toward the other)
def _point_at(c: MotionContext, reach: float, lift: float = 0.0, pole_z: float = -1.0) -> PoseParams:
    p = c.base.copy()
    s = c.sides[0]
    target = c.toward + [0.0, 0.0, lift]
    set_arm(p, s, aim(c.pr, s, target, reach), [SIGN[s] * 0.3, 0.0, pole_z], curl=1.0, point=1.0)
    return p


def point_straight(c: MotionContext) -> PoseParams:
    return _point_at(c, c.param("reach", 0.96), c.param("lift"))


def point_bent(c: MotionContext) -> PoseParams:
    """A short, bent-elbow point at chest height (close range)."""
    p = _point_at(c, c.param("reach", 0.68), c.param("lift"), pole_z=-0.6)
    s = c.sides[0]
    p.elbow_pole[s] = [SIGN[s] * 0.7, -0.3, -1.0]
    return p


def point_jab(c: MotionContext) -> PoseParams:
    """Jabbing: the pointing hand thrusts toward the other and back, `freq` times a second."""
    amp, freq = c.param("amp", 0.12), c.param("freq", 2.0)
    reach = 0.96 - amp / c.pr.arm * pulse(max(c.t_hold, 0.0), freq)
    return _point_at(c, reach, c.param("lift"))


def point_lean(c: MotionContext) -> PoseParams:
    """Pointing while leaning in behind the arm, shoulders twisted into it."""
    p = _point_at(c, 0.95, c.param("lift"))
    p.lean += c.param("lean", 0.2)
    p.twist += -SIGN[c.sides[0]] * c.param("twist", 0.2)
    return p


def point_cross_body(c: MotionContext) -> PoseParams:
    """Body turned away from the pointing arm, which crosses in front of the chest toward the other."""
    p = _point_at(c, 0.93, c.param("lift"))
    s = c.sides[0]
    p.twist += SIGN[s] * 0.25
    p.elbow_pole[s] = [SIGN[s] * 0.1, -0.5, -1.0]
    return p


def point_raised(c: MotionContext) -> PoseParams:
    """The hand raised above the shoulder, pointing down at the other's face."""
    p = c.base.copy()
    s = c.sides[0]
    sh = shoulder(c.pr, s)
    d = c.toward + [0.0, 0.0, 0.25] - sh
    d[2] = 0.0
    d = d / max(float(np.linalg.norm(d)), 1e-6)
    wrist = sh + 0.85 * c.pr.arm * d + [0.0, 0.0, c.param("rise", 0.18)]
    set_arm(p, s, wrist, [SIGN[s] * 0.5, -0.2, -1.0], curl=1.0, point=1.0)
    return p


# ---------------------------------------------------------------- hands raised
def raised_surrender(c: MotionContext) -> PoseParams:
    """Hands up at head height, palms out, elbows bent."""
    p = c.base.copy()
    for s in c.sides:
        wrist = [
            SIGN[s] * (c.pr.shoulder_x + c.param("spread", 0.08)),
            0.15,
            c.pr.shoulder_z + c.param("rise", 0.25),
        ]
        set_arm(p, s, wrist, [SIGN[s] * 1.0, 0.0, -1.0], curl=0.0)
    return p


def raised_overhead(c: MotionContext) -> PoseParams:
    """Straight arm(s) reaching overhead."""
    p = c.base.copy()
    for s in c.sides:
        set_arm(
            p, s, arc(c.pr, s, np.radians(c.param("angle", 165)), forward=0.2), [SIGN[s], 0.0, 0.0], curl=0.2
        )
    return p


def raised_thrown_up(c: MotionContext) -> PoseParams:
    """Arms thrown up and out (exasperation): brief, fast."""
    p = c.base.copy()
    for s in c.sides:
        set_arm(
            p,
            s,
            arc(c.pr, s, np.radians(c.param("angle", 140)), forward=0.35),
            [SIGN[s], -0.3, -0.5],
            curl=0.1,
        )
    return p


def raised_fist_shake(c: MotionContext) -> PoseParams:
    """A fist raised above the head, shaken."""
    p = c.base.copy()
    shake = c.param("amp", 0.06) * wave(c.t, c.param("freq", 4.0))
    for s in c.sides:
        sh = shoulder(c.pr, s)
        set_arm(p, s, sh + [SIGN[s] * 0.08, 0.12, 0.38 + shake], [SIGN[s], 0.3, -0.6], curl=1.0)
    return p


def _jack_angle(t: float, params: dict) -> float:
    return np.radians(params.get("top", 170.0)) * pulse(t, params.get("freq", 1.0))


def raised_jumping_jack(c: MotionContext) -> PoseParams:
    """Jumping jacks: both straight arms swing from the sides to overhead while the feet jump apart."""
    p = c.base.copy()
    t = max(c.t_hold, 0.0)
    angle = _jack_angle(t, c.params)
    for s in (0, 1):
        set_arm(p, s, arc(c.pr, s, angle), [SIGN[s], 0.0, 0.0], curl=0.1)
        p.ankle[s, 0] = SIGN[s] * (c.pr.hip_x + 0.01 + 0.22 * pulse(t, c.params.get("freq", 1.0)))
    p.pelvis_drop -= 0.04 * np.sin(2 * np.pi * c.params.get("freq", 1.0) * 2 * t).clip(0)
    return p


def jack_active(t: float, transition: float, hold: float, params: dict) -> bool:
    """Hands above the shoulders (arm more than 100 degrees up)."""
    return bool(_jack_angle(max(t - transition, 0.0), params) > np.radians(100))


def _pump_angle(t: float, params: dict) -> float:
    return np.radians(params.get("top", 165.0)) * pulse(t, params.get("freq", 1.0))


def raised_pumping(c: MotionContext) -> PoseParams:
    """Fists pumped up over the head again and again (cheering, or working up a crowd), elbows bending."""
    p = c.base.copy()
    angle = _pump_angle(max(c.t_hold, 0.0), c.params)
    for s in c.sides:
        set_arm(p, s, arc(c.pr, s, angle, forward=0.7, reach=0.85), [SIGN[s], -0.2, -0.6], curl=1.0)
    return p


def pump_active(t: float, transition: float, hold: float, params: dict) -> bool:
    return bool(_pump_angle(max(t - transition, 0.0), params) > np.radians(100))


def _arcs_angle(t: float, params: dict) -> float:
    return np.radians(params.get("top", 175.0)) * pulse(t, params.get("freq", 0.6))


def raised_arm_arcs(c: MotionContext) -> PoseParams:
    """Both arms swept in big arcs from the sides up over the head and down again, slightly forward."""
    p = c.base.copy()
    angle = _arcs_angle(max(c.t_hold, 0.0), c.params)
    for s in (0, 1):
        set_arm(p, s, arc(c.pr, s, angle, forward=0.5), [SIGN[s], -0.2, 0.0], curl=0.0)
    return p


def arcs_active(t: float, transition: float, hold: float, params: dict) -> bool:
    return bool(_arcs_angle(max(t - transition, 0.0), params) > np.radians(100))


# ---------------------------------------------------------------- fists up (guard)
def _guard(c: MotionContext, dx: float, dy: float, dz: float, pole_x: float = 0.5) -> PoseParams:
    p = c.base.copy()
    for s in (0, 1):
        set_arm(p, s, [SIGN[s] * dx, dy, c.pr.shoulder_z + dz], [SIGN[s] * pole_x, 0.0, -1.0], curl=1.0)
    return p


def guard_high(c: MotionContext) -> PoseParams:
    return _guard(c, 0.11, 0.22, c.param("height", 0.15), 0.3)


def guard_low(c: MotionContext) -> PoseParams:
    return _guard(c, 0.15, 0.34, c.param("height", -0.06), 0.6)


def guard_turned(c: MotionContext) -> PoseParams:
    """A guard with the lead fist forward and the body a little turned (no staggered feet)."""
    p = _guard(c, 0.11, 0.26, 0.08)
    lead = c.sides[0]
    p.wrist[lead, 1] += 0.10
    p.twist += -SIGN[lead] * c.param("twist", 0.25)
    return p


def guard_bouncing(c: MotionContext) -> PoseParams:
    """A guard on bouncing feet: the body bobs and the fists circle a little."""
    p = _guard(c, 0.12, 0.28, 0.06)
    f = c.param("freq", 2.0)
    p.pelvis_drop += 0.02 + 0.02 * wave(c.t, f)
    p.wrist[:, 2] += 0.03 * wave(c.t, f, 1.0)
    return p


def guard_peekaboo(c: MotionContext) -> PoseParams:
    """Fists close together in front of the face."""
    return _guard(c, 0.055, 0.20, c.param("height", 0.24), 0.2)


def guard_jabbing(c: MotionContext) -> PoseParams:
    """A guard from which the lead hand jabs straight out and back."""
    p = _guard(c, 0.11, 0.25, 0.10)
    lead = c.sides[0]
    ext = pulse(max(c.t_hold, 0.0), c.param("freq", 1.2)) ** 3
    sh = shoulder(c.pr, lead)
    out = aim(c.pr, lead, c.toward + [0.0, 0.0, 0.2], 0.95)
    p.wrist[lead] = (1 - ext) * p.wrist[lead] + ext * out
    p.wrist[lead] = np.where(np.isfinite(p.wrist[lead]), p.wrist[lead], sh)
    return p


# ---------------------------------------------------------------- open hands (de-escalation)
def _palms(c: MotionContext, dx: float, dy: float, z: float, twist: float = 0.0) -> PoseParams:
    p = c.base.copy()
    for s in (0, 1):
        set_arm(p, s, [SIGN[s] * (c.pr.shoulder_x + dx), dy, z], [SIGN[s], -0.6, -1.0], curl=0.0)
        p.forearm_twist[s] = SIGN[s] * twist
    return p


def palms_low(c: MotionContext) -> PoseParams:
    return _palms(c, c.param("spread", 0.12), 0.25, c.pr.hip_z + c.param("height", 0.15), 0.6)


def palms_calming(c: MotionContext) -> PoseParams:
    """Palms down and forward, patting the air slowly (calm down)."""
    p = _palms(c, 0.0, 0.32, c.mid_torso, -0.8)
    p.wrist[:, 2] += c.param("amp", 0.04) * wave(c.t, c.param("freq", 1.0))
    return p


def palms_presenting(c: MotionContext) -> PoseParams:
    """Palms up, forearms forward at chest height, close together."""
    return _palms(c, -0.06, 0.36, c.mid_torso + c.param("height", 0.08), 1.2)


def palms_stop(c: MotionContext) -> PoseParams:
    """Palm(s) shown to the other at chest height, elbows bent (a calm 'stop')."""
    p = c.base.copy()
    for s in c.sides:
        set_arm(
            p,
            s,
            [SIGN[s] * (c.pr.shoulder_x - 0.04), 0.30, c.pr.shoulder_z - c.param("drop", 0.12)],
            [SIGN[s], -0.6, -1.0],
            curl=0.0,
        )
    return p


def palms_wide(c: MotionContext) -> PoseParams:
    """Arms opened wide at waist height, palms up."""
    return _palms(c, c.param("spread", 0.3), 0.2, c.pr.hip_z + 0.12, 1.2)


def palms_uneven(c: MotionContext) -> PoseParams:
    """Both palms open in front, one clearly higher and further forward than the other."""
    p = _palms(c, 0.02, 0.26, c.mid_torso, 0.4)
    hi = c.sides[0]
    p.wrist[hi] += [0.0, 0.08, c.param("offset", 0.1)]
    p.wrist[1 - hi, 2] -= 0.06
    return p
