"""What each scripted cue looks like: a neutral stance with idle motion, and a target pose per cue.

Targets are written relative to the body's own landmarks (shoulder height, hip height, arm length), so
the same script fits a 1.55 m and a 1.95 m person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cuedetect import cue_ids
from cuedetect.studio import hand_shapes
from cuedetect.studio.body import Body
from cuedetect.studio.pose import PoseParams

# cues the studio can act out as a held pose (the others come from movement: pacing, approach, distance)
POSTURE_CUES = cue_ids.POSTURE_CUES
MOVEMENT_CUES = ("pacing",)
PAIR_CUES = tuple(c for c in cue_ids.CUES if c in cue_ids.PAIR_CUES)
ALL_CUES = (*POSTURE_CUES, *MOVEMENT_CUES, *PAIR_CUES)


@dataclass(frozen=True)
class Proportions:
    """The few body measures cue poses are written in."""

    shoulder_x: float
    shoulder_z: float
    hip_x: float
    hip_z: float
    arm: float  # shoulder to wrist, straight

    @classmethod
    def of(cls, body: Body) -> Proportions:
        sh = body.heads[body.bone("upperarm01.R")]
        el = body.heads[body.bone("lowerarm01.R")]
        wr = body.heads[body.bone("wrist.R")]
        hip = body.heads[body.bone("upperleg01.R")]
        return cls(
            float(sh[0]),
            float(sh[2]),
            float(hip[0]),
            float(hip[2]),
            float(np.linalg.norm(el - sh) + np.linalg.norm(wr - el)),
        )


def _sided(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.stack([np.asarray(left, dtype=float), np.asarray(right, dtype=float)])


def neutral(pr: Proportions) -> PoseParams:
    """Standing relaxed: arms hanging, a slight elbow bend, feet under the hips."""
    p = PoseParams()
    drop = 0.93 * pr.arm
    p.wrist = _sided(
        [-(pr.shoulder_x + 0.06), 0.04, pr.shoulder_z - drop],
        [pr.shoulder_x + 0.06, 0.04, pr.shoulder_z - drop],
    )
    p.elbow_pole = _sided([-0.4, -1.0, 0.0], [0.4, -1.0, 0.0])
    p.ankle = _sided([-(pr.hip_x + 0.01), 0.0, 0.075], [pr.hip_x + 0.01, 0.0, 0.075])
    p.fingers = np.stack([hand_shapes.shape("relaxed")] * 2)
    return p


def idle(p: PoseParams, t: float, phase: np.ndarray) -> PoseParams:
    """Breathing, weight shift, small hand and head movement: so neutral is not a statue."""
    q = p.copy()
    q.lean += 0.015 * np.sin(2 * np.pi * 0.25 * t + phase[0])
    q.sway += 0.018 * np.sin(2 * np.pi * 0.09 * t + phase[1])
    q.head_yaw += 0.06 * np.sin(2 * np.pi * 0.13 * t + phase[2])
    q.head_pitch += 0.03 * np.sin(2 * np.pi * 0.17 * t + phase[3])
    wobble = 0.02 * np.array(
        [
            [
                np.sin(2 * np.pi * f * t + ph)
                for f, ph in zip((0.21, 0.33, 0.27), phase[4 + 3 * s : 7 + 3 * s], strict=True)
            ]
            for s in range(2)
        ]
    )
    q.wrist = q.wrist + wobble
    return q


def cue_pose(cue: str, base: PoseParams, pr: Proportions, hand: str, toward: np.ndarray) -> PoseParams:
    """The held pose of a posture cue.

    Args:
        cue: one of POSTURE_CUES.
        base: the neutral pose it starts from (position, heading and feet are kept).
        pr: the body's proportions.
        hand: "left", "right" or "both" for one-handed cues.
        toward: the other person's chest in the body frame (for pointing).
    """
    p = base.copy()
    sx, sz, hx, hz, arm = pr.shoulder_x, pr.shoulder_z, pr.hip_x, pr.hip_z, pr.arm
    sides = {"left": [0], "right": [1], "both": [0, 1]}[hand]
    sign = np.array([-1.0, 1.0])  # left is -x
    mid_torso = hz + 0.5 * (sz - hz)
    if cue == "pointing":
        s = sides[0]
        shoulder = np.array([sign[s] * sx, 0.02, sz])
        d = toward - shoulder
        d = d / np.linalg.norm(d)
        p.wrist[s] = shoulder + 0.96 * arm * d
        p.elbow_pole[s] = [sign[s] * 0.3, 0.0, -1.0]
    elif cue == "arms_crossed":
        p.wrist = _sided([0.11, 0.16, sz - 0.24], [-0.10, 0.20, sz - 0.20])
        p.elbow_pole = _sided([-1.0, 0.2, -0.6], [1.0, 0.2, -0.6])
    elif cue == "hands_on_hips":
        p.wrist = _sided([-(hx + 0.08), -0.01, hz + 0.10], [hx + 0.08, -0.01, hz + 0.10])
        p.elbow_pole = _sided([-1.0, -0.5, 0.0], [1.0, -0.5, 0.0])
    elif cue == "hands_raised":
        for s in sides:
            p.wrist[s] = [sign[s] * (sx + 0.10), 0.18, sz + 0.30]
            p.elbow_pole[s] = [sign[s] * 1.0, 0.0, -1.0]
    elif cue == "fists_up":
        p.wrist = _sided([-0.12, 0.30, sz + 0.02], [0.12, 0.30, sz + 0.02])
        p.elbow_pole = _sided([-0.5, 0.0, -1.0], [0.5, 0.0, -1.0])
    elif cue == "hands_hidden":
        p.wrist = _sided([-0.07, -0.24, hz + 0.02], [0.07, -0.24, hz + 0.02])
        p.elbow_pole = _sided([-1.0, -0.4, 0.0], [1.0, -0.4, 0.0])
    elif cue == "open_hands":
        p.wrist = _sided([-(sx + 0.02), 0.30, mid_torso], [sx + 0.02, 0.30, mid_torso])
        p.elbow_pole = _sided([-1.0, -0.6, -1.0], [1.0, -0.6, -1.0])
    elif cue == "bladed_stance":
        lead = sides[0]  # the leading foot's side; the body turns away from it by 45 degrees
        turn = np.radians(45.0) * (1.0 if lead == 0 else -1.0)
        p.heading += turn
        p.head_yaw -= turn
        p.ankle[lead] = [sign[lead] * (hx + 0.04), 0.30, 0.075]
        p.ankle[1 - lead] = [sign[1 - lead] * (hx + 0.06), -0.18, 0.075]
        p.pelvis_drop += 0.03
    elif cue == "leaning_in":
        p.lean += 0.42
        p.head_pitch -= 0.25
        p.wrist = p.wrist + [0.0, 0.22, 0.05]
    else:
        raise ValueError(f"{cue!r} is not a posture cue the studio can hold")
    return hand_shapes.shape_hands(p, cue, sides)
