"""From a scenario's timeline to a pose per person per frame, and the ground-truth events.

Two layers per person: locomotion (where the person stands, which way they face, the gait) and
gesture (the held cues, blended in and out). Pair cues come from the resulting trajectories, with the
thresholds the issue defines (closing speed above 0.8 m/s, hip distance below 1.0 m).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cuedetect.studio import hand_shapes
from cuedetect.studio.cue_poses import POSTURE_CUES, Proportions, idle, neutral
from cuedetect.studio.motion_kit import MotionContext
from cuedetect.studio.pose import PoseParams, blend
from cuedetect.studio.styles import Style, negative, style

RAPID_APPROACH_MPS = 0.8
TOO_CLOSE_M = 1.0
MIN_PAIR_EVENT_S = 0.3
MIN_MOVING_EVENT_S = 0.2  # a moving style's cue must show this long to count
EVENT_GRID_HZ = 100.0
TURN_RATE = np.radians(240.0)  # rad/s
ACCEL = 2.0  # m/s^2


@dataclass
class Action:
    at: float
    kind: str  # "cue", "negative" (an everyday action, no cue), "gesture" (a hand shape, no cue), "walk", ...
    cue: str = ""  # the cue held, the negative's name, or the gesture shown (studio.hand_shapes.GESTURES)
    style: str = "classic"  # a style of `cuedetect.studio.styles`
    params: dict = field(default_factory=dict)  # the style's drawn parameters
    turn_deg: float = 0.0  # performed turned this far from the other person (off-axis)
    hold: float = 0.0
    transition: float = 0.5
    hand: str = "right"
    target: tuple[float, float] = (0.0, 0.0)
    points: tuple[tuple[float, float], ...] = ()
    speed: float = 1.0
    until: float = 0.0
    face: str | float | None = None


@dataclass
class Actor:
    id: str
    role: str
    start: tuple[float, float]
    actions: list[Action] = field(default_factory=list)


@dataclass
class Event:
    cue: str
    person: str
    start: float
    end: float
    other: str | None = None
    style: str = ""

    def to_json(self) -> dict:
        out = {
            "cue": self.cue,
            "person": self.person,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }
        if self.other is not None:
            out["other"] = self.other
        if self.style:
            out["style"] = self.style
        return out


def _smooth(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def _wrap(a: np.ndarray | float) -> np.ndarray | float:
    return (a + np.pi) % (2 * np.pi) - np.pi


def _heading_to(src: np.ndarray, dst: np.ndarray) -> float:
    d = dst - src
    return float(np.arctan2(d[0], d[1]))


def locomotion(actors: list[Actor], times: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Simulate each person's floor position, heading and gait over `times`.

    People walk along straight legs with acceleration ramps, turn at a bounded rate, and when standing
    they face the other person (or what their last `face` action says).
    """
    dt = float(times[1] - times[0])
    state = {a.id: {"pos": np.array(a.start, dtype=float), "heading": 0.0, "speed": 0.0} for a in actors}
    ids = [a.id for a in actors]
    for a in actors:  # start facing the other person
        others = [state[o]["pos"] for o in ids if o != a.id]
        if others:
            state[a.id]["heading"] = _heading_to(state[a.id]["pos"], others[0])
    out = {a.id: {k: np.zeros(len(times)) for k in ("x", "y", "heading", "speed", "gait")} for a in actors}
    plans: dict[str, list] = {a.id: [] for a in actors}  # pending waypoints
    face_override: dict[str, str | float | None] = {a.id: None for a in actors}
    pace_until: dict[str, float] = {a.id: -1.0 for a in actors}
    pace_points: dict[str, list] = {a.id: [] for a in actors}
    gait_phase = {a.id: 0.0 for a in actors}
    pending = {
        a.id: sorted((x for x in a.actions if x.kind in ("walk", "pace", "face")), key=lambda x: x.at)
        for a in actors
    }
    for i, t in enumerate(times):
        for a in actors:
            s = state[a.id]
            while pending[a.id] and pending[a.id][0].at <= t + 1e-9:
                act = pending[a.id].pop(0)
                if act.kind == "walk":
                    plans[a.id] = [(np.array(act.target, dtype=float), act.speed)]
                elif act.kind == "pace":
                    pace_until[a.id] = act.until
                    pace_points[a.id] = [np.array(p, dtype=float) for p in act.points]
                    plans[a.id] = [(pace_points[a.id][0], act.speed)]
                elif act.kind == "face":
                    face_override[a.id] = act.face
            if plans[a.id]:
                target, speed = plans[a.id][0]
                to_go = target - s["pos"]
                dist = float(np.linalg.norm(to_go))
                want = _heading_to(s["pos"], target) if dist > 1e-3 else s["heading"]
                turn = _wrap(want - s["heading"])
                s["heading"] += float(np.clip(turn, -TURN_RATE * dt, TURN_RATE * dt))
                aligned = abs(turn) < np.radians(35)
                stop_speed = np.sqrt(2 * ACCEL * dist)
                goal = min(speed, stop_speed) if aligned else 0.0
                s["speed"] = float(np.clip(goal, s["speed"] - ACCEL * dt, s["speed"] + ACCEL * dt))
                step = min(s["speed"] * dt, dist)
                if dist > 1e-6:
                    s["pos"] = s["pos"] + to_go / dist * step
                if dist - step < 0.02 and s["speed"] < 0.25:
                    s["speed"] = 0.0
                    if pace_points[a.id] and t < pace_until[a.id]:
                        pace_points[a.id] = pace_points[a.id][1:] + pace_points[a.id][:1]
                        plans[a.id] = [(pace_points[a.id][0], speed)]
                    else:
                        plans[a.id] = []
                        pace_points[a.id] = []
            else:
                face = face_override[a.id]
                if isinstance(face, float | int):
                    want = np.radians(float(face))
                else:
                    other = face if isinstance(face, str) else next((o for o in ids if o != a.id), None)
                    want = _heading_to(s["pos"], state[other]["pos"]) if other else s["heading"]
                turn = _wrap(want - s["heading"])
                s["heading"] += float(np.clip(turn, -TURN_RATE * 0.5 * dt, TURN_RATE * 0.5 * dt))
            # gait: about 1.7 steps per second at 1 m/s, faster with speed
            cadence = 0.75 + 0.35 * s["speed"]
            gait_phase[a.id] += 2 * np.pi * cadence * dt * (s["speed"] > 0.05)
            o = out[a.id]
            o["x"][i], o["y"][i] = s["pos"]
            o["heading"][i], o["speed"][i] = s["heading"], s["speed"]
            o["gait"][i] = gait_phase[a.id]
    return out


def envelope(t: float, act: Action) -> float:
    start, tr = act.at, max(act.transition, 1e-3)
    if t < start or t > start + 2 * tr + act.hold:
        return 0.0
    if t < start + tr:
        return _smooth((t - start) / tr)
    if t <= start + tr + act.hold:
        return 1.0
    return 1.0 - _smooth((t - start - tr - act.hold) / tr)


def _to_body(point: np.ndarray, x: float, y: float, heading: float) -> np.ndarray:
    """A room point -> this person's body frame (x right, y forward)."""
    d = np.asarray(point, dtype=float) - [x, y, 0.0]
    c, s = np.cos(heading), np.sin(heading)
    return np.array([c * d[0] - s * d[1], s * d[0] + c * d[1], d[2]])


def poses_for(
    actor: Actor,
    pr: Proportions,
    loco: dict,
    others: dict[str, dict],
    times: np.ndarray,
    heights: dict[str, float],
    rng: np.random.Generator,
) -> list[PoseParams]:
    """A `PoseParams` per frame for one person."""
    phases = rng.uniform(0, 2 * np.pi, size=10)
    base = neutral(pr)
    # the person's own relaxed hands, drawn from the phases so the shared rng's sequence is unchanged
    base.fingers = hand_shapes.relaxed(np.random.default_rng(np.floor(phases * 1e6).astype(np.int64)))
    cues = [a for a in actor.actions if a.kind in ("cue", "negative", "gesture")]
    out = []
    other_id = next(iter(others), None)
    for i, t in enumerate(times):
        x, y, heading = loco["x"][i], loco["y"][i], loco["heading"][i]
        p = base.copy()
        p.x, p.y, p.heading = x, y, heading
        # gait: feet and counter-swinging arms, scaled by speed
        amp = min(loco["speed"][i] / 1.0, 1.3)
        if amp > 0.02:
            ph = loco["gait"][i]
            stride = 0.22 * amp
            for side, sgn in ((0, 1.0), (1, -1.0)):
                swing = sgn * np.sin(ph)
                lift = max(0.0, sgn * np.cos(ph)) * 0.08 * min(amp, 1.0)
                p.ankle[side, 1] = stride * swing
                p.ankle[side, 2] = 0.075 + lift
                p.wrist[side, 1] += -0.16 * amp * swing
            p.lean += 0.05 * amp
        p = idle(p, t, phases)
        chest = None
        if other_id is not None:
            ox, oy = others[other_id]["x"][i], others[other_id]["y"][i]
            chest = _to_body(np.array([ox, oy, 0.72 * heights[other_id]]), x, y, heading)
            head_to = _to_body(np.array([ox, oy, 0.93 * heights[other_id]]), x, y, heading)
            yaw = np.arctan2(head_to[0], head_to[1])
            p.head_yaw += float(np.clip(yaw, -1.2, 1.2))
            p.head_pitch += float(np.arctan2(head_to[2] - pr.shoulder_z - 0.25, np.hypot(*head_to[:2])))
        for act in cues:
            w = envelope(t, act)
            if w > 0 and act.kind == "gesture":
                sides = {"left": [0], "right": [1], "both": [0, 1]}[act.hand]
                p = blend(p, hand_shapes.gesture_pose(act.cue, p, pr, sides), w)
            elif w > 0:
                toward = chest if chest is not None else np.array([0.0, 2.0, 1.3])
                p = blend(p, _perform(act, p, pr, toward, t), w)
        out.append(p)
    return out


def style_of(act: Action) -> Style:
    """The catalogue style an action performs."""
    return style(act.cue, act.style) if act.kind == "cue" else negative(act.cue)


def _turn(v: np.ndarray, angle: float) -> np.ndarray:
    """A body-frame vector seen from the same body turned `angle` radians further (toward +x)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]])


def _perform(act: Action, p: PoseParams, pr: Proportions, toward: np.ndarray, t: float) -> PoseParams:
    """The target pose of a cue or negative action at time `t`, turned off-axis if it says so."""
    turn = np.radians(act.turn_deg)
    ctx = MotionContext(
        p, pr, _turn(toward, turn), t - act.at, act.transition, act.hold, act.hand, act.params
    )
    target = style_of(act).motion(ctx)
    if turn:
        target.heading += turn
        target.head_yaw -= turn  # still looking at the other person
    return target


def _action_runs(act: Action) -> list[tuple[float, float]]:
    """When a held action shows its cue: the whole hold, or for moving styles the moments it is active."""
    start, end = act.at + act.transition, act.at + act.transition + act.hold
    active = style_of(act).active if act.kind == "cue" else None
    if active is None:
        return [(start, end)]
    grid = np.arange(start, end + 1e-9, 1.0 / EVENT_GRID_HZ)
    mask = np.array([active(t - act.at, act.transition, act.hold, act.params) for t in grid])
    return [(float(grid[a]), float(grid[b])) for a, b in _runs(mask, grid, MIN_MOVING_EVENT_S)]


def posture_events(actor: Actor) -> list[Event]:
    """Held cues: the event runs from when the pose is reached to when its release begins.

    Moving styles (jumping jacks, arm arcs) give one event per stretch in which the cue shows.
    """
    events = []
    for a in actor.actions:
        if a.kind == "cue":
            if a.cue not in POSTURE_CUES:
                raise ValueError(
                    f"{actor.id}: {a.cue!r} cannot be held; pacing and pair cues come from movement"
                )
            style_name = "" if a.style == "classic" else a.style  # classic: gt.json as before styles
            events += [Event(a.cue, actor.id, s, e, style=style_name) for s, e in _action_runs(a)]
    return events


def negative_events(actor: Actor) -> list[dict]:
    """Everyday actions that are no cue, with their times: labelled none, kept to score false alarms."""
    return [
        {
            "action": a.cue,
            "person": actor.id,
            "start": round(a.at + a.transition, 3),
            "end": round(a.at + a.transition + a.hold, 3),
        }
        for a in actor.actions
        if a.kind == "negative"
    ]


def _runs(mask: np.ndarray, times: np.ndarray, min_s: float) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, m in enumerate([*mask, False]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            if times[i - 1] - times[start] >= min_s:
                runs.append((start, i - 1))
            start = None
    return runs


def movement_events(actors: list[Actor], loco: dict, times: np.ndarray) -> list[Event]:
    """pacing from pace actions; rapid_approach and too_close from the trajectories."""
    events = []
    for a in actors:
        for act in a.actions:
            if act.kind == "pace":
                moving = (loco[a.id]["speed"] > 0.05) & (times >= act.at)
                idx = np.flatnonzero(moving)
                if len(idx):
                    events.append(Event("pacing", a.id, float(times[idx[0]]), float(times[idx[-1]])))
    for i, a in enumerate(actors):
        for b in actors[i + 1 :]:
            pa = np.stack([loco[a.id]["x"], loco[a.id]["y"]], axis=1)
            pb = np.stack([loco[b.id]["x"], loco[b.id]["y"]], axis=1)
            dist = np.linalg.norm(pa - pb, axis=1)
            closing = -np.gradient(dist, times)
            for s, e in _runs(closing > RAPID_APPROACH_MPS, times, MIN_PAIR_EVENT_S):
                unit = (pb[s] - pa[s]) / max(dist[s], 1e-9)
                va = np.dot(pa[min(e, len(times) - 1)] - pa[s], unit)
                vb = np.dot(pb[min(e, len(times) - 1)] - pb[s], -unit)
                mover, other = (a.id, b.id) if va >= vb else (b.id, a.id)
                events.append(Event("rapid_approach", mover, float(times[s]), float(times[e]), other))
            for s, e in _runs(dist < TOO_CLOSE_M, times, MIN_PAIR_EVENT_S):
                back = max(0, s - int(2.0 / (times[1] - times[0])))
                moved_a = np.linalg.norm(pa[s] - pa[back])
                moved_b = np.linalg.norm(pb[s] - pb[back])
                mover, other = (a.id, b.id) if moved_a >= moved_b else (b.id, a.id)
                events.append(Event("too_close", mover, float(times[s]), float(times[e]), other))
    return events
