"""Hand-made 3D stick figures: a body model posed by a few parameters, for tests and synthetic data.

World coordinates follow the studio: X right, Y forward (depth), Z up, metres. A `Pose` holds the
parameters of one instant; `pose_joints` turns it into MediaPipe's 33 landmarks in world coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from cuedetect.landmarks import INDEX, NUM_LANDMARKS

if TYPE_CHECKING:
    from cuedetect.cues.tracks import PersonTrack

UP = np.array([0.0, 0.0, 1.0])

# Body-frame template for a 1.75 m person: (right, forward, up) metres, right-side joints; left mirrors r.
_HEAD = {
    "nose": (0.0, 0.10, 1.60),
    "eye_inner": (0.015, 0.09, 1.64),
    "eye": (0.03, 0.085, 1.645),
    "eye_outer": (0.045, 0.08, 1.645),
    "ear": (0.075, 0.0, 1.62),
    "mouth": (0.025, 0.085, 1.56),
}
SHOULDER = (0.19, 0.0, 1.44)
HIP = (0.10, 0.0, 0.93)
UPPER_ARM, FOREARM = 0.29, 0.26

# Arm configurations (right arm; the left arm mirrors the first component): upper-arm and forearm
# directions in the torso frame (right, forward, up).
ARM = {
    "neutral": ((0.12, 0.05, -1.0), (0.05, 0.25, -1.0)),
    "point": ((0.05, 1.0, 0.08), (0.0, 1.0, 0.05)),
    "crossed": ((-0.1, 0.35, -1.0), (-1.0, 0.3, 0.25)),
    "on_hip": ((0.8, -0.15, -0.75), (-0.55, 0.1, -0.8)),
    "raised_side": ((0.9, 0.2, 0.2), (0.1, 0.2, 1.0)),
    "raised_up": ((0.3, 0.3, 0.9), (0.1, 0.1, 1.0)),
    "guard": ((0.25, 0.45, -0.85), (-0.25, 0.6, 0.75)),
    "behind": ((0.12, -0.35, -0.95), (-0.8, -0.3, 0.1)),
    "open": ((0.15, 0.35, -0.9), (0.15, 0.95, 0.25)),
}
# Hand shapes: (index length, pinky length, thumb length, spread).
HAND = {
    "relaxed": (0.08, 0.07, 0.045, 0.02),
    "fist": (0.045, 0.04, 0.035, 0.015),
    "open": (0.10, 0.09, 0.06, 0.04),
    "point": (0.11, 0.04, 0.04, 0.015),
}


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 1e-9 else v


@dataclass
class Pose:
    """Parameters of one body at one instant.

    Attributes:
        pos: hip midpoint on the floor (X, Y).
        yaw: direction the pelvis faces, radians from +X toward +Y.
        height: body height in metres.
        lean: forward lean of the upper body at the hips, radians.
        twist: upper-body yaw relative to the pelvis, radians.
        arms: (right, left) arm directions, each (upper, forearm) as 3-vectors in the torso frame.
        hands: (right, left) hand shapes as (index, pinky, thumb, spread) lengths.
        feet: (right, left) ankle offsets from the hip midpoint in the pelvis frame (right, forward).
        bob: vertical offset of the whole body (breathing, gait), metres.
    """

    pos: np.ndarray = field(default_factory=lambda: np.zeros(2))
    yaw: float = np.pi / 2
    height: float = 1.75
    lean: float = 0.0
    twist: float = 0.0
    arms: np.ndarray = field(default_factory=lambda: arm_config("neutral", "neutral"))
    hands: np.ndarray = field(default_factory=lambda: np.array([HAND["relaxed"], HAND["relaxed"]]))
    feet: np.ndarray = field(default_factory=lambda: np.array([[0.11, 0.0], [-0.11, 0.0]]))
    bob: float = 0.0

    def copy(self, **changes: object) -> Pose:
        return replace(self, **changes)


def arm_config(right: str, left: str) -> np.ndarray:
    """(2, 2, 3): the named configurations for the right and the left arm (left mirrored)."""
    r = np.array(ARM[right], dtype=float)
    lft = np.array(ARM[left], dtype=float)
    lft[:, 0] *= -1
    return np.stack([r, lft])


def _frame(yaw: float) -> tuple[np.ndarray, np.ndarray]:
    f = np.array([np.cos(yaw), np.sin(yaw), 0.0])
    r = np.cross(f, UP)
    return r, f


def _rot(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = _unit(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def pose_joints(p: Pose) -> np.ndarray:
    """(33, 3) MediaPipe landmarks of the posed body in world coordinates."""
    s = p.height / 1.75
    r, f = _frame(p.yaw)
    base = np.array([p.pos[0], p.pos[1], p.bob])
    pelvis = np.stack([r, f, UP])  # rows: body axes in world

    def body(v: tuple[float, float, float] | np.ndarray) -> np.ndarray:
        return base + s * (np.asarray(v) @ pelvis)

    out = np.full((NUM_LANDMARKS, 3), np.nan)
    hip_c = body((0.0, 0.0, HIP[2]))
    # Upper body: twist about the vertical, then lean forward about the pelvis' right axis.
    rot = _rot(r, -p.lean) @ _rot(UP, p.twist)
    torso_axes = pelvis @ rot.T  # rows: torso right, forward, up in world

    def upper(v: tuple[float, float, float]) -> np.ndarray:
        return hip_c + rot @ (body(v) - hip_c)

    for side, sign in (("right", 1.0), ("left", -1.0)):
        for name, (x, y, z) in _HEAD.items():
            if name == "nose":
                continue
            key = f"{side}_{name}" if name != "mouth" else f"mouth_{side}"
            out[INDEX[key]] = upper((sign * x, y, z))
        out[INDEX[f"{side}_hip"]] = body((sign * HIP[0], 0.0, HIP[2]))
    out[INDEX["nose"]] = upper(_HEAD["nose"])

    for k, (side, sign) in enumerate((("right", 1.0), ("left", -1.0))):
        sh = upper((sign * SHOULDER[0], SHOULDER[1], SHOULDER[2]))
        up_dir = _unit(p.arms[k, 0]) @ torso_axes
        fo_dir = _unit(p.arms[k, 1]) @ torso_axes
        el = sh + s * UPPER_ARM * up_dir
        wr = el + s * FOREARM * fo_dir
        lat = np.cross(fo_dir, torso_axes[2])
        lat = _unit(lat) if np.linalg.norm(lat) > 1e-3 else torso_axes[0]
        lat = lat * sign
        idx_len, pinky_len, thumb_len, spread = p.hands[k]
        out[INDEX[f"{side}_shoulder"]] = sh
        out[INDEX[f"{side}_elbow"]] = el
        out[INDEX[f"{side}_wrist"]] = wr
        out[INDEX[f"{side}_index"]] = wr + s * (idx_len * fo_dir - spread * lat)
        out[INDEX[f"{side}_pinky"]] = wr + s * (pinky_len * fo_dir + spread * lat)
        out[INDEX[f"{side}_thumb"]] = wr + s * (thumb_len * fo_dir - 1.6 * spread * lat)

        foot = p.feet[k]
        ankle = base + s * 0.08 * UP + foot[0] * r + foot[1] * f
        hip = out[INDEX[f"{side}_hip"]]
        knee = 0.5 * (hip + ankle) + s * 0.03 * f
        out[INDEX[f"{side}_knee"]] = knee
        out[INDEX[f"{side}_ankle"]] = ankle
        out[INDEX[f"{side}_heel"]] = ankle + s * (-0.05 * f - 0.05 * UP)
        out[INDEX[f"{side}_foot_index"]] = ankle + s * (0.15 * f - 0.06 * UP)
    return out


@dataclass(frozen=True)
class Camera:
    """A pinhole camera. R maps world to camera axes (x right, y down, z forward)."""

    position: np.ndarray
    R: np.ndarray
    fx: float
    size: tuple[int, int]

    @classmethod
    def looking_at(
        cls,
        position: np.ndarray,
        target: np.ndarray,
        fov_deg: float = 60.0,
        size: tuple[int, int] = (960, 540),
    ) -> Camera:
        fwd = _unit(np.asarray(target, float) - np.asarray(position, float))
        right = _unit(np.cross(fwd, UP))
        down = np.cross(fwd, right)
        fx = (size[0] / 2) / np.tan(np.radians(fov_deg) / 2)
        return cls(np.asarray(position, float), np.stack([right, down, fwd]), fx, size)

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        return (pts - self.position) @ self.R.T

    def project(self, pts: np.ndarray) -> np.ndarray:
        """(..., 3) world points -> (..., 2) normalized image coordinates."""
        c = self.to_camera(pts)
        w, h = self.size
        u = self.fx * c[..., 0] / c[..., 2] + w / 2
        v = self.fx * c[..., 1] / c[..., 2] + h / 2
        return np.stack([u / w, v / h], axis=-1)

    def ground_axes(self) -> np.ndarray:
        """(2, 2) rows: the camera's right and forward directions on the floor (world X, Y)."""
        right = _unit(np.array([self.R[0, 0], self.R[0, 1]]))
        fwd = _unit(np.array([self.R[2, 0], self.R[2, 1]]))
        return np.stack([right, fwd])


def occluded(joints: np.ndarray, cam: Camera) -> np.ndarray:
    """(33,) bool: joints hidden behind the person's own torso as seen from the camera."""
    c = cam.to_camera(joints)
    torso = [INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
    tc = c[torso]
    half_w = 0.6 * (tc[:, 0].max() - tc[:, 0].min()) + 0.08
    x0 = tc[:, 0].mean()
    y_top, y_bot = tc[:, 1].min() - 0.05, tc[:, 1].max() + 0.15
    # depth of the torso surface facing the camera, with a margin for the body's thickness
    depth = tc[:, 2].mean()
    return (np.abs(c[:, 0] - x0) < half_w) & (c[:, 1] > y_top) & (c[:, 1] < y_bot) & (c[:, 2] > depth + 0.06)


def mediapipe_world(joints: np.ndarray, cam: Camera) -> np.ndarray:
    """World landmarks the way MediaPipe reports them: metres, hip-centred, camera axes."""
    hip = 0.5 * (joints[INDEX["left_hip"]] + joints[INDEX["right_hip"]])
    return (joints - hip) @ cam.R.T


# -- hand-made tracks for tests and examples -------------------------------------------------------
TEST_ASPECT = 16 / 9
TEST_CAMERA = Camera.looking_at(np.array([0.0, -5.0, 1.5]), np.array([0.0, 0.0, 1.0]), 60.0, (1280, 720))


def posed_track(
    right: str = "neutral",
    left: str = "neutral",
    *,
    n: int = 20,
    fps: float = 10.0,
    yaw: float = -np.pi / 2,
    lean: float = 0.0,
    hand: str = "relaxed",
    person: int = 0,
    pos: tuple[float, float] = (0.0, 0.0),
    velocity: tuple[float, float] = (0.0, 0.0),
    vis: np.ndarray | None = None,
) -> PersonTrack:
    """A person holding one pose for n frames (optionally sliding across the floor)."""
    xy = np.empty((n, 33, 2))
    world = np.empty((n, 33, 3))
    floor = np.empty((n, 2))
    t = np.arange(n) / fps
    for i in range(n):
        p = np.array(pos) + np.array(velocity) * t[i]
        pose = Pose(pos=p, yaw=yaw, lean=lean, arms=arm_config(right, left), hands=np.array([HAND[hand]] * 2))
        j = pose_joints(pose)
        xy[i] = TEST_CAMERA.project(j)
        world[i] = mediapipe_world(j, TEST_CAMERA)
        floor[i] = TEST_CAMERA.ground_axes() @ (p - TEST_CAMERA.position[:2])
    from cuedetect.cues.tracks import PersonTrack

    v = np.ones((n, 33)) if vis is None else vis
    return PersonTrack(person, np.arange(n), t, xy, v, world, floor)
