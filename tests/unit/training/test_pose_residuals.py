from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cuedetect.errors import InputError
from cuedetect.landmarks import INDEX, NUM_LANDMARKS
from cuedetect.training.dataset import Clip, dataset
from cuedetect.training.pose_residuals import (
    PoseDistortion,
    clip_folders,
    descriptor,
    paired_rows,
    world_frame,
)
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track

WR = INDEX["right_wrist"]


def _paired(tr, world_shift=(0.0, 0.0, 0.0), image_up: float = 0.0, vis: float = 1.0) -> dict:
    """A paired person whose 'engine' reading moves the right wrist by `world_shift` (torso frame:
    right, up, forward, torso lengths) and by `image_up` torso lengths along the picture's torso up."""
    from cuedetect.training.pose_noise import _torso_frame

    _hip, axes, length = world_frame(tr.world)
    mp_world = tr.world.copy()
    mp_world[:, WR] += np.einsum("a,nac->nc", np.asarray(world_shift, float), axes) * length[:, None]
    torso, up, _right = _torso_frame(tr.xy, ASPECT)
    mp_xy = tr.xy.copy()
    mp_xy[:, WR] += image_up * up * torso[:, None] / [ASPECT, 1.0]
    n = len(tr)
    mp_vis = np.ones((n, NUM_LANDMARKS))
    mp_vis[:, WR] = vis
    return {"xy": tr.xy, "world": tr.world, "in_view": np.ones(n, bool), "found": np.ones(n, bool),
            "mp_xy": mp_xy, "mp_vis": mp_vis, "mp_world": mp_world}  # fmt: skip


def _fit(*persons, mirror: bool = False, k: int = 8) -> PoseDistortion:
    rows = paired_rows({"aspect": ASPECT, "persons": list(persons)}, mirror=mirror)
    return PoseDistortion.from_rows([rows], k=k)


def test_the_residual_is_applied_in_the_persons_own_torso_frame() -> None:
    # learned on a person facing the camera: the engine reads the wrist 0.2 torso lengths further forward
    model = _fit(_paired(posed_track("point", n=6), world_shift=(0.0, 0.0, 0.2), image_up=0.1))
    turned = posed_track("point", n=6, yaw=0.0)  # the same pose turned 90 degrees: forward is now sideways
    out = model.apply([turned], np.random.default_rng(0), ASPECT)[0]
    _hip, axes, length = world_frame(turned.world)
    moved = out.world[:, WR] - turned.world[:, WR]
    np.testing.assert_allclose(moved, 0.2 * axes[:, 2] * length[:, None], atol=1e-5)
    assert np.abs(axes[:, 2] - world_frame(posed_track("point", n=6).world)[1][:, 2]).max() > 0.5
    other = [j for j in range(NUM_LANDMARKS) if j != WR]
    np.testing.assert_allclose(out.world[:, other], turned.world[:, other], atol=1e-6)
    from cuedetect.training.pose_noise import _torso_frame

    torso, up, _r = _torso_frame(turned.xy, ASPECT)
    np.testing.assert_allclose((out.xy[:, WR] - turned.xy[:, WR]) * [ASPECT, 1.0], 0.1 * up * torso[:, None],
                               atol=1e-5)  # fmt: skip


def test_a_pose_equal_to_a_training_pose_gets_exactly_that_poses_residual() -> None:
    model = _fit(_paired(posed_track("point", n=5), world_shift=(0.3, 0.0, 0.0)),
                 _paired(posed_track("crossed", "crossed", n=5), world_shift=(0.0, -0.4, 0.0)))  # fmt: skip
    tr = posed_track("crossed", "crossed", n=5)
    assert model.k == 8 and len(model.desc) == 10  # the 'point' frames are among the 8 neighbours
    out = model.apply([tr], np.random.default_rng(0), ASPECT)[0]
    _hip, axes, length = world_frame(tr.world)
    np.testing.assert_allclose(
        out.world[:, WR] - tr.world[:, WR], -0.4 * axes[:, 1] * length[:, None], atol=1e-5
    )
    # a pose between the two gets a mix of both residuals
    between = descriptor(tr.world)[:1] * 0.5 + descriptor(posed_track("point", n=1).world) * 0.5
    _img, world, _p, _v = model.predict(between)
    assert world[0, WR, 0] > 0.01 and world[0, WR, 1] < -0.01


def test_a_landmark_the_engine_did_not_see_loses_its_image_point_and_keeps_its_world_point() -> None:
    model = _fit(_paired(posed_track("behind", "behind", n=6), vis=0.1))
    tr = posed_track("behind", "behind", n=6)
    out = model.apply([tr], np.random.default_rng(0), ASPECT)[0]
    assert np.isnan(out.xy[:, WR]).all() and (out.vis[:, WR] < 0.5).all()
    assert np.isfinite(out.world[:, WR]).all()
    assert (
        np.isfinite(out.xy[:, INDEX["left_wrist"]]).all() and (out.vis[:, INDEX["left_wrist"]] >= 0.5).all()
    )


def test_missing_joints_and_frames_stay_missing() -> None:
    model = _fit(_paired(posed_track("point", n=6), world_shift=(0.0, 0.0, 0.2)))
    tr = posed_track("point", n=6)
    tr.xy[2] = np.nan
    tr.world[2] = np.nan
    tr.vis[2] = np.nan
    tr.xy[3, INDEX["left_elbow"]] = np.nan
    tr.world[4, INDEX["left_knee"]] = np.nan  # a descriptor joint: frame 4 is left as it is
    out = model.apply([tr], np.random.default_rng(0), ASPECT)[0]
    assert np.isnan(out.xy[2]).all() and np.isnan(out.world[2]).all() and np.isnan(out.vis[2]).all()
    assert np.isnan(out.xy[3, INDEX["left_elbow"]]).all()
    assert np.isnan(out.world[4, INDEX["left_knee"]]).all()
    np.testing.assert_array_equal(out.world[4, WR], tr.world[4, WR])
    assert not np.allclose(out.world[5, WR], tr.world[5, WR])


def test_deterministic_for_a_seed_and_the_random_errors_come_from_the_profile() -> None:
    from cuedetect.training.pose_noise import load_profile

    model = _fit(_paired(posed_track("point", n=12), world_shift=(0.0, 0.0, 0.2), vis=0.6), mirror=True)
    tr = posed_track("point", n=12)
    a, b, c = (model.apply([tr], np.random.default_rng(s), ASPECT, "eye_level", load_profile())[0]
               for s in (5, 5, 6))  # fmt: skip
    np.testing.assert_array_equal(a.xy, b.xy)
    np.testing.assert_array_equal(a.world, b.world)
    np.testing.assert_array_equal(a.vis, b.vis)
    assert not np.array_equal(np.nan_to_num(a.world), np.nan_to_num(c.world))


def test_mirrored_training_rows_double_the_frames() -> None:
    p = _paired(posed_track("point", n=4), world_shift=(0.2, 0.0, 0.0))
    one, both = (
        paired_rows({"aspect": ASPECT, "persons": [p]}, False),
        paired_rows({"aspect": ASPECT, "persons": [p]}),
    )
    assert len(both["desc"]) == 2 * len(one["desc"]) == 8
    assert np.isfinite(both["desc"]).all()
    # the mirror image's pose is the other arm pointing: its residual moves the left wrist
    left = INDEX["left_wrist"]
    assert np.abs(both["world"][4:, left]).max() > 0.1 and np.abs(both["world"][4:, WR]).max() < 1e-6


def test_held_out_clips_are_refused(tmp_path) -> None:
    d = tmp_path / "heldout_00000"
    (d / "analysis").mkdir(parents=True)
    (d / "scenario.yaml").write_text("{}")
    (d / "analysis" / "poses.parquet").write_bytes(b"")
    (d / "gt.json").write_text(json.dumps({"split": "heldout"}))
    with pytest.raises(InputError, match="heldout"):
        clip_folders([tmp_path])
    (d / "gt.json").write_text(json.dumps({"split": "train"}))
    assert clip_folders([tmp_path]) == [d]


@pytest.mark.parametrize("sim_noise", ["learned", "learned-only"])
def test_learned_noise_needs_a_distortion(sim_noise: str) -> None:
    tr = posed_track("point", n=4)
    clip = Clip("c", "c", "studio-sim", [tr], pd.DataFrame(), ASPECT, [])
    with pytest.raises(InputError, match="distortion"):
        dataset([clip], 0, sim_noise=sim_noise)
    model = _fit(_paired(posed_track("point", n=6), world_shift=(0.0, 0.0, 0.2)))
    X, _Y, _G, _W = dataset([clip], 0, sim_noise=sim_noise, distortion=model)
    assert len(X) == 4


def test_learned_only_is_the_residual_alone_and_learned_adds_random_errors() -> None:
    from cuedetect.training.dataset import simulated_pose_model

    model = _fit(_paired(posed_track("point", n=8), world_shift=(0.0, 0.0, 0.2)))
    tr = posed_track("point", n=8)
    clip = Clip("c", "c", "studio-sim", [tr], pd.DataFrame(), ASPECT, [], meta={"framing": "eye_level"})
    only = simulated_pose_model(clip, [tr], np.random.default_rng(0), "learned-only", model)[0]
    plain = model.apply([tr], np.random.default_rng(0), ASPECT)[0]
    np.testing.assert_array_equal(only.world, plain.world)
    noisy = simulated_pose_model(clip, [tr], np.random.default_rng(0), "learned", model)[0]
    assert not np.allclose(np.nan_to_num(noisy.world), np.nan_to_num(only.world))


def test_frames_the_engine_missed_or_out_of_view_give_no_training_rows() -> None:
    p = _paired(posed_track("point", n=6))
    p["found"] = np.array([True, True, False, False, True, True])
    p["in_view"] = np.array([True, True, True, True, True, False])
    rows = paired_rows({"aspect": ASPECT, "persons": [p]}, mirror=False)
    assert len(rows["desc"]) == 3 and (rows["vis"] == 1.0).all()


# -- --sim-noise learned-sample and mixed --------------------------------------------------------------
def _two_pose_model() -> PoseDistortion:
    return _fit(_paired(posed_track("point", n=6), world_shift=(0.3, 0.0, 0.0)),
                _paired(posed_track("crossed", "crossed", n=6), world_shift=(0.0, -0.4, 0.2)))  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learned_sample_gives_each_frame_one_of_its_neighbours_residuals(seed: int) -> None:
    model = _two_pose_model()
    # poses between the two training poses: their 8 nearest include frames of both
    tr = posed_track("point", n=12)
    tr.world = tr.world * 0.5 + posed_track("crossed", "crossed", n=12).world * 0.5
    desc = descriptor(tr.world)
    out = model.apply([tr], np.random.default_rng(seed), ASPECT, sample=True)[0]
    _hip, axes, length = world_frame(tr.world)
    moved = np.einsum("njc,nac->nja", (out.world - tr.world)[:, [WR]], axes)[:, 0] / length[:, None]
    idx, _w = model.neighbours(desc)
    assert all(len(np.unique(model.world[i, WR, 0].round(3))) == 2 for i in idx)  # both poses' residuals
    for f in range(len(tr)):
        # exactly the world residual of one of this frame's neighbours (not a mean of them)
        gaps = np.abs(model.world[idx[f], WR] - moved[f]).max(-1)
        assert gaps.min() < 1e-5, (f, moved[f])
        assert np.isclose(out.vis[f, WR], max(model.vis[idx[f][gaps.argmin()], WR], 0.5))


def test_learned_sample_draws_by_weight_and_holds_the_draw_for_half_a_second_or_more() -> None:
    from cuedetect.training.pose_residuals import segment_quantiles

    model = _two_pose_model()
    desc = descriptor(posed_track("point", n=1).world)
    assert model.sample(desc, np.array([0.0]))[0] == model.neighbours(desc)[0][0, 0]  # exact match: itself
    t = np.arange(0, 10, 1 / 15)
    u = segment_quantiles(np.random.default_rng(3), t)
    starts = np.flatnonzero(np.diff(u) != 0) + 1
    lengths = np.diff(np.r_[0, starts, len(t)]) / 15
    assert len(starts) >= 9 and (lengths[:-1] >= 0.5 - 1e-9).all() and (lengths <= 1.0 + 1 / 15).all()
    np.testing.assert_array_equal(u, segment_quantiles(np.random.default_rng(3), t))


def test_learned_sample_is_deterministic_for_a_seed() -> None:
    from cuedetect.training.dataset import simulated_pose_model

    model = _two_pose_model()
    tr = posed_track("point", n=12)
    clip = Clip("c", "c", "studio-sim", [tr], pd.DataFrame(), ASPECT, [], meta={"framing": "eye_level"})
    a, b = (simulated_pose_model(clip, [tr], np.random.default_rng(4), "learned-sample", model)[0]
            for _ in range(2))  # fmt: skip
    np.testing.assert_array_equal(a.world, b.world)
    np.testing.assert_array_equal(a.vis, b.vis)


def test_mixed_degrades_about_half_of_the_clips_the_learned_way_fixed_by_seed_and_clip() -> None:
    from cuedetect.training.dataset import MIXED_SHARE, mixed_is_learned

    names = [f"style_sim_{s}" for s in range(100000, 100400)]
    share = np.mean([mixed_is_learned(0, n) for n in names])
    assert MIXED_SHARE == 0.5 and 0.43 < share < 0.57
    assert [mixed_is_learned(0, n) for n in names] == [mixed_is_learned(0, n) for n in names]
    assert [mixed_is_learned(0, n) for n in names] != [mixed_is_learned(1, n) for n in names]


@pytest.mark.parametrize("seed", [0, 7])
def test_mixed_gives_a_clip_learned_or_simple_as_its_draw_says(seed: int) -> None:
    from cuedetect.training.dataset import mixed_is_learned, simulated_pose_model

    model = _fit(_paired(posed_track("point", n=8), world_shift=(0.0, 0.0, 0.2)))
    tr = posed_track("point", n=8)
    for name in ("a", "b", "c", "d", "e", "f"):
        clip = Clip(name, name, "studio-sim", [tr], pd.DataFrame(), ASPECT, [], meta={"framing": "eye_level"})
        mixed = simulated_pose_model(clip, [tr], np.random.default_rng(1), "mixed", model, seed)[0]
        way = "learned" if mixed_is_learned(seed, name) else "simple"
        alone = simulated_pose_model(clip, [tr], np.random.default_rng(1), way, model, seed)[0]
        np.testing.assert_array_equal(np.nan_to_num(mixed.world), np.nan_to_num(alone.world))


@pytest.mark.parametrize("sim_noise", ["learned-sample", "mixed"])
def test_new_modes_need_a_distortion_and_it_refuses_held_out_clips(sim_noise: str, tmp_path) -> None:
    from cuedetect.training.pose_residuals import distortion_for

    tr = posed_track("point", n=4)
    clip = Clip("c", "c", "studio-sim", [tr], pd.DataFrame(), ASPECT, [])
    with pytest.raises(InputError, match="distortion"):
        dataset([clip], 0, sim_noise=sim_noise)
    X, _Y, _G, _W = dataset([clip], 0, sim_noise=sim_noise, distortion=_two_pose_model())
    assert len(X) == 4
    d = tmp_path / "style_heldout" / "clip_00000"
    (d / "analysis").mkdir(parents=True)
    (d / "scenario.yaml").write_text("{}")
    (d / "analysis" / "poses.parquet").write_bytes(b"")
    (d / "gt.json").write_text(json.dumps({"split": "style_heldout"}))
    with pytest.raises(InputError, match="style_heldout"):
        distortion_for(sim_noise, [tmp_path / "style_heldout"])
    assert distortion_for("simple", [tmp_path / "style_heldout"]) is None
    with pytest.raises(InputError, match="sim-noise"):
        distortion_for("learned-mean", [])
