"""How much of each hand the camera sees: the posed mesh's vertices through a point z-buffer.

gt.json's `occluded` says only whether a held cue tucks a hand away (arms crossed, hands behind the
back); a hand behind the person's own neck or head, or behind another person, counts as in view there.
Here each person's mesh is skinned as the renderer skins it, every vertex projected, and a hand's
vertices are hidden where any other vertex (the rest of the body, the other hand, other people) lies
nearer the camera at the same pixel. A diagnostic for scoring hand states (`bench/eval_hands.py
--hidden`); the renderer's own depth would be exact, this misses thin gaps between vertices (closed by a
small min-filter). Needs only the compiled scenario, not Blender.
"""

from __future__ import annotations

import numpy as np

from cuedetect.studio.skinning import skin

HAND_BONE_PREFIXES = ("wrist", "finger", "metacarpal")


def hand_vertices(body) -> dict[str, np.ndarray]:
    """Per side ("left", "right"): (V,) True for the vertices moved most by that hand's bones."""
    dominant = body.weight_bones[np.arange(len(body.verts)), body.weight_values.argmax(axis=1)]
    names = np.array(body.bone_names, dtype=object)[dominant]
    return {
        side: np.array([n.startswith(HAND_BONE_PREFIXES) and n.endswith(f".{s}") for n in names])
        for side, s in (("left", "L"), ("right", "R"))
    }


def _zbuffer(size: tuple[int, int], layers: list[tuple[np.ndarray, np.ndarray]], splat: int) -> np.ndarray:
    import cv2

    w, h = size
    zbuf = np.full((h, w), np.inf, np.float32)
    for px, z in layers:
        ok = (z > 0) & np.isfinite(px).all(axis=1)
        p = np.round(px[ok]).astype(int)
        inside = (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)
        np.minimum.at(zbuf, (p[inside, 1], p[inside, 0]), z[ok][inside].astype(np.float32))
    return cv2.erode(zbuf, np.ones((2 * splat + 1, 2 * splat + 1), np.uint8))  # a min-filter


def hidden_hand_shares(compiled, camera, splat: int = 2, margin_m: float = 0.01) -> list[dict]:
    """For each compiled frame: {person: {side: share of the hand's vertices in the picture that something
    nearer covers (0..1), NaN when none is in the picture}}.

    Args:
        compiled: `render.compile_scenario(...)` (its frames, bodies, rotations and heads).
        camera: the scenario's `Camera`.
        splat: half-width in pixels of the min-filter that closes gaps between projected vertices.
        margin_m: a vertex counts as covered when something lies this much nearer.
    """
    size = (camera.width, camera.height)
    sides = {pid: hand_vertices(b) for pid, b in compiled.bodies.items()}
    out = []
    for i in range(len(compiled.frames)):
        seen = {}
        for pid, b in compiled.bodies.items():
            v = skin(b.verts, b.heads, compiled.rotations[pid][i], compiled.heads[pid][i], b.weight_bones,
                     b.weight_values)  # fmt: skip
            xy, z = camera.project(v)
            seen[pid] = (xy * np.array(size), z)
        frame = {}
        for pid in compiled.bodies:
            frame[pid] = {}
            for side, mine in sides[pid].items():
                layers = [(xy, z) if q != pid else (xy[~mine], z[~mine]) for q, (xy, z) in seen.items()]
                zbuf = _zbuffer(size, layers, splat)
                xy, z = seen[pid][0][mine], seen[pid][1][mine]
                p = np.round(xy).astype(int)
                ok = (z > 0) & (p[:, 0] >= 0) & (p[:, 0] < size[0]) & (p[:, 1] >= 0) & (p[:, 1] < size[1])
                if not ok.any():
                    frame[pid][side] = float("nan")
                    continue
                covered = z[ok] > zbuf[p[ok, 1], p[ok, 0]] + margin_m
                frame[pid][side] = float(covered.mean())
        out.append(frame)
    return out
