"""Scenario files: who is in the room, where the camera is, and what each person does when.

Any number in a scenario may instead be a range, resolved with the seed, so one file yields many clips:
`{uniform: [lo, hi]}` draws a float, `{choice: [a, b, ...]}` picks one item. See
`sample_videos/*/scenario.yaml` for complete examples and the README for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from cuedetect.errors import InputError
from cuedetect.studio.body import BodyShape
from cuedetect.studio.camera import Camera
from cuedetect.studio.choreography import Action, Actor
from cuedetect.studio.cue_poses import POSTURE_CUES
from cuedetect.studio.hand_shapes import GESTURES
from cuedetect.studio.styles import negatives_for, styles_for

SKIN_TONES = {
    "light": (0.87, 0.72, 0.62),
    "medium": (0.72, 0.53, 0.40),
    "tan": (0.60, 0.43, 0.31),
    "dark": (0.40, 0.27, 0.19),
    "deep": (0.27, 0.18, 0.13),
}
ROLES = ("trainee", "client")


@dataclass(frozen=True)
class PersonSpec:
    id: str
    role: str
    shape: BodyShape
    colours: tuple[tuple[float, float, float], ...]  # per body.MATERIALS
    actor: Actor


@dataclass(frozen=True)
class Scenario:
    name: str
    width: int
    height: int
    fps: float
    duration: float
    camera: Camera
    room: dict
    light: dict
    persons: tuple[PersonSpec, ...]
    seed: int
    resolved: dict  # the scenario with every range drawn: written beside the render


def resolve(node: Any, rng: np.random.Generator) -> Any:
    """Draw every `{uniform: [lo, hi]}` and `{choice: [...]}` in a parsed scenario."""
    if isinstance(node, dict):
        if set(node) == {"uniform"}:
            lo, hi = node["uniform"]
            return round(float(rng.uniform(lo, hi)), 4)
        if set(node) == {"choice"}:
            options = node["choice"]
            return resolve(options[int(rng.integers(len(options)))], rng)
        return {k: resolve(v, rng) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, rng) for v in node]
    return node


def _rgb(value: Any, what: str) -> tuple[float, float, float]:
    if isinstance(value, str):
        if value in SKIN_TONES:
            return SKIN_TONES[value]
        hexa = value.lstrip("#")
        if re.fullmatch(r"[0-9a-fA-F]{6}", hexa):
            return tuple(int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    if isinstance(value, list | tuple) and len(value) == 3:
        return tuple(float(v) for v in value)  # type: ignore[return-value]
    raise InputError(
        f"{what}: expected a colour as [r, g, b] in 0..1, '#rrggbb' or a skin tone "
        f"({', '.join(SKIN_TONES)}), got {value!r}"
    )


def _action(raw: dict, pid: str) -> Action:
    at = float(raw.get("at", 0.0))
    if "cue" in raw:
        cue = raw["cue"]
        if cue not in POSTURE_CUES:
            raise InputError(
                f"person {pid}: cue {cue!r} cannot be held (held cues: {', '.join(POSTURE_CUES)}; "
                "pacing comes from `pace`, rapid_approach and too_close from walking)"
            )
        name = str(raw.get("style", "classic"))
        known = [s.name for s in styles_for(cue)]
        if name not in known:
            raise InputError(f"person {pid}: {cue} has no style {name!r} (styles: {', '.join(known)})")
        return _performed(raw, at, "cue", cue, name)
    if "action" in raw:
        name = str(raw["action"])
        known = [s.name for s in negatives_for()]
        if name not in known:
            raise InputError(f"person {pid}: no everyday action {name!r} (actions: {', '.join(known)})")
        return _performed(raw, at, "negative", name, name)
    if "gesture" in raw:
        if raw["gesture"] not in GESTURES:
            raise InputError(f"person {pid}: gesture {raw['gesture']!r} is not one of {', '.join(GESTURES)}")
        return Action(
            at=at,
            kind="gesture",
            cue=str(raw["gesture"]),
            hold=float(raw.get("hold", 2.0)),
            transition=float(raw.get("transition", 0.5)),
            hand=str(raw.get("hand", "right")),
        )
    if "walk_to" in raw:
        return Action(at=at, kind="walk", target=tuple(raw["walk_to"]), speed=float(raw.get("speed", 1.0)))
    if "pace" in raw:
        return Action(
            at=at,
            kind="pace",
            points=tuple(tuple(p) for p in raw["pace"]),
            speed=float(raw.get("speed", 1.0)),
            until=float(raw["until"]),
        )
    if "face" in raw:
        return Action(at=at, kind="face", face=raw["face"])
    raise InputError(
        f"person {pid}: an action needs one of cue, action, gesture, walk_to, pace, face: {raw!r}"
    )


def _furniture(item: Any, k: int) -> dict:
    """A box standing on the floor: center [x, y], size [width (x), depth (y), height], colour."""
    try:
        center = [float(v) for v in item["center"]]
        size = [float(v) for v in item["size"]]
    except (KeyError, TypeError, ValueError):
        raise InputError(
            f"room furniture {k}: needs center [x, y] and size [w, d, h], got {item!r}"
        ) from None
    if len(center) != 2 or len(size) != 3 or min(size) <= 0:
        raise InputError(f"room furniture {k}: center is [x, y], size [w, d, h] > 0, got {item!r}")
    colour = list(_rgb(item.get("colour", [0.45, 0.33, 0.22]), f"furniture {k} colour"))
    return {"kind": str(item.get("kind", "box")), "center": center, "size": size, "colour": colour}


def _performed(raw: dict, at: float, kind: str, what: str, style_name: str) -> Action:
    params = raw.get("params", {}) or {}
    if not isinstance(params, dict):
        raise InputError(f"{what}: params must be a mapping of numbers, got {params!r}")
    hand = str(raw.get("hand", "right"))
    if hand not in ("left", "right", "both"):
        raise InputError(f"{what}: hand must be left, right or both, got {hand!r}")
    return Action(
        at=at,
        kind=kind,
        cue=what,
        style=style_name,
        params={str(k): float(v) for k, v in params.items()},
        turn_deg=float(raw.get("turn_deg", 0.0)),
        hold=float(raw.get("hold", 2.0)),
        transition=float(raw.get("transition", 0.5)),
        hand=hand,
    )


def _look(pos: np.ndarray, look: np.ndarray) -> tuple[float, float]:
    d = look - pos
    yaw = np.degrees(np.arctan2(d[0], d[1]))
    pitch = np.degrees(np.arctan2(-d[2], np.hypot(d[0], d[1])))
    return float(yaw), float(pitch)


def _camera(raw: dict, width: int, height: int) -> Camera:
    """A camera given by position and yaw/pitch or a point to look at, or orbiting a point.

    Orbiting: azimuth, distance, height around `look_at`. `distortion_k` > 0 makes a wide lens bow
    straight lines outward (barrel distortion, `cuedetect.studio.lens`).
    """
    fov = float(raw.get("fov_deg", 60.0))
    k = float(raw.get("distortion_k", 0.0))
    if k < 0:
        raise InputError(f"camera: distortion_k must be >= 0 (barrel distortion), got {k}")
    if "azimuth_deg" in raw:
        look = np.asarray(raw.get("look_at", [0.0, 1.0, 1.1]), dtype=float)
        az = np.radians(float(raw["azimuth_deg"]))
        dist, h = float(raw.get("distance_m", 4.5)), float(raw.get("height_m", 1.5))
        pos = look + [-np.sin(az) * dist, -np.cos(az) * dist, 0.0]
        pos[2] = h
        yaw, pitch = _look(pos, look)
        return Camera(tuple(float(v) for v in pos), yaw, pitch, fov, width, height, k)
    position = tuple(float(v) for v in raw.get("position", (0.0, -4.0, 1.6)))
    if "look_at" in raw:
        yaw, pitch = _look(np.asarray(position), np.asarray(raw["look_at"], dtype=float))
    else:
        yaw, pitch = float(raw.get("yaw_deg", 0.0)), float(raw.get("pitch_deg", 8.0))
    return Camera(position, yaw, pitch, fov, width, height, k)


def parse(raw: dict, seed: int | None = None, name: str | None = None) -> Scenario:
    """Validate a scenario mapping and draw its ranges with `seed` (default: the file's own seed)."""
    seed = int(raw.get("seed", 0) if seed is None else seed)
    r = resolve(raw, np.random.default_rng(seed))
    video = r.get("video", {})
    width, height = int(video.get("width", 960)), int(video.get("height", 540))
    persons = []
    for p in r.get("persons", []):
        pid, role = str(p["id"]), str(p.get("role", "client"))
        if role not in ROLES:
            raise InputError(f"person {pid}: role must be one of {ROLES}, got {role!r}")
        b = p.get("body", {})
        clothes = p.get("clothes", {})
        shape = BodyShape(
            sex=float(b.get("sex", 0.5)),
            height_m=float(b.get("height_m", 1.72)),
            weight=float(b.get("weight", 0.5)),
            ethnicity=tuple(b.get("ethnicity", (1 / 3, 1 / 3, 1 / 3))),
            long_sleeves=bool(clothes.get("long_sleeves", True)),
            hair=str(b.get("hair", "short")),
        )
        colours = (
            _rgb(b.get("skin", "medium"), f"{pid} skin"),
            _rgb(clothes.get("shirt", [0.2, 0.3, 0.6]), f"{pid} shirt"),
            _rgb(clothes.get("trousers", [0.15, 0.15, 0.2]), f"{pid} trousers"),
            _rgb(clothes.get("shoes", [0.08, 0.07, 0.06]), f"{pid} shoes"),
            _rgb(b.get("hair_colour", [0.1, 0.07, 0.05]), f"{pid} hair"),
            (0.93, 0.93, 0.91),
            (0.12, 0.1, 0.08),
            _rgb(b.get("hair_colour", [0.1, 0.07, 0.05]), f"{pid} brows"),
        )
        # `say` lines are speech, not movement: cuedetect.studio.speech reads them from `resolved`
        actions = [_action(a, pid) for a in p.get("timeline", []) if "say" not in a]
        actor = Actor(pid, role, tuple(float(v) for v in p.get("start", [0.0, 1.0])), actions)
        persons.append(PersonSpec(pid, role, shape, colours, actor))
    if not 1 <= len(persons) <= 4:
        raise InputError(f"a scenario needs 1 to 4 persons, found {len(persons)}")
    if len({p.id for p in persons}) != len(persons):
        raise InputError("person ids must be unique")
    room = {
        "width": 7.0,
        "depth": 4.5,
        "floor": [0.42, 0.36, 0.30],
        "wall": [0.74, 0.72, 0.67],
        "side_wall": [0.66, 0.68, 0.70],
    }
    room.update(r.get("room", {}))
    for key in ("floor", "wall", "side_wall"):
        room[key] = list(_rgb(room[key], f"room {key}"))
    room["front"] = float(room.get("front", -8.0))
    room["furniture"] = [_furniture(item, k) for k, item in enumerate(room.get("furniture", []))]
    light = {"shadow": 0.5, "rotate_deg": 30.0, "direction": [0.4, -0.3, 0.8], "exposure": 0.0}
    light.update(r.get("light", {}))
    return Scenario(
        name=str(name or r.get("name", "scenario")),
        width=width,
        height=height,
        fps=float(video.get("fps", 25)),
        duration=float(video.get("duration", 20.0)),
        camera=_camera(r.get("camera", {}), width, height),
        room=room,
        light=light,
        persons=tuple(persons),
        seed=seed,
        resolved=r,
    )


def load(path: str | Path, seed: int | None = None) -> Scenario:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise InputError(f"no scenario file at {path}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: a scenario is a mapping with video, camera, persons")
    return parse(raw, seed=seed, name=raw.get("name", path.stem))
