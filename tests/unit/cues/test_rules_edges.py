"""The pair rules at their edges, each case worked out by hand: a zoom, the picture's size-ratio limit,
people collapsed to a point, a too_close event's median distance, an approach whose distance is lost
right after a last fast step, and a rush past the confidence cap (the whole mutation run of
`cues/rules.py` left these untested: docs/mutation/rules.md)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.cues.rules import image_distance
from cuedetect.cues.settings import CueSettings
from cuedetect.landmarks import INDEX
from cuedetect.pose.tracked import PersonTrack
from tests.unit.cues.test_rules_pairs import _closing, _rapid, _too_close, _track


def _upright(person: int, x, shoulder_y, hip_y: float = 0.5) -> PersonTrack:
    """Per frame: hip midpoint at picture (x, hip_y), shoulder midpoint straight above it at shoulder_y
    (torso length hip_y - shoulder_y); the offsets to each side are powers of two, so the midpoints and
    lengths are exact."""
    x, shoulder_y = np.asarray(x, float), np.asarray(shoulder_y, float)
    n = len(x)
    tr = _track(person, range(n), np.full(n, np.nan))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        tr.xy[:, INDEX[f"{side}_shoulder"]] = np.stack([x + sign * 0.0625, shoulder_y], axis=1)
        tr.xy[:, INDEX[f"{side}_hip"]] = np.stack([x + sign * 0.03125, np.full(n, hip_y)], axis=1)
    return tr


def test_a_zoom_leaves_the_picture_distance_unchanged() -> None:
    """From frame 10 the camera zooms in 2x: both torsos grow from 0.2 to 0.4 of the picture and the gap
    between the hips from 0.24 to 0.48, so the gap stays 1.2 torso lengths (0.6 m at 0.5 m a torso) in
    every frame: the 5-frame median of the torso switches exactly at the zoom."""
    torso = np.r_[np.full(10, 0.2), np.full(10, 0.4)]
    a = _upright(0, np.full(20, 0.3), 0.5 - torso)
    b = _upright(1, 0.3 + 1.2 * torso, 0.5 - torso)
    d = image_distance(a, b, np.arange(20), 1.0, CueSettings(torso_m=0.5))
    assert d == pytest.approx(np.full(20, 0.6))


@pytest.mark.parametrize(("ratio_max", "known"), [(1.4, False), (1.5, True), (1.6, True)])
def test_image_distance_at_the_size_ratio_limit(ratio_max: float, known: bool) -> None:
    """Torsos of 0.25 and 0.375 of the picture (ratio exactly 1.5), hips 0.625 apart (2 torso lengths of
    their mean 0.3125): 1.0 m while the ratio is at most the setting, unknown above it."""
    a = _upright(0, np.full(6, 0.25), np.full(6, 0.25))
    b = _upright(1, np.full(6, 0.875), np.full(6, 0.125))
    d = image_distance(a, b, np.arange(6), 1.0, CueSettings(torso_m=0.5, image_scale_ratio_max=ratio_max))
    if known:
        assert d == pytest.approx(np.full(6, 1.0))
    else:
        assert np.isnan(d).all()


@pytest.mark.filterwarnings("error")
def test_people_collapsed_to_a_point_have_no_picture_distance_and_no_warning() -> None:
    """Shoulders on the hips (torso length 0, a broken detection): the gap in torso lengths is x / 0 and
    the size ratio 0 / 0; the distance is unknown, quietly (no RuntimeWarning on the user's console)."""
    a = _upright(0, np.full(6, 0.3), np.full(6, 0.5))
    b = _upright(1, np.full(6, 0.6), np.full(6, 0.5))
    assert np.isnan(image_distance(a, b, np.arange(6), 1.0, CueSettings())).all()


def test_too_close_confidence_is_from_the_median_distance_over_the_event() -> None:
    """2 m, then 0.99 m falling 1 cm a frame to 0.80 m (frames 10-29), then 2 m again. Over 3 frames the
    median keeps the ramp but makes frame 29 0.81 m: the event is frames 10-29, its 20 distances 0.81,
    0.81, 0.82 ... 0.99, median (0.89 + 0.90) / 2 = 0.895 m: confidence 0.5 + (1.0 - 0.895) / 0.4."""
    near = {f: 0.99 - 0.01 * (f - 10) for f in range(10, 30)}
    (event,) = _too_close({**{f: 2.0 for f in range(40)}, **near})
    assert (event.start, event.end) == pytest.approx((1.0, 2.9))
    assert event.confidence == pytest.approx(0.7625)
    assert event.evidence == "distance 0.81 m at closest (below 1.0 m) for 1.9 s"


def test_an_approach_ends_where_its_distance_is_lost_and_peaks_at_its_last_step() -> None:
    """Still for 2 s, then closing at 1 m/s, the last step (frame 34 to 35) at 3 m/s, then the distance is
    unknown to the end (frames 36-59). Closing speed is the slope over 5 frames of the 3-frame median:
    on from frame 22 (1 m/s), (1 + 1 + 3) / 4 = 1.25 m/s in frame 34, the last frame it can be measured;
    from frame 35 it is unknown, which ends the event rather than holding it on."""
    speeds = np.r_[np.zeros(20), np.ones(14), 3.0]  # between frames j and j + 1, j = 0..34
    d = np.r_[6.0 - np.r_[0.0, np.cumsum(speeds)] / 10.0, np.full(24, np.nan)]
    (event,) = _rapid(d)
    assert (event.start, event.end) == pytest.approx((2.2, 3.4))
    assert event.confidence == pytest.approx(0.5 + (1.25 - 0.8) / 1.0)


def test_a_rush_caps_the_confidence_at_one() -> None:
    (event,) = _rapid(_closing((20, 0.0), (20, 2.0), (20, 0.0)))  # 2 m/s: 0.5 + 1.2, capped
    assert event.confidence == 1.0
    assert event.evidence.startswith("closing at up to 2.0 m/s (above 0.8 m/s)")


@pytest.mark.parametrize(
    ("offset", "level_max", "known"),
    [
        (0.0, 0.75, True),  # side by side at one depth
        (0.5, 0.75, True),  # hips half a torso apart in height (different statures): still level
        (0.75, 0.75, True),  # at the limit
        (1.0, 0.75, False),  # one stands higher in the picture: farther away, the picture under-reads
        (1.5, 0.75, False),  # a steep camera's view of people apart in depth
        (1.5, 2.0, True),  # the setting is read
    ],
)
def test_image_distance_only_between_people_level_in_the_picture(offset, level_max, known) -> None:
    """Both torsos 0.25 of the picture (same size), hips 0.25 apart across and `offset` torso lengths
    apart in height: the distance is the whole gap in torso lengths (0.5 m a torso) while the hips are
    level to within the setting, unknown beyond it."""
    a = _upright(0, np.full(6, 0.25), np.full(6, 0.25), hip_y=0.5)
    b = _upright(1, np.full(6, 0.5), np.full(6, 0.25 + 0.25 * offset), hip_y=0.5 + 0.25 * offset)
    settings = CueSettings(torso_m=0.5, image_level_offset_max=level_max)
    d = image_distance(a, b, np.arange(6), 1.0, settings)
    if known:
        assert d == pytest.approx(np.full(6, 0.5 * np.hypot(1.0, offset)))
    else:
        assert np.isnan(d).all()
