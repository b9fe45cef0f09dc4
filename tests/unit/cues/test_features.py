from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.cues.features import build_features, feature_columns
from cuedetect.cues.settings import CueSettings
from cuedetect.training.augment import mirror
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track


def _mid(track, col: str) -> float:
    f = build_features([track], None, ASPECT)
    return float(f[col].iloc[len(f) // 2])


@pytest.mark.parametrize(
    ("right", "left", "col", "lo", "hi"),
    [
        ("raised_up", "neutral", "hi_wr_above_sh", 0.5, 2.0),  # raised: wrist well above the shoulder
        ("neutral", "neutral", "hi_wr_above_sh", -1.5, -0.7),  # at rest: wrist near the hips
        ("crossed", "crossed", "hi_wr_to_opp_el", 0.0, 0.45),  # crossed: wrist near the other elbow
        ("neutral", "neutral", "hi_wr_to_opp_el", 0.8, 3.0),
        ("on_hip", "on_hip", "hi_el_from_mid", 0.6, 2.0),  # hands on hips: elbows out
        ("behind", "behind", "hi_w_wr_fwd", -1.0, -0.15),  # hidden: wrists behind the torso (depth)
        ("open", "open", "lo_w_wr_fwd", 0.3, 1.5),  # open hands: in front of the torso
        ("point", "neutral", "hi_w_reach", 0.9, 1.3),  # pointing: arm fully extended (3D)
        ("guard", "guard", "lo_elbow_angle", 0.0, 100.0),  # fists up: elbows bent (folded in 2D)
        ("guard", "guard", "lo_w_elbow_angle", 30.0, 110.0),
    ],
)
def test_hand_made_poses_give_expected_geometry(right, left, col, lo, hi) -> None:
    assert lo <= _mid(posed_track(right, left), col) <= hi


def test_hidden_hands_have_low_visibility_features() -> None:
    vis = np.ones((20, 33))
    vis[:, 15:23] = 0.1
    assert _mid(posed_track("behind", "behind", vis=vis), "vis_wrists_max") == pytest.approx(0.1)


@pytest.mark.parametrize("lean_deg", [0.0, 15.0, 25.0])
def test_world_lean_measures_forward_lean(lean_deg) -> None:
    assert _mid(posed_track(lean=np.radians(lean_deg)), "w_lean") == pytest.approx(lean_deg, abs=1.5)


def test_pair_features_distance_and_closing_speed() -> None:
    a = posed_track(pos=(-1.5, 0.0), yaw=0.0, person=0)
    b = posed_track(pos=(1.5, 0.0), yaw=np.pi, velocity=(-1.0, 0.0), person=1)
    f = build_features([a, b], None, ASPECT)
    fb = f[f.person == 1]
    assert fb["distance_m"].iloc[0] == pytest.approx(3.0, abs=0.05)
    assert fb["closing_speed"].iloc[10] == pytest.approx(1.0, abs=0.1)


def test_facing_the_other_person_is_square_not_bladed() -> None:
    a = posed_track(pos=(-1.0, 0.0), yaw=0.0, person=0)
    b = posed_track(pos=(1.0, 0.0), yaw=np.pi, person=1)
    f = build_features([a, b], None, ASPECT)
    assert f["face_angle"].max() < 10 and f["blade_angle"].max() < 10
    turned = posed_track(pos=(-1.0, 0.0), yaw=np.radians(45), person=0)
    g = build_features([turned, b], None, ASPECT)
    assert g[g.person == 0]["blade_angle"].median() == pytest.approx(45, abs=5)


def test_mirror_keeps_the_mirror_invariant_features() -> None:
    tr = posed_track("point", "raised_side", yaw=-np.pi / 2 + 0.4)
    f1 = build_features([tr], None, ASPECT)
    f2 = build_features(mirror([tr]), None, ASPECT)
    for col in ("hi_wr_above_sh", "lo_wr_above_sh", "hi_reach", "wrists_apart", "hi_w_wr_fwd", "w_lean"):
        np.testing.assert_allclose(f1[col], f2[col], atol=1e-6)


# Features signed by the picture's left and right (cues README, "Why the classifier misses"): the
# committed model learned the studio's sides from them; to drop or re-sign at the next retrain.
PICTURE_SIGNED = {"nose_x", "m_nose_x", "torso_tilt_x", "m_torso_tilt_x"}


@pytest.mark.parametrize("yaw", [0.4, -0.3])
def test_every_model_feature_but_the_picture_signed_ones_is_mirror_invariant(yaw: float) -> None:
    """Two people (so the features toward the other person count), one leaning and turned: mirrored,
    every column the model reads is the same, and the picture-signed ones flip sign. A new feature that
    reads the picture's left or right fails here."""
    a = posed_track("point", "raised_side", pos=(-1.0, 0.0), yaw=yaw, lean=0.3, person=0)
    b = posed_track("open", "open", pos=(1.0, 0.3), yaw=np.pi, person=1)
    f1 = build_features([a, b], None, ASPECT)
    f2 = build_features(mirror([a, b]), None, ASPECT)
    for col in feature_columns():
        x, y = f1[col].to_numpy(float), f2[col].to_numpy(float)
        if col in PICTURE_SIGNED:
            assert np.nanmax(np.abs(x)) > 0.05, col  # they do read the side here
            np.testing.assert_allclose(x, -y, atol=1e-6, err_msg=col)
        else:
            np.testing.assert_allclose(x, y, atol=1e-6, err_msg=col)


def test_columns_are_stable() -> None:
    f = build_features([posed_track()], None, ASPECT)
    # The usual-posture features (d_*) are computed but not read by the model (dropped by the numbers).
    assert [c for c in f.columns[3:] if not c.startswith("d_")] == feature_columns()
    assert any(c.startswith("d_") for c in f.columns)
    assert not any(c.startswith("d_") for c in feature_columns())
    assert len(f) == 20


@settings(max_examples=10, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(0, 2**31 - 1))
def test_nan_in_no_crash_out(frac: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    tr = posed_track("open", "open", n=12)
    mask = rng.random(tr.vis.shape) < frac
    tr.xy[mask] = np.nan
    tr.world[mask] = np.nan
    tr.vis[mask] = np.nan
    f = build_features([tr], pd.DataFrame(), ASPECT, CueSettings())
    assert len(f) == 12
    assert not np.isinf(f[feature_columns()].to_numpy(float)).any()


def test_relative_features_measure_change_from_the_usual_posture() -> None:
    steady = build_features([posed_track(lean=0.3, n=40)], None, ASPECT)
    assert steady["d_w_lean"].abs().max() < 1e-6  # always leaning = the usual posture
    a = posed_track(n=60)
    b = posed_track(lean=0.4, n=60)
    mixed = a
    mixed.xy[40:], mixed.world[40:] = b.xy[40:], b.world[40:]  # leans for the last 2 of 6 s
    f = build_features([mixed], None, ASPECT)
    assert f["d_w_lean"].iloc[55] > 15 and abs(f["d_w_lean"].iloc[10]) < 2


def test_close_up_without_hips_still_measures_the_arms() -> None:
    tr = posed_track("raised_up", "neutral")
    tr.xy[:, 23:] = np.nan  # hips and legs out of the picture
    f = build_features([tr], None, ASPECT)
    assert f["hi_wr_above_sh"].median() > 0.5


@given(
    st.lists(st.one_of(st.floats(-5, 5), st.sampled_from([float("nan"), float("inf"), -float("inf")])),
             max_size=40),
    st.integers(1, 12),
)  # fmt: skip
def test_rolling_median_is_the_nan_ignoring_median_of_each_centred_window(values, k):
    """NaN and +-inf are both missing, whatever the window (a window of 1 included)."""
    from cuedetect.cues.geometry import rolling_median

    x = np.asarray(values, float)
    got = rolling_median(x, k)
    lo = k // 2
    for i in range(len(x)):
        window = x[max(0, i - lo) : i - lo + k]
        window = window[np.isfinite(window)]
        expected = np.median(window) if len(window) else np.nan
        assert np.isclose(got[i], expected, equal_nan=True), (i, got[i], expected)


def test_close_up_without_hips_gives_nan_for_what_needs_the_hips_not_invented_values() -> None:
    """Head-and-shoulders framing: shoulder-relative features stay, hip-relative ones are NaN."""
    import warnings

    import numpy as np

    from cuedetect.cues.geometry import image_features
    from cuedetect.landmarks import INDEX

    n = 5
    xy = np.full((n, 33, 2), np.nan)
    xy[:, INDEX["left_shoulder"]] = (0.6, 0.7)
    xy[:, INDEX["right_shoulder"]] = (0.4, 0.7)
    xy[:, INDEX["left_wrist"]] = (0.65, 0.3)  # raised above the shoulder
    xy[:, INDEX["right_wrist"]] = (0.35, 0.9)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        f = image_features(xy, np.ones((n, 33)), 1.0, 3)
    assert (f["hi_wr_above_sh"] > 0).all()
    for key in ("hi_wr_above_hip", "lo_wr_to_hip", "wrists_height", "torso_tilt", "hip_width"):
        assert np.isnan(f[key]).all(), key


def test_brief_and_peak_features_keep_a_half_second_raise() -> None:

    from cuedetect.cues.features import build_features
    from cuedetect.training.skeleton import posed_track

    tr = posed_track(pos=(0.0, 0.0), yaw=0.0, person=0, n=45)
    from cuedetect.landmarks import INDEX

    shoulder_y = tr.xy[:, INDEX["left_shoulder"], 1].copy()
    tr.xy[20:27, INDEX["left_wrist"], 1] = shoulder_y[20:27] - 0.1  # above the shoulder (y down) for 0.5 s
    f = build_features([tr], None, 16 / 9)
    peak, brief = f["x_hi_wr_above_sh"].to_numpy(), f["b_hi_wr_above_sh"].to_numpy()
    mean = f["m_hi_wr_above_sh"].to_numpy()
    assert brief[23] > 0 and peak[23] > 0
    assert mean[23] < brief[23]


def test_feature_columns_are_the_committed_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Computed afresh (not from the module's cache), the columns are the ones the committed model was
    trained on, in its order: a renamed, dropped or reordered feature fails here, not only in a retrain."""
    import json

    from cuedetect.cues import features
    from cuedetect.cues.detect import model_folder

    monkeypatch.setattr(features, "_COLUMNS", None)
    cols = features.feature_columns()
    assert cols == json.loads((model_folder() / "cue_classifier.json").read_text())["features"]
    assert features.feature_columns() == cols and features.feature_columns() is not features._COLUMNS
    assert not {"frame", "t", "person"} & set(cols)
