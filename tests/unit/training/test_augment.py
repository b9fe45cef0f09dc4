from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.cues.features import build_features
from cuedetect.training.augment import add_noise, augment, dropout, mirror, rotate_view
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track


def test_mirror_twice_is_identity_and_swaps_sides() -> None:
    tr = posed_track("point", "neutral")
    back = mirror(mirror([tr]))[0]
    np.testing.assert_allclose(back.xy, tr.xy)
    np.testing.assert_allclose(back.world, tr.world)
    m = mirror([tr])[0]
    # the right wrist becomes the left wrist, at the mirrored x
    np.testing.assert_allclose(m.xy[:, 15, 0], 1 - tr.xy[:, 16, 0])


def test_rotating_by_zero_keeps_the_image_and_turning_moves_it() -> None:
    tr = posed_track("open", "open")
    same = rotate_view([tr], 0.0, ASPECT)[0]
    np.testing.assert_allclose(same.xy, tr.xy, atol=0.015)  # weak perspective vs the true projection
    turned = rotate_view([tr], 30.0, ASPECT)[0]
    assert np.nanmax(np.abs(turned.xy - tr.xy)) > 0.005


def test_rotation_keeps_cue_geometry() -> None:
    tr = posed_track("raised_up", "neutral")
    f = build_features(rotate_view([tr], 25.0, ASPECT), None, ASPECT)
    assert f["hi_wr_above_sh"].median() > 0.5


def test_noise_and_dropout_leave_inputs_alone() -> None:
    tr = posed_track()
    before = tr.xy.copy()
    rng = np.random.default_rng(0)
    d = dropout(add_noise([tr], rng, 0.05, ASPECT), rng, 0.3, 0.0)[0]
    np.testing.assert_array_equal(tr.xy, before)
    assert np.isnan(d.xy).any() and not np.isnan(tr.xy).any()


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_augment_is_deterministic_for_a_seed(seed: int) -> None:
    tr = posed_track("crossed", "crossed", n=8)
    a = augment([tr], np.random.default_rng(seed), ASPECT)[0]
    b = augment([tr], np.random.default_rng(seed), ASPECT)[0]
    np.testing.assert_array_equal(a.xy, b.xy)


def test_every_augmentation_keeps_every_person() -> None:
    tracks = [posed_track(person=0), posed_track(person=1, pos=(1.5, 0.0))]
    rng = np.random.default_rng(1)
    from cuedetect.training.augment import mediapipe_like

    for out in (
        mirror(tracks),
        rotate_view(tracks, 10, ASPECT),
        add_noise(tracks, rng, 0.02, ASPECT),
        dropout(tracks, rng, 0.1, 0.1),
        augment(tracks, rng, ASPECT),
        mediapipe_like(tracks, rng),
    ):
        assert [t.person for t in out] == [0, 1]
        assert all(len(a) == len(b) for a, b in zip(out, tracks, strict=True))


def test_mediapipe_like_masks_low_visibility_image_points_but_keeps_world() -> None:
    from cuedetect.training.augment import mediapipe_like

    tr = posed_track("behind", "behind", n=30)
    (d,) = mediapipe_like([tr], np.random.default_rng(3))
    low = d.vis < 0.5
    assert low.any()
    assert np.isnan(d.xy[low]).all() and np.isfinite(d.world[low]).all()
