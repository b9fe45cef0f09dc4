"""Runs inside Blender (`blender -b -noaudio -P blender_scene.py -- job.json`): renders posed bodies.

Blender only draws here. Every pose, every vertex position and every ground-truth number is computed by
cuedetect beforehand and handed over in the job; this script skins the meshes with the same numpy code
(`cuedetect.studio.skinning`) and renders each requested frame with the Workbench engine. Frames already
on disk are skipped, so an interrupted render resumes where it stopped.
"""

import json
import os
import sys

import bpy  # type: ignore[import-not-found]
import numpy as np
from mathutils import Matrix  # type: ignore[import-not-found]


def _material(name, rgb):
    mat = bpy.data.materials.new(name)
    mat.diffuse_color = (*rgb, 1.0)
    mat.roughness = 0.6
    return mat


def _plane(name, corners, rgb):
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata([tuple(c) for c in corners], [], [(0, 1, 2, 3)])
    obj = bpy.data.objects.new(name, mesh)
    obj.data.materials.append(_material(name, rgb))
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _box(name, item):
    """Furniture: an axis-aligned box standing on the floor (the ground truth tests rays against it)."""
    (cx, cy), (sx, sy, sz) = item["center"], item["size"]
    corners = [
        (cx + dx * sx / 2, cy + dy * sy / 2, z)
        for z in (0.0, sz)
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]
    faces = [(0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)]
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(corners, [], faces)
    obj = bpy.data.objects.new(name, mesh)
    obj.data.materials.append(_material(name, item.get("colour", (0.45, 0.33, 0.22))))
    bpy.context.scene.collection.objects.link(obj)
    return obj


def build_scene(job):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.render.resolution_x, scene.render.resolution_y = job["size"]
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "JPEG"
    scene.render.image_settings.quality = 92
    scene.display.render_aa = job.get("aa", "FXAA")
    shading = scene.display.shading
    shading.light = "STUDIO"
    shading.color_type = "MATERIAL"
    shading.show_shadows = True
    shading.shadow_intensity = job["light"]["shadow"]
    shading.use_world_space_lighting = True
    shading.studiolight_rotate_z = np.radians(job["light"]["rotate_deg"])
    scene.display.light_direction = tuple(job["light"]["direction"])
    scene.view_settings.exposure = job["light"]["exposure"]
    scene.world = bpy.data.worlds.new("world")
    scene.world.color = tuple(job["room"]["wall"])

    room = job["room"]
    w, d, f = room["width"] / 2, room["depth"], room.get("front", -8.0)
    _plane("floor", [(-w, f, 0), (w, f, 0), (w, d, 0), (-w, d, 0)], room["floor"])
    _plane("back", [(-w, d, 0), (w, d, 0), (w, d, 3), (-w, d, 3)], room["wall"])
    _plane("left", [(-w, f, 0), (-w, d, 0), (-w, d, 3), (-w, f, 3)], room["side_wall"])
    _plane("right", [(w, d, 0), (w, f, 0), (w, f, 3), (w, d, 3)], room["side_wall"])
    for k, item in enumerate(room.get("furniture", [])):
        _box(f"furniture{k}", item)

    cam = job["camera"]
    data = bpy.data.cameras.new("cam")
    data.sensor_fit = "HORIZONTAL"
    data.angle = np.radians(cam["fov_deg"])
    data.clip_start, data.clip_end = 0.05, 100.0
    obj = bpy.data.objects.new("cam", data)
    R = np.asarray(cam["R"]).T @ np.diag([1.0, -1.0, -1.0])  # OpenCV camera -> Blender camera axes
    M = np.eye(4)
    M[:3, :3], M[:3, 3] = R, cam["position"]
    obj.matrix_world = Matrix(M.tolist())
    scene.collection.objects.link(obj)
    scene.camera = obj

    people = []
    for person in job["persons"]:
        arr = np.load(person["arrays"])
        mesh = bpy.data.meshes.new(person["id"])
        mesh.from_pydata(arr["verts"].tolist(), [], arr["faces"].tolist())
        for k, rgb in enumerate(person["colours"]):
            mesh.materials.append(_material(f"{person['id']}-{k}", rgb))
        mesh.polygons.foreach_set("material_index", arr["face_material"].astype(np.int32))
        mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), dtype=bool))
        ob = bpy.data.objects.new(person["id"], mesh)
        scene.collection.objects.link(ob)
        people.append((mesh, arr))
    return scene, people


def main():
    with open(sys.argv[sys.argv.index("--") + 1]) as fh:
        job = json.load(fh)
    sys.path.insert(0, job["package_root"])
    from cuedetect.studio.skinning import skin

    scene, people = build_scene(job)
    for frame in job["frames"]:
        out = job["pattern"] % frame
        if os.path.exists(out):
            continue
        for mesh, arr in people:
            verts = skin(
                arr["verts"],
                arr["rest_heads"],
                arr["G"][frame],
                arr["P"][frame],
                arr["weight_bones"],
                arr["weight_values"],
            )
            mesh.vertices.foreach_set("co", verts.astype(np.float32).ravel())
            mesh.update()
        tmp = out + ".tmp.jpg"
        scene.render.filepath = tmp
        bpy.ops.render.render(write_still=True)
        os.replace(tmp, out)


main()
