"""A MakeHuman body made to measure: mesh, skeleton at rest, skin weights, clothes and landmark anchors.

Body frame: metres, x = the person's right, y = forward, z = up, feet on z = 0, pelvis above the origin.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cuedetect.landmarks import LANDMARK_NAMES
from cuedetect.studio.assets import TARGET_DIR, body_assets

# obj (decimetres, y up, facing +z, +x = person's left) -> body frame (metres, z up, facing +y, +x = right)
OBJ_TO_BODY = np.array([[-0.1, 0.0, 0.0], [0.0, 0.0, 0.1], [0.0, 0.1, 0.0]])
MAX_INFLUENCES = 4

MATERIALS = ("skin", "shirt", "trousers", "shoes", "hair", "eye_white", "iris", "brows")
SKIN, SHIRT, TROUSERS, SHOES, HAIR, EYE_WHITE, IRIS, BROWS = range(len(MATERIALS))
RENDERED_GROUPS = ("body", "helper-hair", "helper-l-eye", "helper-r-eye")


@dataclass(frozen=True)
class BodyShape:
    """Who is being rendered. `sex` 0 = female .. 1 = male; `weight` 0 = slim .. 1 = heavy."""

    sex: float = 0.5
    height_m: float = 1.72
    weight: float = 0.5
    ethnicity: tuple[float, float, float] = (1 / 3, 1 / 3, 1 / 3)  # african, asian, caucasian
    long_sleeves: bool = True
    hair: str = "short"  # "short", "long" or "none"


@dataclass(frozen=True)
class Body:
    """Rest-pose geometry of one person in the body frame."""

    verts: np.ndarray  # (V, 3) rest vertices of the rendered mesh
    faces: np.ndarray  # (F, 4) quads, indices into verts
    face_material: np.ndarray  # (F,) index into MATERIALS
    bone_names: tuple[str, ...]
    parents: np.ndarray  # (B,) parent index, -1 for the root; parents come before children
    heads: np.ndarray  # (B, 3) rest joint positions (bone heads)
    tails: np.ndarray  # (B, 3)
    weight_bones: np.ndarray  # (V, K) bone index per influence
    weight_values: np.ndarray  # (V, K) weights summing to 1
    anchors: np.ndarray  # (33, 3) rest positions of MediaPipe's landmarks
    anchor_bones: np.ndarray  # (33,) bone each landmark moves with

    def bone(self, name: str) -> int:
        return self.bone_names.index(name)


@functools.cache
def _base() -> dict:
    root = body_assets()
    verts, faces, groups = [], [], []
    group = None
    with open(root / "3dobjs/base.obj") as fh:
        for line in fh:
            if line.startswith("v "):
                verts.append([float(v) for v in line.split()[1:4]])
            elif line.startswith("g "):
                group = line.split()[1]
            elif line.startswith("f "):
                faces.append([int(t.split("/")[0]) - 1 for t in line.split()[1:5]])
                groups.append(group)
    rig = json.loads((root / "rigs/standard/rig.default.json").read_text())
    weights = json.loads((root / "rigs/standard/weights.default.json").read_text())["weights"]
    vgroups = json.loads((root / "mesh_metadata/basemesh_vertex_groups.json").read_text())
    return {
        "verts": np.asarray(verts),
        "faces": np.asarray(faces),
        "face_groups": np.asarray(groups),
        "rig": rig,
        "weights": weights,
        "vgroups": {k: np.concatenate([np.arange(a, b + 1) for a, b in v]) for k, v in vgroups.items()},
        "root": root,
    }


@functools.cache
def _target(name: str) -> tuple[np.ndarray, np.ndarray]:
    path = _base()["root"] / TARGET_DIR / f"{name}.target.gz"
    idx, delta = [], []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                parts = line.split()
                idx.append(int(parts[0]))
                delta.append([float(v) for v in parts[1:4]])
    return np.asarray(idx, dtype=int), np.asarray(delta, dtype=float).reshape(-1, 3)


def _morph(shape: BodyShape) -> np.ndarray:
    """Apply MakeHuman's macro targets for sex, ethnicity and weight (obj units)."""
    verts = _base()["verts"].copy()
    eth = np.asarray(shape.ethnicity, dtype=float)
    eth = eth / eth.sum()
    sexes = (("female", 1.0 - shape.sex), ("male", shape.sex))
    for ethnic, p in zip(("african", "asian", "caucasian"), eth, strict=True):
        for sex, s in sexes:
            idx, d = _target(f"{ethnic}-{sex}-young")
            verts[idx] += p * s * d
    w = (shape.weight - 0.5) * 2.0
    if abs(w) > 1e-6:
        which = "maxweight" if w > 0 else "minweight"
        for sex, s in sexes:
            idx, d = _target(f"universal-{sex}-young-averagemuscle-{which}")
            verts[idx] += abs(w) * s * d
    return verts


def _joint_positions(verts: np.ndarray, rig: dict, vgroups: dict) -> tuple[list[str], dict, dict]:
    def locate(spec: dict) -> np.ndarray | None:
        if spec["strategy"] == "CUBE":
            return verts[vgroups[spec["cube_name"]]].mean(axis=0)
        if spec["strategy"] == "VERTEX":
            return verts[spec["vertex_index"]]
        return None

    names = sorted(rig)
    heads = {n: locate(rig[n]["head"]) for n in names}
    tails = {n: locate(rig[n]["tail"]) for n in names}
    for n in names:  # MEAN ends split a segment evenly (upperarm01 -> upperarm02, neck01..neck03)
        if tails[n] is None and heads[n] is not None:
            chain = [n]
            while tails[chain[-1]] is None:
                kids = [c for c in names if rig[c]["parent"] == chain[-1] and heads[c] is None]
                if not kids:
                    break
                chain.append(kids[0])
            end = tails[chain[-1]]
            if end is None:
                continue
            for k, bone in enumerate(chain[:-1], start=1):
                tails[bone] = heads[chain[k]] = heads[n] + (end - heads[n]) * k / len(chain)
    for n in _topological(names, rig):  # anything left keeps the rig's default bone vector
        default = np.asarray(rig[n]["tail"]["default_position"]) - np.asarray(
            rig[n]["head"]["default_position"]
        )
        if heads[n] is None:
            heads[n] = tails[rig[n]["parent"]]
        if tails[n] is None:
            tails[n] = heads[n] + _blender_to_obj(default)
    return names, heads, tails


def _blender_to_obj(v: np.ndarray) -> np.ndarray:
    """MPFB's rig defaults are Blender coordinates (metres, z up, facing -y); the obj is decimetres, y up."""
    return np.array([v[0], v[2], -v[1]]) * 10.0


def _topological(names: list[str], rig: dict) -> list[str]:
    order, seen = [], set()

    def visit(n: str) -> None:
        if n in seen:
            return
        parent = rig[n]["parent"]
        if parent:
            visit(parent)
        seen.add(n)
        order.append(n)

    for n in names:
        visit(n)
    return order


def _face_materials(base: dict, verts_body: np.ndarray, dominant: list[str], shape: BodyShape, heads: dict):
    faces, groups = base["faces"], base["face_groups"]
    keep = np.isin(groups, RENDERED_GROUPS)
    if shape.hair == "none":
        keep &= groups != "helper-hair"
    else:
        eyes = verts_body[np.concatenate([base["vgroups"]["helper-l-eye"], base["vgroups"]["helper-r-eye"]])]
        centres = verts_body[faces].mean(axis=1)
        hair = groups == "helper-hair"
        # the helper's fringe hangs over the eyes and face: keep the face free below the hairline
        front = centres[:, 1] > eyes[:, 1].mean() - 0.035
        keep &= ~(hair & front & (centres[:, 2] < eyes[:, 2].mean() + 0.045))
        if shape.hair == "short":  # cut the long hair helper just below the ears
            keep &= ~hair | (centres[:, 2] > eyes[:, 2].mean() - 0.035)
    faces, groups = faces[keep], groups[keep]
    vmat = np.full(len(verts_body), SKIN)
    hip_z = heads["upperleg01.L"][2]
    shoulder_z = heads["upperarm01.L"][2]
    belt_z = hip_z + 0.3 * (shoulder_z - hip_z)
    neck_z = heads["neck01"][2] - 0.02
    for i, bone in enumerate(dominant):
        z = verts_body[i, 2]
        if bone.startswith(("foot", "toe")):
            vmat[i] = SHOES
        elif bone.startswith(("upperleg", "lowerleg")):
            vmat[i] = TROUSERS
        elif bone.startswith(("spine", "root", "pelvis", "breast", "clavicle", "shoulder")):
            vmat[i] = TROUSERS if z < belt_z else (SHIRT if z < neck_z else SKIN)
        elif bone.startswith("upperarm") or (shape.long_sleeves and bone.startswith("lowerarm")):
            vmat[i] = SHIRT
    fmat = np.array([np.bincount(vmat[f], minlength=len(MATERIALS)).argmax() for f in faces])
    fmat[groups == "helper-hair"] = HAIR
    for side in ("l", "r"):
        eye = groups == f"helper-{side}-eye"
        fmat[eye] = EYE_WHITE
        centroid_y = verts_body[faces[eye]].mean(axis=1)[:, 1]
        fmat[np.flatnonzero(eye)[centroid_y >= np.quantile(centroid_y, 0.75)]] = IRIS
    # eyebrows: skin just above the eyes, toward the front of the face
    eye_c = verts_body[base["vgroups"]["helper-l-eye"]].mean(axis=0)
    fc = verts_body[faces].mean(axis=1)
    brow = (
        (fmat == SKIN)
        & (fc[:, 2] > eye_c[2] + 0.012)
        & (fc[:, 2] < eye_c[2] + 0.025)
        & (np.abs(np.abs(fc[:, 0]) - abs(eye_c[0])) < 0.022)
        & (fc[:, 1] > eye_c[1] - 0.01)
    )
    fmat[brow] = BROWS
    return faces, fmat


def _anchors(verts: np.ndarray, heads: dict, vgroups: dict, dominant: list[str], bone_index: dict):
    """Rest positions of MediaPipe's 33 landmarks and the bone each one rides on."""
    body_ids = np.arange(13380)
    head_v = body_ids[
        [
            dominant[i] in ("head", "jaw")
            or dominant[i].startswith(("oris", "orbic", "oculi", "levator", "risor", "temporal", "special"))
            for i in body_ids
        ]
    ]
    pts: dict[str, tuple[np.ndarray, str]] = {}
    hv = verts[head_v]
    nose = hv[np.argmax(hv[:, 1] - 3.0 * np.abs(hv[:, 0]))]
    pts["nose"] = (nose, "head")
    for side, s in (("left", "l"), ("right", "r")):
        eye = verts[vgroups[f"helper-{s}-eye"]].mean(axis=0)
        sign = -1.0 if side == "left" else 1.0  # the person's left is -x
        pts[f"{side}_eye"] = (eye, "head")
        pts[f"{side}_eye_inner"] = (eye + [-sign * 0.014, 0.004, 0.0], "head")
        pts[f"{side}_eye_outer"] = (eye + [sign * 0.016, 0.0, 0.0], "head")
        band = hv[np.abs(hv[:, 2] - eye[2]) < 0.015]
        ear = band[np.argmax(sign * band[:, 0])]
        pts[f"{side}_ear"] = (ear - [sign * 0.005, 0.0, 0.0], "head")
        mouth = verts[vgroups["joint-mouth"]].mean(axis=0)
        pts[f"mouth_{side}"] = (mouth + [sign * 0.022, 0.0, 0.0], "jaw")
        L = s.upper()
        pts[f"{side}_shoulder"] = (heads[f"upperarm01.{L}"], f"upperarm01.{L}")
        pts[f"{side}_elbow"] = (heads[f"lowerarm01.{L}"], f"lowerarm01.{L}")
        pts[f"{side}_wrist"] = (heads[f"wrist.{L}"], f"wrist.{L}")
        pts[f"{side}_pinky"] = (heads[f"finger5-1.{L}"], f"finger5-1.{L}")
        pts[f"{side}_index"] = (heads[f"finger2-1.{L}"], f"finger2-1.{L}")
        pts[f"{side}_thumb"] = (heads[f"finger1-2.{L}"], f"finger1-2.{L}")
        pts[f"{side}_hip"] = (heads[f"upperleg01.{L}"], f"upperleg01.{L}")
        pts[f"{side}_knee"] = (heads[f"lowerleg01.{L}"], f"lowerleg01.{L}")
        pts[f"{side}_ankle"] = (heads[f"foot.{L}"], f"foot.{L}")
        foot_bone = re.compile(rf"(foot|toe.*)\.{L}")
        on_foot = [i for i in body_ids if foot_bone.fullmatch(dominant[i])]
        foot_v = verts[on_foot]
        heel = foot_v[foot_v[:, 2] < 0.04]
        pts[f"{side}_heel"] = (heel[np.argmin(heel[:, 1])], f"foot.{L}")
        pts[f"{side}_foot_index"] = (foot_v[np.argmax(foot_v[:, 1])], f"foot.{L}")
    anchors = np.array([pts[n][0] for n in LANDMARK_NAMES])
    anchor_bones = np.array([bone_index[pts[n][1]] for n in LANDMARK_NAMES])
    return anchors, anchor_bones


@functools.lru_cache(maxsize=8)
def build_body(shape: BodyShape) -> Body:
    """Morph, scale to `shape.height_m`, rig and dress one body."""
    base = _base()
    rig = base["rig"]
    verts_obj = _morph(shape)
    names, heads_obj, tails_obj = _joint_positions(verts_obj, rig, base["vgroups"])
    order = _topological(names, rig)
    index = {n: i for i, n in enumerate(order)}
    to_body = lambda p: np.asarray(p) @ OBJ_TO_BODY.T  # noqa: E731
    verts = to_body(verts_obj)
    body_part = verts[:13380]
    top = body_part[:, 2].max()
    # stand on the floor and scale to the requested stature (top of the head; hair not counted)
    floor = body_part[:, 2].min()
    scale = shape.height_m / (top - floor)
    offset = np.array([0.0, 0.0, -floor])
    place = lambda p: (to_body(p) + offset) * scale  # noqa: E731
    verts = (verts + offset) * scale
    heads = np.array([place(heads_obj[n]) for n in order])
    tails = np.array([place(tails_obj[n]) for n in order])
    parents = np.array([index[rig[n]["parent"]] if rig[n]["parent"] else -1 for n in order])

    # skin weights: keep the strongest influences per vertex
    wmat = np.zeros((len(verts), len(order)))
    for bone, pairs in base["weights"].items():
        if bone in index and pairs:
            vi, w = np.asarray(pairs).T
            wmat[vi.astype(int), index[bone]] = w
    wb = np.argsort(-wmat, axis=1)[:, :MAX_INFLUENCES]
    wv = np.take_along_axis(wmat, wb, axis=1)
    wv /= np.maximum(wv.sum(axis=1, keepdims=True), 1e-9)
    dominant = [order[b] for b in wb[:, 0]]
    heads_by_name = {n: heads[i] for i, n in enumerate(order)}
    faces, fmat = _face_materials(base, verts, dominant, shape, heads_by_name)
    anchors, anchor_bones = _anchors(verts, heads_by_name, base["vgroups"], dominant, index)

    used = np.unique(faces)
    remap = np.full(len(verts), -1)
    remap[used] = np.arange(len(used))
    return Body(
        verts=verts[used],
        faces=remap[faces],
        face_material=fmat,
        bone_names=tuple(order),
        parents=parents,
        heads=heads,
        tails=tails,
        weight_bones=wb[used],
        weight_values=wv[used],
        anchors=anchors,
        anchor_bones=anchor_bones,
    )


def assets_root() -> Path:
    return _base()["root"]
