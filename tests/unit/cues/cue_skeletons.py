"""Hand-made skeletons for the cue tests."""

from __future__ import annotations

import numpy as np

from cuedetect.cues.skeleton import HAND, Camera, Pose, arm_config, mediapipe_world, pose_joints
from cuedetect.cues.tracks import PersonTrack

ASPECT = 16 / 9
CAM = Camera.looking_at(np.array([0.0, -5.0, 1.5]), np.array([0.0, 0.0, 1.0]), 60.0, (1280, 720))


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
        xy[i] = CAM.project(j)
        world[i] = mediapipe_world(j, CAM)
        floor[i] = CAM.ground_axes() @ (p - CAM.position[:2])
    v = np.ones((n, 33)) if vis is None else vis
    return PersonTrack(person, np.arange(n), t, xy, v, world, floor)
