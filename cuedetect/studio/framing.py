"""Camera set-ups for the corpus: eye level, close-ups, high CCTV corners, wide lenses, far people, occluders.

Each set-up belongs to a family (what a viewer would call the shot) and to one split, like the styles:
the `train` and `heldout` set-ups of a family differ in where the camera stands and what lens it has,
so the held-out clips are filmed in ways training never saw. Furniture that hides part of a person
is split the same way (tables and chairs for training; counters, sofas and cabinets held out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

HEAD_SHOULDER_CUES = ("pointing", "hands_raised", "fists_up")
HEAD_SHOULDER_NEGATIVES = (
    "waving", "scratching_head", "adjusting_hair", "adjusting_glasses", "phone_to_ear", "drinking",
    "thumbs_up",
)  # fmt: skip
NOT_IN_WAIST_UP = ("bladed_stance",)
NEGATIVES_NEEDING_FEET = ("walking_past", "bending_down", "reaching_down")


@dataclass(frozen=True)
class Stage:
    """Where the people stand: the focus person (the client) and the other, floor (x, y) in metres."""

    focus: np.ndarray
    other: np.ndarray
    focus_height: float

    @property
    def centre(self) -> np.ndarray:
        return (self.focus + self.other) / 2

    @property
    def facing(self) -> np.ndarray:
        """Unit floor vector from the focus person toward the other."""
        d = self.other - self.focus
        return d / max(float(np.linalg.norm(d)), 1e-9)


@dataclass(frozen=True)
class Framing:
    """A camera set-up. `cues`/`negatives`: what can be acted in it (None: everything)."""

    name: str
    family: str
    split: str
    description: str
    camera: Callable[[np.random.Generator, Stage], dict]
    cues: tuple[str, ...] | None = None
    negatives_excluded: tuple[str, ...] = ()
    standing: bool = False  # people stay where they are (close-ups: a walk would leave the frame)
    occluders: bool = True  # furniture may be placed between the camera and a person


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _signed(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.choice([-1.0, 1.0])) * _u(rng, lo, hi)


def _r(v) -> list[float]:
    return [round(float(x), 3) for x in v]


def _orbit(stage: Stage, azimuth_deg: float, distance: float, height: float, look_z: float, **kw) -> dict:
    """A camera `distance` m from the pair's centre, `azimuth_deg` off the room's Y axis."""
    c = stage.centre
    return {
        "azimuth_deg": round(azimuth_deg, 2),
        "distance_m": round(distance, 3),
        "height_m": round(height, 3),
        "look_at": [*_r(c), round(look_z, 3)],
        **kw,
    }


def _on_focus(
    stage: Stage, off_front_deg: float, distance: float, height: float, look_z: float, **kw
) -> dict:
    """A camera in front of the focus person, `off_front_deg` around from straight on, looking at them."""
    a = np.radians(off_front_deg)
    f = stage.facing
    d = np.array([np.cos(a) * f[0] - np.sin(a) * f[1], np.sin(a) * f[0] + np.cos(a) * f[1]])
    pos = stage.focus + d * distance
    return {"position": [*_r(pos), round(height, 3)], "look_at": [*_r(stage.focus), round(look_z, 3)], **kw}


def _close_distance(extent_m: float, fov_deg: float, width: int, height: int) -> float:
    """How far a camera stands so that `extent_m` fills the frame's height."""
    vfov = 2 * np.arctan(np.tan(np.radians(fov_deg) / 2) * height / width)
    return extent_m / 2 / np.tan(vfov / 2)


def _far_distance(stage: Stage, fraction: float, fov_deg: float, width: int, height: int) -> float:
    f = width / 2 / np.tan(np.radians(fov_deg) / 2)
    return float(f * stage.focus_height / (fraction * height))


def framings(width: int, height: int) -> tuple[Framing, ...]:
    """Every set-up, for clips of `width` x `height` pixels."""

    def eye_level(rng, s):
        return _orbit(s, _u(rng, -40, 40), _u(rng, 3.4, 5.0), _u(rng, 1.2, 2.2), 1.0, fov_deg=_u(rng, 52, 70))

    def eye_level_side(rng, s):
        return _orbit(
            s, _signed(rng, 45, 70), _u(rng, 3.8, 5.5), _u(rng, 1.3, 2.0), 1.0, fov_deg=_u(rng, 48, 62)
        )

    def waist_up(rng, s):
        fov, h = _u(rng, 45, 60), s.focus_height
        dist = _close_distance(_u(rng, 0.55, 0.65) * h, fov, width, height)
        return _on_focus(s, _signed(rng, 15, 45), dist, _u(rng, 0.72, 0.85) * h, 0.76 * h, fov_deg=fov)

    def waist_up_high(rng, s):
        fov, h = _u(rng, 50, 65), s.focus_height
        dist = _close_distance(_u(rng, 0.6, 0.7) * h, fov, width, height)
        return _on_focus(s, _signed(rng, 40, 65), dist, _u(rng, 1.9, 2.2), 0.78 * h, fov_deg=fov)

    def head_shoulders(rng, s):
        fov, h = _u(rng, 40, 55), s.focus_height
        dist = _close_distance(_u(rng, 0.38, 0.45) * h, fov, width, height)
        return _on_focus(s, _signed(rng, 10, 40), dist, _u(rng, 0.86, 0.95) * h, 0.88 * h, fov_deg=fov)

    def head_shoulders_low(rng, s):
        fov, h = _u(rng, 45, 58), s.focus_height
        dist = _close_distance(_u(rng, 0.4, 0.48) * h, fov, width, height)
        return _on_focus(s, _signed(rng, 35, 60), dist, _u(rng, 0.68, 0.76) * h, 0.87 * h, fov_deg=fov)

    def cctv_corner(rng, s):
        return _orbit(
            s, _signed(rng, 30, 50), _u(rng, 3.5, 5.0), _u(rng, 2.5, 3.0), 0.9, fov_deg=_u(rng, 65, 80)
        )

    def cctv_steep(rng, s):
        return _orbit(
            s, _signed(rng, 50, 75), _u(rng, 2.6, 3.8), _u(rng, 3.0, 3.5), 0.8,
            fov_deg=_u(rng, 80, 95), distortion_k=round(_u(rng, 0.05, 0.12), 3),
        )  # fmt: skip

    def wide_lens(rng, s):
        return _orbit(
            s, _u(rng, -30, 30), _u(rng, 2.4, 3.2), _u(rng, 1.4, 2.0), 1.0,
            fov_deg=_u(rng, 85, 95), distortion_k=round(_u(rng, 0.10, 0.18), 3),
        )  # fmt: skip

    def wide_lens_strong(rng, s):
        return _orbit(
            s, _u(rng, -45, 45), _u(rng, 2.0, 2.8), _u(rng, 2.0, 2.6), 0.95,
            fov_deg=_u(rng, 95, 105), distortion_k=round(_u(rng, 0.20, 0.30), 3),
        )  # fmt: skip

    def far(rng, s):
        fov = _u(rng, 50, 65)
        dist = _far_distance(s, _u(rng, 0.17, 0.24), fov, width, height)
        return _orbit(s, _u(rng, -30, 30), dist, _u(rng, 1.5, 2.5), 0.9, fov_deg=fov)

    def far_small(rng, s):
        fov = _u(rng, 40, 55)
        dist = _far_distance(s, _u(rng, 0.13, 0.17), fov, width, height)
        return _orbit(s, _u(rng, -40, 40), dist, _u(rng, 2.5, 4.0), 0.9, fov_deg=fov)

    close = {"standing": True, "occluders": False}
    hs = {"cues": HEAD_SHOULDER_CUES, **close}
    no_feet = {"negatives_excluded": NEGATIVES_NEEDING_FEET, **close}
    waist_cues = tuple(
        c
        for c in (
            "pointing", "arms_crossed", "hands_on_hips", "hands_raised", "fists_up", "hands_hidden",
            "leaning_in", "open_hands",
        )
        if c not in NOT_IN_WAIST_UP
    )  # fmt: skip
    F = Framing
    return (
        F("eye_level", "eye_level", "train", "eye level, 3.4-5 m away, up to 40 degrees off", eye_level),
        F("eye_level_side", "eye_level", "heldout", "eye level, 45-70 degrees to the side", eye_level_side),
        F("waist_up", "waist_up", "train", "waist-up close-up", waist_up, waist_cues, **no_feet),
        F("waist_up_high", "waist_up", "heldout", "waist-up from a raised camera, 40-65 degrees off",
          waist_up_high, waist_cues, **no_feet),
        F("head_shoulders", "head_shoulders", "train", "head-and-shoulders close-up", head_shoulders, **hs),
        F("head_shoulders_low", "head_shoulders", "heldout", "head-and-shoulders from below, to the side",
          head_shoulders_low, **hs),
        F("cctv_corner", "cctv", "train", "high corner camera at 2.5-3 m", cctv_corner),
        F("cctv_steep", "cctv", "heldout", "steep CCTV at 3-3.5 m with a wide lens", cctv_steep),
        F("wide_lens", "wide_lens", "train", "wide lens, barrel distortion k 0.10-0.18", wide_lens),
        F("wide_lens_strong", "wide_lens", "heldout", "very wide lens, k 0.20-0.30", wide_lens_strong),
        F("far", "far", "train", "people at 17-24% of the frame height", far),
        F("far_small", "far", "heldout", "people at 13-17% of the frame height, camera raised", far_small),
    )  # fmt: skip


FURNITURE = {
    "train": {
        "table": ((1.0, 1.6), (0.6, 0.9), (0.72, 0.78)),
        "chair": ((0.42, 0.5), (0.42, 0.5), (0.45, 0.5)),
    },
    "heldout": {
        "counter": ((1.6, 2.2), (0.5, 0.7), (0.95, 1.1)),
        "sofa": ((1.6, 2.0), (0.8, 0.9), (0.8, 0.9)),
        "cabinet": ((0.5, 0.7), (0.4, 0.5), (1.1, 1.4)),
    },
}
FURNITURE_COLOURS = {
    "train": ([0.45, 0.33, 0.22], [0.30, 0.22, 0.15], [0.55, 0.55, 0.52]),
    "heldout": ([0.62, 0.50, 0.36], [0.20, 0.25, 0.32], [0.70, 0.68, 0.60]),
}


def occluder(rng: np.random.Generator, split: str, camera_xy: np.ndarray, person_xy: np.ndarray) -> dict:
    """A piece of furniture between the camera and a person, close to the person (hides the legs or more)."""
    kinds = FURNITURE[split]
    kind = list(kinds)[int(rng.integers(len(kinds)))]
    (w0, w1), (d0, d1), (h0, h1) = kinds[kind]
    to_cam = camera_xy - person_xy
    to_cam = to_cam / max(float(np.linalg.norm(to_cam)), 1e-9)
    side = np.array([-to_cam[1], to_cam[0]])
    centre = person_xy + to_cam * _u(rng, 0.55, 0.85) + side * _u(rng, -0.25, 0.25)
    colours = FURNITURE_COLOURS[split]
    return {
        "kind": kind,
        "center": _r(centre),
        "size": [round(_u(rng, w0, w1), 3), round(_u(rng, d0, d1), 3), round(_u(rng, h0, h1), 3)],
        "colour": list(colours[int(rng.integers(len(colours)))]),
    }
