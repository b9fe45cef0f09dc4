from __future__ import annotations

import numpy as np
import pytest

from cuedetect.landmarks import INDEX, NUM_LANDMARKS
from cuedetect.training.pose_noise import LEVELS, apply_pose_noise, load_profile, measure
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track

FLAT = [0.0] * len(LEVELS)


def _vis(seen: float, hidden: float) -> dict:
    return {"seen": [seen] * len(LEVELS), "hidden": [hidden] * len(LEVELS), "outside": [0.0] * len(LEVELS)}


def _profile(vis_seen: float = 0.9, vis_hidden: float = 0.2, error: float = 0.0, found: float = 1.0,
             wrist_swap: float = 0.0, offset_up: float = 0.0) -> dict:  # fmt: skip
    groups = ("face", "shoulder", "elbow", "wrist", "hand", "hip", "knee", "foot")
    return {
        "levels": list(LEVELS),
        "found": {"eye_level": found},
        "swap": {"wrists": wrist_swap, "body": 0.0},
        "offset": {str(j): [offset_up if j in (11, 12) else 0.0, 0.0] for j in range(NUM_LANDMARKS)},
        "vis": {"all": {g: _vis(vis_seen, vis_hidden) for g in groups}},
        "error": {"all": {g: [error] * len(LEVELS) for g in groups}},
        "world": {g: {"slope_z": 0.5, "sd": [0.0, 0.0, 0.0]} for g in groups},
        "correlation_s": 0.5,
    }


def test_a_clean_profile_keeps_seen_joints_and_flattens_depth() -> None:
    tr = posed_track("point", "neutral", n=12)
    before = tr.xy.copy()
    out = apply_pose_noise([tr], np.random.default_rng(0), _profile(), ASPECT, "eye_level")[0]
    np.testing.assert_array_equal(tr.xy, before)  # input untouched
    np.testing.assert_allclose(out.xy, tr.xy, atol=1e-9)
    assert np.allclose(out.vis, 0.9)
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    hip_z = tr.world[:, hips, 2].mean(1)
    wr = INDEX["right_wrist"]
    np.testing.assert_allclose(out.world[:, wr, 2] - hip_z, 0.5 * (tr.world[:, wr, 2] - hip_z), atol=1e-9)


def test_hidden_joints_get_the_hidden_visibility_and_lose_their_image_point() -> None:
    vis = np.ones((10, NUM_LANDMARKS))
    vis[:, INDEX["left_wrist"]] = 0.3  # the simulation says: behind the body
    tr = posed_track("behind", "behind", n=10, vis=vis)
    out = apply_pose_noise([tr], np.random.default_rng(1), _profile(), ASPECT, "eye_level")[0]
    assert np.allclose(out.vis[:, INDEX["left_wrist"]], 0.2)
    assert np.isnan(out.xy[:, INDEX["left_wrist"]]).all()
    assert np.isfinite(out.xy[:, INDEX["right_wrist"]]).all()
    assert np.isfinite(out.world[:, INDEX["left_wrist"]]).all()  # world landmarks stay, as MediaPipe's


def test_offsets_move_shoulders_up_by_torso_lengths_and_errors_have_their_size() -> None:
    tr = posed_track(n=10)
    out = apply_pose_noise([tr], np.random.default_rng(2), _profile(offset_up=0.1), ASPECT, "eye_level")[0]
    sh = INDEX["left_shoulder"]
    torso = np.linalg.norm((tr.xy[:, [11, 12]].mean(1) - tr.xy[:, [23, 24]].mean(1)) * [ASPECT, 1], axis=-1)
    np.testing.assert_allclose(tr.xy[:, sh, 1] - out.xy[:, sh, 1], 0.1 * torso, rtol=1e-6)  # up is -y
    noisy = apply_pose_noise([tr], np.random.default_rng(3), _profile(error=0.2), ASPECT, "eye_level")[0]
    dist = np.linalg.norm((noisy.xy - tr.xy) * [ASPECT, 1], axis=-1) / torso[:, None]
    np.testing.assert_allclose(dist, 0.2, rtol=1e-6)


def test_lost_frames_and_swaps_follow_their_rates() -> None:
    tr = posed_track("raised_up", "neutral", n=400)
    out = apply_pose_noise([tr], np.random.default_rng(4), _profile(found=0.8, wrist_swap=0.3), ASPECT,
                           "eye_level")[0]  # fmt: skip
    lost = np.isnan(out.xy).all(axis=(1, 2))
    assert 0.1 < lost.mean() < 0.3
    kept = ~lost
    swapped = np.isclose(out.xy[kept, INDEX["left_wrist"], 1], tr.xy[kept, INDEX["right_wrist"], 1])
    assert 0.15 < swapped.mean() < 0.45


def test_the_same_seed_gives_the_same_noise() -> None:
    tr = posed_track("crossed", "crossed", n=20)
    prof = load_profile()
    a = apply_pose_noise([tr], np.random.default_rng(5), prof, ASPECT, "far")[0]
    b = apply_pose_noise([tr], np.random.default_rng(5), prof, ASPECT, "far")[0]
    np.testing.assert_array_equal(a.xy, b.xy)
    assert not np.allclose(np.nan_to_num(a.xy), tr.xy)


def _paired(shift: float, swap_rows: int, n: int = 60) -> dict:
    tr = posed_track("raised_up", "neutral", n=n)
    mp = tr.xy.copy()
    torso = np.linalg.norm((tr.xy[:, [11, 12]].mean(1) - tr.xy[:, [23, 24]].mean(1)) * [ASPECT, 1], axis=-1)
    mp[:, INDEX["nose"], 1] -= shift * torso  # the engine's nose sits higher by `shift` torso lengths
    mp[:swap_rows, [15, 16]] = mp[:swap_rows, [16, 15]]
    person = {"xy": tr.xy, "world": tr.world, "state": np.zeros((n, NUM_LANDMARKS), int),
              "in_view": np.ones(n, bool), "mp_xy": mp, "mp_vis": np.full((n, NUM_LANDMARKS), 0.8),
              "mp_world": tr.world * [1, 1, 0.5], "found": np.arange(n) >= 6}  # fmt: skip
    return {"framing": "eye_level", "aspect": ASPECT, "persons": [person]}


def test_measure_recovers_offsets_swaps_visibility_and_found_rate() -> None:
    prof = measure([_paired(0.05, 15)])
    assert prof["offset"][str(INDEX["nose"])][0] == pytest.approx(0.05, abs=1e-3)
    assert prof["offset"][str(INDEX["left_knee"])] == [0.0, 0.0]
    assert prof["found"]["eye_level"] == pytest.approx(0.9)
    assert prof["swap"]["wrists"] == pytest.approx(9 / 54, abs=1e-4)  # rows 6-14 of the 54 found rows
    assert prof["vis"]["all"]["wrist"]["seen"][0] == pytest.approx(0.8)
    assert prof["world"]["wrist"]["slope_z"] == pytest.approx(0.5, abs=1e-6)
