"""Ground-truth visibility: who covers whom in the picture (`render._visible`)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.landmarks import NUM_LANDMARKS
from cuedetect.studio.render import _visible


def _person(x0: float, x1: float, y0: float = 0.1, y1: float = 0.9) -> np.ndarray:
    """(1 frame, 33 joints, 2) spread evenly over a box in normalised image coordinates."""
    k = np.linspace(0, 1, NUM_LANDMARKS)
    return np.stack([x0 + (x1 - x0) * k, y0 + (y1 - y0) * k[::-1]], axis=1)[None]


# (the other, nearer person's box; its depth; is B in view; B's hidden share)
CASES = [
    ("in front, overlapping", (0.3, 0.7), 1.0, False, 1.0),
    ("in front, beside", (0.75, 0.95), 1.0, True, 0.0),
    ("beside the camera, all joints off the picture", "around", 1.0, True, 0.0),
    ("behind the camera", (0.3, 0.7), -1.0, True, 0.0),
    ("half in the picture, over B", (0.35, 1.6), 1.0, False, 1.0),
]


@pytest.mark.parametrize(
    ("case", "box", "depth_a", "b_visible", "b_hidden"), CASES, ids=[c[0] for c in CASES]
)
def test_only_a_nearer_person_in_the_picture_covers_another(case, box, depth_a, b_visible, b_hidden):
    # "around": joints on both sides of the picture and none in it, as a close-up's other person projects
    a = np.where((np.arange(NUM_LANDMARKS) % 2 == 0)[None, :, None], -2.0, 5.0) if box == "around" else None
    norm = {"A": _person(*box) if a is None else a, "B": _person(0.4, 0.6)}
    depth = {"A": np.full((1, NUM_LANDMARKS), depth_a), "B": np.full((1, NUM_LANDMARKS), 3.0)}
    furniture = {p: np.zeros((1, NUM_LANDMARKS), bool) for p in norm}
    vis = _visible(norm, depth, 0, furniture)
    assert vis["B"]["visible"] is b_visible
    assert vis["B"]["occluded"] == pytest.approx(b_hidden)
    assert vis["A"]["occluded"] == 0.0  # B is farther: it never covers A
