"""Annotators draw where the landmarks are and nowhere else; the writer makes a decodable H.264 mp4."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.annotate import (
    AMBER,
    GREEN,
    RED,
    AnnotatedVideoWriter,
    CueAnnotator,
    DistanceAnnotator,
    LabelAnnotator,
    SkeletonAnnotator,
    color_for,
)
from cuedetect.cues.settings import CueSettings
from cuedetect.landmarks import INDEX
from cuedetect.pose.floor import standing_skeleton

W, H = 320, 240


def blank() -> np.ndarray:
    return np.zeros((H, W, 3), np.uint8)


def pose(cx: float, scale: float = 0.5) -> np.ndarray:
    """(33, 2) a front-facing standing skeleton centred at x = cx, normalized coordinates."""
    sk = standing_skeleton(1.0)
    xy = np.stack([cx + sk[:, 0] * scale * H / W, 0.9 - sk[:, 2] * scale * 1.5], axis=1)
    return xy


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.any(a != b, axis=2)


ALL = [
    (SkeletonAnnotator(), {}),
    (LabelAnnotator(), {"roles": ["trainee", "client"]}),
    (DistanceAnnotator(), {"pairs": [(0, 1, 1.2, 0.1)]}),
    (CueAnnotator(), {"cues": {0: ["pointing"], 1: ["open_hands"]}}),
]


@pytest.mark.parametrize(("annotator", "kw"), ALL, ids=lambda a: type(a).__name__)
def test_all_nan_draws_nothing(annotator, kw) -> None:
    xy = np.full((2, 33, 2), np.nan)
    scene = blank()
    out = annotator.annotate(scene, xy, [0, 1], **kw)
    assert out is scene
    assert not out.any()


@pytest.mark.parametrize(("annotator", "kw"), ALL, ids=lambda a: type(a).__name__)
def test_draws_something_near_the_people(annotator, kw) -> None:
    xy = np.stack([pose(0.3), pose(0.7)])
    out = annotator.annotate(blank(), xy, [0, 1], **kw)
    _ys, xs = np.nonzero(out.any(axis=2))
    assert len(xs) > 20
    px = xy.reshape(-1, 2) * (W, H)
    assert xs.min() >= px[:, 0].min() - 80 and xs.max() <= px[:, 0].max() + 140


def test_skeleton_pixels_lie_on_edges_and_use_the_person_colour() -> None:
    xy = pose(0.5)[None]
    out = SkeletonAnnotator(thickness=1, radius=2).annotate(blank(), xy, [3])
    mask = changed(out, blank())
    ls = (xy[0, INDEX["left_shoulder"]] * (W, H)).round().astype(int)
    assert mask[ls[1], ls[0]]
    # Pixels far from every landmark (the frame's corners) stay black.
    assert not mask[:10, :10].any() and not mask[-10:, -10:].any()
    assert tuple(out[ls[1], ls[0]]) == color_for(3)


def test_skeleton_skips_nan_points_but_draws_the_rest() -> None:
    xy = pose(0.5)[None].copy()
    full = changed(SkeletonAnnotator().annotate(blank(), xy, [0]), blank())
    knee = INDEX["left_knee"]
    xy[0, knee] = np.nan
    part = changed(SkeletonAnnotator().annotate(blank(), xy, [0]), blank())
    assert part.sum() < full.sum() and part.any()
    kx, ky = (pose(0.5)[knee] * (W, H)).round().astype(int)
    assert full[ky, kx] and not part[ky, kx]


def test_visibility_threshold_hides_points() -> None:
    xy = pose(0.5)[None]
    vis = np.zeros((1, 33))
    out = SkeletonAnnotator(min_visibility=0.5).annotate(blank(), xy, [0], visibility=vis)
    assert not out.any()


def test_distance_colours_use_the_cue_settings_by_default() -> None:
    """One safe-distance setting: the video's colours change where the cues and the summary do."""
    s = CueSettings()
    ann = DistanceAnnotator()
    assert (ann.too_close_m, ann.safe_m) == (s.too_close_m, s.safe_distance_m)
    assert ann.color(s.safe_distance_m) == GREEN and ann.color(s.safe_distance_m - 0.01) == AMBER
    assert ann.color(s.too_close_m - 0.01) == RED


@pytest.mark.parametrize(("d", "color"), [(0.5, RED), (0.99, RED), (1.0, AMBER), (1.19, AMBER), (1.2, GREEN),
                                          (3.0, GREEN)])  # fmt: skip
def test_distance_colour_thresholds(d, color) -> None:
    ann = DistanceAnnotator(too_close_m=1.0, safe_m=1.2, thickness=3)
    assert ann.color(d) == color
    xy = np.stack([pose(0.2), pose(0.8)])
    out = ann.annotate(blank(), xy, [0, 1], [(0, 1, d)])
    # The line passes through the middle third between the two hips, away from the label.
    hips = xy[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1) * (W, H)
    x, y = (hips[0] + (hips[1] - hips[0]) * 0.25).round().astype(int)
    assert tuple(out[y, x]) == color


def test_distance_for_a_person_not_in_frame_draws_nothing() -> None:
    xy = np.stack([pose(0.2), pose(0.8)])
    out = DistanceAnnotator().annotate(blank(), xy, [0, 1], [(0, 7, 1.0), (0, 1, float("nan"))])
    assert not out.any()


def test_cue_colours_follow_their_kind() -> None:
    xy = pose(0.3)[None]
    esc = CueAnnotator().annotate(blank(), xy, [0], {0: ["pointing"]})
    de = CueAnnotator().annotate(blank(), xy, [0], {0: ["open_hands"]})
    colors = lambda img: {tuple(c) for c in img.reshape(-1, 3)}  # noqa: E731
    assert (54, 67, 244) in colors(esc) and (243, 150, 33) in colors(de)
    assert not CueAnnotator().annotate(blank(), xy, [0], {0: []}).any()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3, 3) | st.just(float("nan")), min_size=66, max_size=66), st.integers(0, 50))
def test_annotators_never_crash_on_odd_points(vals, pid) -> None:
    xy = np.array(vals, dtype=float).reshape(1, 33, 2)
    scene = blank()
    for ann, kw in ALL:
        kw = {"pairs": [(pid, pid + 1, 1.0)]} if isinstance(ann, DistanceAnnotator) else kw
        kw = {"cues": {pid: ["pointing"]}} if isinstance(ann, CueAnnotator) else kw
        kw = {"roles": ["client"]} if isinstance(ann, LabelAnnotator) else kw
        assert ann.annotate(scene, xy, [pid], **kw).shape == (H, W, 3)


@pytest.mark.parametrize(("size", "n"), [((320, 240), 12), ((161, 121), 5)])
def test_writer_makes_a_decodable_h264_mp4(tmp_path: Path, size, n) -> None:
    path = tmp_path / "annotated.mp4"
    w, h = size
    with AnnotatedVideoWriter(path, fps=15, size=size) as writer:
        for i in range(n):
            frame = np.zeros((h, w, 3), np.uint8)
            frame[:, : (i + 1) * w // n] = (0, 0, 255)
            writer.write(frame)
            assert not path.exists(), "the file appears only when complete"
    assert [p.name for p in tmp_path.iterdir()] == ["annotated.mp4"]
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        frames = list(c.decode(s))
        assert s.codec_context.pix_fmt == "yuv420p"
    assert len(frames) == n
    assert (frames[0].width, frames[0].height) == (w + w % 2, h + h % 2)
    last = frames[-1].to_ndarray(format="bgr24")
    assert last[h // 2, w // 2, 2] > 200 and last[h // 2, w // 2, 0] < 60  # red survives encoding
    assert float(frames[-1].time) == pytest.approx((n - 1) / 15, abs=1e-3)


def test_writer_leaves_nothing_on_error(tmp_path: Path) -> None:
    path = tmp_path / "annotated.mp4"
    with pytest.raises(RuntimeError), AnnotatedVideoWriter(path, fps=15, size=(64, 48)) as writer:
        writer.write(np.zeros((48, 64, 3), np.uint8))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_writer_rejects_a_wrong_frame_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError), AnnotatedVideoWriter(tmp_path / "a.mp4", 15, (64, 48)) as writer:
        writer.write(np.zeros((40, 64, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda order: SkeletonAnnotator(thickness=3, color_order=order),
        lambda order: DistanceAnnotator(thickness=3, color_order=order),
    ],
    ids=["skeleton", "distance"],
)
def test_rgb_scenes_get_the_same_colours_reversed(make) -> None:
    xy = np.stack([pose(0.2), pose(0.8)])
    kw = {"pairs": [(0, 1, 1.0)]} if isinstance(make("bgr"), DistanceAnnotator) else {}
    bgr = make("bgr").annotate(blank(), xy, [0, 1], **kw)
    rgb = make("rgb").annotate(blank(), xy, [0, 1], **kw)
    np.testing.assert_array_equal(bgr, rgb[..., ::-1])


def test_unknown_color_order_is_refused() -> None:
    with pytest.raises(ValueError):
        SkeletonAnnotator(color_order="hsv")
