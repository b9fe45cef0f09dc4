"""Posing a body: a small set of interpretable pose parameters -> bone rotations and joint positions.

Poses are described the way a director would (where the wrists go, how far the torso leans, where the
head looks, where the feet stand); analytic two-bone IK turns wrist and ankle targets into limb
rotations. Everything here is in the body frame (x right, y forward, z up); `place` puts a posed body
into the room.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from cuedetect.studio.body import Body

SIDES = ("L", "R")  # index 0 = the person's left (x < 0), 1 = right
FIST_ANGLES = (1.5, 3.1, 4.2)  # radians: each phalanx (base to tip) against the palm in a fist
# the thumb closes across the front of the fingers, not along them: its three bones turn about
# THUMB_AXIS (in the hand's own axes: toward the fingers, toward the index side, out of the palm) by these
# angles in a fist, so its tip lies over the index and middle fingers' middle bones (fitted on the rig;
# turned about the fingers' axis the thumb swung back past the wrist and a fist showed a thumb out)
THUMB_ANGLES = (0.26, 0.51, 1.12)
THUMB_AXIS = (-0.161, -0.213, 0.964)


def rot_axis(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation matrix about a unit axis (Rodrigues)."""
    axis = np.asarray(axis, dtype=float)
    axis = axis / np.linalg.norm(axis)
    x, y, z = axis
    c, s = np.cos(angle), np.sin(angle)
    K = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    return np.eye(3) + s * K + (1 - c) * (K @ K)


def rot_z(angle: float) -> np.ndarray:
    return rot_axis(np.array([0.0, 0.0, 1.0]), angle)


def rot_align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking direction a onto direction b."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    s = np.linalg.norm(v)
    if s < 1e-9:
        if c > 0:
            return np.eye(3)
        perp = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(perp) < 1e-6:
            perp = np.cross(a, [0.0, 1.0, 0.0])
        return rot_axis(perp, np.pi)
    return rot_axis(v / s, np.arctan2(s, c))


def two_bone_ik(root: np.ndarray, target: np.ndarray, l1: float, l2: float, pole: np.ndarray):
    """Directions of the two segments reaching from `root` toward `target`, bending toward `pole`."""
    d_vec = target - root
    d = float(np.clip(np.linalg.norm(d_vec), abs(l1 - l2) + 1e-4, l1 + l2 - 1e-4))
    n = d_vec / max(np.linalg.norm(d_vec), 1e-9)
    a = (l1 * l1 - l2 * l2 + d * d) / (2 * d)
    h = np.sqrt(max(l1 * l1 - a * a, 0.0))
    u = pole - np.dot(pole, n) * n
    if np.linalg.norm(u) < 1e-6:
        u = np.cross(n, [1.0, 0.0, 0.0])
    u = u / np.linalg.norm(u)
    mid = root + a * n + h * u
    end = root + d * n
    return (mid - root) / l1, (end - mid) / l2


@dataclass
class PoseParams:
    """One person's pose at one instant. All vectors in the body frame; angles in radians."""

    x: float = 0.0  # floor position in the room (metres)
    y: float = 0.0
    heading: float = 0.0  # direction the pelvis faces: 0 = +Y of the room, positive turns toward +X
    pelvis_drop: float = 0.0
    sway: float = 0.0  # sideways pelvis shift (weight shift)
    lean: float = 0.0  # forward lean of the spine
    twist: float = 0.0  # spine twist (shoulders vs pelvis)
    head_yaw: float = 0.0  # where the head looks, relative to the pelvis
    head_pitch: float = 0.0
    jaw_open: float = 0.0  # jaw rotation below the head's (speech; studio.speech.mouth_opening)
    wrist: np.ndarray = field(default_factory=lambda: np.array([[-0.24, 0.05, 0.85], [0.24, 0.05, 0.85]]))
    elbow_pole: np.ndarray = field(default_factory=lambda: np.array([[-0.3, -1.0, 0.0], [0.3, -1.0, 0.0]]))
    forearm_twist: np.ndarray = field(default_factory=lambda: np.zeros(2))
    # finger curls per side (thumb, index, middle, ring, pinky): 0 straight .. 1 curled (studio/hand_shapes)
    fingers: np.ndarray = field(default_factory=lambda: np.full((2, 5), 0.25))
    ankle: np.ndarray = field(default_factory=lambda: np.array([[-0.11, 0.0, 0.08], [0.11, 0.0, 0.08]]))

    def copy(self) -> PoseParams:
        return PoseParams(
            **{
                f.name: np.copy(getattr(self, f.name))
                if isinstance(getattr(self, f.name), np.ndarray)
                else getattr(self, f.name)
                for f in fields(self)
            }
        )


def blend(a: PoseParams, b: PoseParams, t: float) -> PoseParams:
    """Linear blend of two poses (t = 0 gives a, 1 gives b); headings blend along the short way."""
    out = a.copy()
    for f in fields(PoseParams):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if f.name == "heading":
            delta = (vb - va + np.pi) % (2 * np.pi) - np.pi
            setattr(out, f.name, va + t * delta)
        else:
            setattr(out, f.name, va + t * (vb - va))
    return out


class Poser:
    """Turns `PoseParams` into bone rotations and positions for one body."""

    def __init__(self, body: Body) -> None:
        self.body = body
        b = body.bone
        self.idx = {n: i for i, n in enumerate(body.bone_names)}
        self.spine = [b(n) for n in ("spine05", "spine04", "spine03", "spine02", "spine01")]
        self.neck = [b(n) for n in ("neck01", "neck02", "neck03")]
        self.head = b("head")
        self.jaw = b("jaw")
        h = body.heads
        self.arm = []
        for s in SIDES:
            sh, el, wr = b(f"upperarm01.{s}"), b(f"lowerarm01.{s}"), b(f"wrist.{s}")
            self.arm.append(
                {
                    "upper": [sh, b(f"upperarm02.{s}")],
                    "fore": [el, b(f"lowerarm02.{s}")],
                    "hand": wr,
                    "l1": np.linalg.norm(h[el] - h[sh]),
                    "l2": np.linalg.norm(h[wr] - h[el]),
                    "u0": (h[el] - h[sh]) / np.linalg.norm(h[el] - h[sh]),
                    "f0": (h[wr] - h[el]) / np.linalg.norm(h[wr] - h[el]),
                    "fingers": [[b(f"finger{f}-{k}.{s}") for k in (1, 2, 3)] for f in (1, 2, 3, 4, 5)],
                }
            )
        self.leg = []
        for s in SIDES:
            hip, kn, an = b(f"upperleg01.{s}"), b(f"lowerleg01.{s}"), b(f"foot.{s}")
            self.leg.append(
                {
                    "thigh": [hip, b(f"upperleg02.{s}")],
                    "shin": [kn, b(f"lowerleg02.{s}")],
                    "foot": an,
                    "l1": np.linalg.norm(h[kn] - h[hip]),
                    "l2": np.linalg.norm(h[an] - h[kn]),
                    "t0": (h[kn] - h[hip]) / np.linalg.norm(h[kn] - h[hip]),
                    "s0": (h[an] - h[kn]) / np.linalg.norm(h[an] - h[kn]),
                }
            )
        self.curl_axis, self.thumb_axis = [], []
        for s, arm in zip(SIDES, self.arm, strict=True):
            index_mcp, pinky_mcp = h[b(f"finger2-1.{s}")], h[b(f"finger5-1.{s}")]
            axis = index_mcp - pinky_mcp
            wrist = h[arm["hand"]]
            palm = np.cross(index_mcp - wrist, pinky_mcp - wrist)
            if s == "L":  # a cross product flips in the mirror: the left palm is the other side
                palm = -palm
            tip = h[b(f"finger3-3.{s}")] - h[b(f"finger3-1.{s}")]
            if np.dot(np.cross(axis, tip), palm) < 0:  # curl so fingertips move toward the palm
                axis = -axis
            self.curl_axis.append(axis / np.linalg.norm(axis))
            # the hand's own axes: toward the fingers, toward the index side, out of the palm
            along = (index_mcp + pinky_mcp) / 2 - wrist
            along /= np.linalg.norm(along)
            out = palm / np.linalg.norm(palm)
            across = np.cross(along, out) if s == "R" else np.cross(out, along)
            thumb = np.array(THUMB_AXIS) @ np.stack([along, across, out])
            self.thumb_axis.append(thumb if s == "R" else -thumb)  # a turn's axis flips in the mirror

    def _fk(self, G: np.ndarray, root_offset: np.ndarray) -> np.ndarray:
        body = self.body
        P = np.empty_like(body.heads)
        for j, parent in enumerate(body.parents):
            if parent < 0:
                P[j] = body.heads[j] + root_offset
            else:
                P[j] = P[parent] + G[parent] @ (body.heads[j] - body.heads[parent])
        return P

    def pose(self, p: PoseParams) -> tuple[np.ndarray, np.ndarray]:
        """Bone rotations (B, 3, 3) and heads (B, 3) in the body frame."""
        body = self.body
        n = len(body.bone_names)
        local_override: dict[int, np.ndarray] = {}
        # spine: lean and twist spread over five vertebra bones
        for k, j in enumerate(self.spine, start=1):
            f = k / len(self.spine)
            local_override[j] = rot_z(-p.twist * f) @ rot_axis([1.0, 0.0, 0.0], -p.lean * f)
        head_rot = rot_z(-p.head_yaw) @ rot_axis([1.0, 0.0, 0.0], -p.head_pitch)
        for j in [*self.neck, self.head]:
            local_override[j] = head_rot
        if p.jaw_open:
            local_override[self.jaw] = head_rot @ rot_axis([1.0, 0.0, 0.0], -p.jaw_open)  # chin down
        # pelvis height so that both ankle targets are reachable
        drop = p.pelvis_drop
        for leg, target in zip(self.leg, p.ankle, strict=True):
            hip = body.heads[leg["thigh"][0]] + [p.sway, 0.0, -drop]
            reach = np.linalg.norm(target - hip) - (leg["l1"] + leg["l2"]) * 0.995
            drop += max(reach, 0.0)
        root_offset = np.array([p.sway, 0.0, -drop])
        G = np.empty((n, 3, 3))
        for j, parent in enumerate(body.parents):
            G[j] = local_override.get(j, G[parent] if parent >= 0 else np.eye(3))
        P = self._fk(G, root_offset)
        torso = G[self.spine[-1]]
        for side, arm in enumerate(self.arm):
            sh = P[arm["upper"][0]]
            u, f = two_bone_ik(sh, p.wrist[side], arm["l1"], arm["l2"], p.elbow_pole[side])
            Gu = rot_align(torso @ arm["u0"], u) @ torso
            Gf0 = rot_align(Gu @ arm["f0"], f) @ Gu
            tw = p.forearm_twist[side]
            G[arm["upper"][0]] = G[arm["upper"][1]] = Gu
            G[arm["fore"][0]] = rot_axis(f, tw / 2) @ Gf0
            G[arm["fore"][1]] = G[arm["hand"]] = rot_axis(f, tw) @ Gf0
            Gh = G[arm["hand"]]
            for fi, finger in enumerate(arm["fingers"]):
                axis, angles = self.curl_axis[side], FIST_ANGLES
                if fi == 0:
                    axis, angles = self.thumb_axis[side], THUMB_ANGLES
                for k, j in enumerate(finger):  # angle of each phalanx to the palm, curled: a tight fist
                    G[j] = Gh @ rot_axis(axis, p.fingers[side, fi] * angles[k])
        for side, leg in enumerate(self.leg):
            hip = P[leg["thigh"][0]]
            t, s = two_bone_ik(hip, p.ankle[side], leg["l1"], leg["l2"], np.array([0.0, 1.0, 0.0]))
            Gt = rot_align(leg["t0"], t)
            Gs = rot_align(Gt @ leg["s0"], s) @ Gt
            G[leg["thigh"][0]] = G[leg["thigh"][1]] = Gt
            G[leg["shin"][0]] = G[leg["shin"][1]] = Gs
            G[leg["foot"]] = np.eye(3)
        # everything not set explicitly follows its parent (hands' children, toes, face bones)
        explicit = set(local_override) | {j for a in self.arm for j in (*a["upper"], *a["fore"], a["hand"])}
        explicit |= {j for a in self.arm for f in a["fingers"] for j in f}
        explicit |= {j for leg in self.leg for j in (*leg["thigh"], *leg["shin"], leg["foot"])}
        for j, parent in enumerate(body.parents):
            if j not in explicit and parent >= 0:
                G[j] = G[parent]
        return G, self._fk(G, root_offset)


def place(G: np.ndarray, P: np.ndarray, p: PoseParams) -> tuple[np.ndarray, np.ndarray]:
    """Body frame -> room: turn by the heading and move to (x, y) on the floor."""
    R = rot_z(-p.heading)
    return np.einsum("ij,bjk->bik", R, G), P @ R.T + np.array([p.x, p.y, 0.0])
