"""`fit_floor`, the joint maximum-a-posteriori fit of the floor, the camera and the statures, on
evidence made directly from a known camera (no skeletons, no images): exact evidence gives back the
camera, the statures and each person's lean; in a case the priors decide (the camera known, one
person's stature from noisy depths) the answer is the precision-weighted mean worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cuedetect.pose.floor_fit import Evidence, FitPriors, fit_floor

F_PX = 1000.0  # the nominal focal length in pixels (the axis is in pixels, the rest in units of it)


def world_to_camera(pitch: float, roll: float) -> np.ndarray:
    """Rotation from the world (z up) to the camera (x right, y down, z forward)."""
    c, s = math.cos(pitch), math.sin(pitch)
    tilt = np.array([[1, 0, 0], [0, -s, -c], [0, c, -s]])
    cr, sr = math.cos(roll), math.sin(roll)
    return np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]]) @ tilt


def evidence(
    floor_xy: np.ndarray,
    *,
    pitch: float = 0.2,
    roll: float = 0.0,
    height: float = 1.6,
    log_f: float = 0.0,
    log_scale: float = 0.0,
    lean: float = 0.0,
    dt: float = 3.0,
    depth_noise: np.ndarray | float = 0.0,
) -> Evidence:
    """What a person standing at `floor_xy` (n, 2; metres, the camera above the origin) gives the fit.

    The feet at floor height, the hips 0.9 m and the shoulders 1.4 m above them; the camera's focal
    length exp(log_f) times the nominal one; the depth from body size assumes the nominal focal length
    and the prior stature, so it reads true depth / exp(log_f + log_scale) (times exp(depth_noise)); the
    image of the body's axis is turned by `lean` (radians) from the image of the vertical. Frames `dt`
    apart (by default 3 s, the fit's correlation time: each frame counts fully).
    """
    R = world_to_camera(pitch, roll)
    n = len(floor_xy)

    def cam(z: float) -> np.ndarray:
        return (np.column_stack([floor_xy, np.full(n, z)]) - [0.0, 0.0, height]) @ R.T

    feet, hip, ankles, shoulders = cam(0.0), cam(0.9), cam(0.08), cam(1.4)
    image = lambda p: math.exp(log_f) * p[:, :2] / p[:, 2:]  # noqa: E731 (normalized, nominal f)
    axis = F_PX * (image(shoulders) - image(ankles))
    c, s = math.cos(lean), math.sin(lean)
    axis = axis @ np.array([[c, s], [-s, c]])  # turned by `lean` (x right, y down: counter-clockwise)
    log_depth = np.log(feet[:, 2]) - log_f - log_scale + depth_noise
    return Evidence(dt, image(feet), log_depth, image(hip), axis)


def walk(n: int, x0: float, y0: float, rng_seed: int = 0) -> np.ndarray:
    """A person stepping about in depth and sideways."""
    t = np.arange(n) / 15.0
    return np.column_stack([x0 + 1.2 * np.sin(t / 1.3 + rng_seed), y0 + 1.5 * np.sin(t / 2.1 + rng_seed)])


def priors(P: int, **kw) -> FitPriors:
    base = {"pitch0": 0.2, "pitch_sd": math.radians(5.0), "logf_sd": 0.1, "stature_sd": np.full(P, 0.05)}
    return FitPriors(**(base | kw))


TRUTH = {"pitch": math.radians(14.0), "roll": math.radians(1.5), "height": 2.1, "log_f": 0.05}


def two_people(lean: float = 0.0, **truth) -> list[Evidence]:
    truth = TRUTH | truth
    return [
        evidence(walk(150, -0.8, 3.5), **truth, log_scale=0.04, lean=lean),
        evidence(walk(150, 0.9, 4.0, 2), **truth, log_scale=-0.04),
    ]


def test_exact_evidence_gives_back_the_camera_statures_and_leans() -> None:
    """Two people (one 4% taller than the prior stature, one 4% shorter, so the prior is centred on
    them), a camera pitched 14 deg and rolled 1.5 deg with a focal length 5% above the nominal, one
    person leaning 2 deg: the fit finds them all."""
    ev = two_people(lean=math.radians(2.0))
    fit = fit_floor(ev, priors(2, pitch0=math.radians(10.0)))
    x = fit.x
    assert x.shape == (8,) and fit.cov.shape == (8, 8) and fit.feet_seen
    # (measured: within 0.005 deg, 0.01% and 0.0001)
    np.testing.assert_allclose(np.degrees(x[[0, 1]]), [14.0, 1.5], atol=0.02)
    assert math.exp(x[2]) == pytest.approx(2.1, rel=0.002)
    np.testing.assert_allclose(x[3:6], [0.05, 0.04, -0.04], atol=0.002)
    np.testing.assert_allclose(np.degrees(x[6:8]), [2.0, 0.0], atol=0.02)
    # the posterior covariance: symmetric, positive, the pitch known to a small fraction of a degree
    np.testing.assert_allclose(fit.cov, fit.cov.T, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(fit.cov) > 0)
    assert 0 < math.degrees(math.sqrt(fit.cov[0, 0])) < 0.2


def expected_map(m: float, n: int, w2: float, sig: float, stature_sd: float, h_sd: float) -> np.ndarray:
    """The MAP of one person's log scale when the camera is known: the Gaussian posterior of two
    unknowns, log s (prior N(0, stature_sd)) and the camera height's log offset u from the known one
    (prior N(0, h_sd)), from n depth readings each saying log s - u = m with weight w2 / sig^2."""
    A, Ps, Ph = n * w2 / sig**2, stature_sd**-2, h_sd**-2
    return np.linalg.solve([[Ps + A, -A], [-A, Ph + A]], [A * m, -A * m])  # (log s, u)


def turns(n: int) -> np.ndarray:
    """+1, -1, 0, +1, -1, 0, ...: no bias, median absolute deviation 1 (also of every 2nd value)."""
    return np.array([1.0, -1.0, 0.0])[np.arange(n) % 3]


KNOWN_CAMERA = {"pitch_sd": 1e-5, "logf_sd": 1e-5, "roll_sd_deg": 1e-3, "known_h": 1.6}


@pytest.mark.parametrize(
    ("n", "dt", "noise", "stature_sd", "w2", "sig"),
    [
        # exact depths: the scatter is nil, so each reading's SD is the floor 0.005
        (6, 1 / 15, 0.0, 0.05, 1 / 45, 0.005),  # frames 1/15 s apart in a 3 s correlation time: 1/45 each
        (6, 3.0, 0.0, 0.002, 1.0, 0.005),  # (a tight prior, or the depths would decide alone)
        (6, 6.0, 0.0, 0.002, 1.0, 0.005),  # frames further apart than the correlation time count once
        # depths scattered by +e, -e, 0 in turn: the SD is 1.4826 x the median absolute deviation, e
        (39, 1 / 15, 0.02, 0.05, 1 / 45, 1.4826 * 0.02),
        (6, 1 / 15, 0.003, 0.05, 1 / 45, 0.005),  # 1.4826 x 0.003 is below the floor
        (39, 0.5, 0.05, 0.05, 1 / 6, 1.4826 * 0.05),
        # 1500 frames or more are thinned (here to every 2nd), each kept frame weighing for those skipped
        (1500, 1 / 15, 0.05, 0.01, 1 / 45, 1.4826 * 0.05),
    ],
)
def test_a_stature_is_its_prior_and_its_depths_weighed_by_their_precision(
    n, dt, noise, stature_sd, w2, sig
) -> None:
    """The camera known (height, tilt, focal length): only the person's scale and the camera height's
    tight prior (SD 0.002) are free; each depth reading weighs w2 / sig^2, w2 = min(1, dt / 3 s)."""
    m = 0.002  # the person is 0.2% taller than the prior stature (small: the robust loss stays quadratic)
    pitch = math.radians(12.0)
    xy = walk(n, 0.3, 3.0)
    ev = evidence(xy, pitch=pitch, height=1.6, log_scale=m, dt=dt, depth_noise=noise * turns(n))
    ev.axis_px[:] = np.nan  # no upright evidence
    fit = fit_floor([ev], priors(1, pitch0=pitch, stature_sd=np.array([stature_sd]), **KNOWN_CAMERA))
    want, u = expected_map(m, n, w2, sig, stature_sd, 0.002)
    assert 0.05 * m < want < 0.95 * m  # (the cases are chosen so that both prior and depths matter)
    assert fit.x[4] == pytest.approx(want, rel=0.02)
    assert fit.x[2] - math.log(1.6) == pytest.approx(u, abs=0.02 * abs(u) + 1e-6)
    assert math.degrees(fit.x[0]) == pytest.approx(12.0, abs=1e-3) and abs(fit.x[1]) < 1e-4


@pytest.mark.parametrize(
    ("prior", "index", "centre"),
    [
        ({"pitch0": math.radians(12.0), "pitch_sd": math.radians(0.01)}, 0, math.radians(12.0)),
        ({"roll_sd_deg": 0.01}, 1, 0.0),  # the camera is rolled 1.5 deg
        ({"logf_sd": 1e-4}, 3, 0.0),  # its focal length is 5% above the nominal
        ({"stature_sd": np.array([1e-4, 0.05])}, 4, 0.0),  # the first person is 4% taller than the prior
        ({"stature_sd": np.array([0.05, 1e-4])}, 5, 0.0),  # the second 4% shorter
        ({"lean_sd_deg": 0.01}, 6, 0.0),  # the first leans 2 deg
        ({"known_h": 1.8}, 2, math.log(1.8)),  # the camera is at 2.1 m
    ],
)
def test_a_tight_prior_holds_its_parameter_against_the_evidence(prior, index, centre) -> None:
    """Each prior, made tight, keeps its parameter at its centre although the evidence says otherwise;
    the other parameters still follow the evidence (the loose fit is the exact one, above)."""
    ev = two_people(lean=math.radians(2.0))
    loose = fit_floor(ev, priors(2, pitch0=math.radians(10.0)))
    assert abs(loose.x[index] - centre) > 0.02  # what the evidence says, far from the tight centre
    tight = fit_floor(ev, priors(2, **({"pitch0": math.radians(10.0)} | prior)))
    assert tight.x[index] == pytest.approx(centre, abs=0.003)


@pytest.mark.parametrize(
    ("feet", "known_h", "seen"), [(True, None, True), (False, None, False), (False, 1.7, True)]
)
def test_the_camera_height_is_known_from_feet_or_calibration(feet, known_h, seen) -> None:
    ev = two_people()
    if not feet:
        for e in ev:
            e.log_depth[:] = np.nan
    fit = fit_floor(ev, priors(2, known_h=known_h))
    assert fit.feet_seen is seen
    if known_h is not None:
        assert math.exp(fit.x[2]) == pytest.approx(known_h, rel=0.005)


@pytest.mark.parametrize(
    ("axis", "frames", "counted"),
    [
        ((6.0, -8.0), 5, False),  # 10 px exactly: too short to say which way is up
        ((6.3, -8.4), 3, True),  # 10.5 px, three frames: enough
        ((6.3, -8.4), 2, False),  # two frames: not enough
    ],
)
def test_upright_evidence_needs_axes_over_10_px_in_three_frames(axis, frames, counted) -> None:
    """A second person straight ahead of the camera (the image of the vertical there points straight
    up) whose body axis is seen leaning 36.9 deg (6 px right per 8 px up) in a few frames only: it
    counts (the person's lean is fitted) only when the axis is longer than 10 px in at least 3 frames."""
    ev = two_people(pitch=math.radians(14.0), roll=0.0)
    n = len(ev[1].axis_px)
    ev[1].hip_ab[:, 0] = 0.0
    ev[1].axis_px[:] = np.nan
    ev[1].axis_px[:frames] = axis
    fit = fit_floor(ev, priors(2, pitch0=math.radians(14.0)))
    lean = math.degrees(fit.x[7])
    assert n > frames
    if counted:
        assert lean > 10.0
    else:
        assert lean == pytest.approx(0.0, abs=1e-6)  # its prior alone


def test_frames_with_something_unknown_are_skipped_one_by_one() -> None:
    """Each person has frames without feet, without a depth, without hips or without an axis: those
    frames (only) are left out of the evidence they would give, and the exact answer is still found."""
    ev = two_people(lean=math.radians(2.0))
    for e in ev:
        e.feet_ab[5:10, 0] = np.nan
        e.log_depth[10:15] = np.nan
        e.hip_ab[15:20, 1] = np.nan
        e.axis_px[20:25, 0] = np.nan
    fit = fit_floor(ev, priors(2, pitch0=math.radians(10.0)))
    assert fit.feet_seen
    np.testing.assert_allclose(np.degrees(fit.x[[0, 1]]), [14.0, 1.5], atol=0.02)  # measured 0.003 deg
    assert math.exp(fit.x[2]) == pytest.approx(2.1, rel=0.002)
    np.testing.assert_allclose(fit.x[3:6], [0.05, 0.04, -0.04], atol=0.002)
    np.testing.assert_allclose(np.degrees(fit.x[6:8]), [2.0, 0.0], atol=0.02)  # measured 0.005 deg


def soft_l1_cost(r: np.ndarray, f_scale: float = 3.0) -> float:
    """The robust loss the fit minimizes: 0.5 f^2 rho((r / f)^2), rho(z) = 2 (sqrt(1 + z) - 1)."""
    z = (r / f_scale) ** 2
    return float(0.5 * f_scale**2 * np.sum(2 * (np.sqrt(1 + z) - 1)))


def test_wild_depths_pull_the_stature_only_as_far_as_the_robust_loss_lets_them() -> None:
    """The camera known; 30 depth readings 1/15 s apart, 27 exact and 3 reading 35% too far (a leg
    hidden, say). The readings' scatter (median absolute deviation) is nil, so each has the SD floor
    0.005; the answer minimizes the robust (soft L1, scale 3) cost of the priors and the readings,
    here minimized directly over the two free unknowns (log stature, log camera-height offset)."""
    from scipy.optimize import minimize

    n, m, pitch = 30, 0.002, math.radians(12.0)
    wild = np.zeros(n)
    wild[[4, 13, 22]] = 0.3
    ev = evidence(walk(n, 0.3, 3.0), pitch=pitch, height=1.6, log_scale=m, dt=1 / 15, depth_noise=wild)
    ev.axis_px[:] = np.nan
    fit = fit_floor([ev], priors(1, pitch0=pitch, **KNOWN_CAMERA))
    w = math.sqrt(1 / 45)

    def cost(v: np.ndarray) -> float:
        ls, u = v
        return soft_l1_cost(np.concatenate([[ls / 0.05, u / 0.002], (ls - u - m + wild) * w / 0.005]))

    ls, u = minimize(cost, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12}).x
    least_squares_answer = m - wild.mean()  # where plain least squares would go (the prior aside): -0.028
    assert abs(ls - m) < 0.5 * abs(least_squares_answer - m)  # (0.35 of the way)
    assert fit.x[4] == pytest.approx(ls, abs=0.02 * abs(ls - m))
    assert fit.x[2] - math.log(1.6) == pytest.approx(u, abs=0.02 * abs(u) + 1e-8)


def test_a_lean_is_its_prior_and_its_axes_weighed_by_their_precision() -> None:
    """The camera known, the feet exact; the body's axis seen leaning 1 deg, +-2 deg in turn: the
    lean's SD is 1.4826 x the axes' median absolute deviation (2 deg), not the feet's; with its prior
    (SD 1 deg) the lean is the precision-weighted mean."""
    n, pitch = 48, math.radians(12.0)
    e = math.radians(2.0)
    ev = evidence(walk(n, 0.3, 3.0), pitch=pitch, height=1.6, dt=0.5)
    turn = math.radians(1.0) + e * turns(n)
    c, s = np.cos(turn), np.sin(turn)
    ax = ev.axis_px.copy()
    ev.axis_px[:] = np.column_stack([c * ax[:, 0] - s * ax[:, 1], s * ax[:, 0] + c * ax[:, 1]])
    fit = fit_floor([ev], priors(1, pitch0=pitch, lean_sd_deg=1.0, **KNOWN_CAMERA))
    A = n * (0.5 / 3.0) / (1.4826 * e) ** 2
    want = math.radians(1.0) * A / (A + math.radians(1.0) ** -2)
    assert 0.2 < want / math.radians(1.0) < 0.8
    assert fit.x[5] == pytest.approx(want, rel=0.02)
