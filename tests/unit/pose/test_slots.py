"""Where the search landmarker looks for a person their own landmarker just lost (`slots.around`)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.pose.slots import around


@pytest.mark.parametrize(
    ("box", "view"),
    [
        ((0.4, 0.3, 0.5, 0.7), (128, 36, 448, 324)),  # 0.4 tall: 0.2 of the frame each side
        ((0.0, 0.0, 0.1, 0.2), (0, 0, 128, 109)),  # at the corner: cut at the frame's edges (ends rounded up)
        ((0.45, 0.45, 0.55, 0.55), (256, 144, 385, 217)),  # small: 0.05 of the frame each side
        ((0.2, 0.1, 0.9, 1.0), (0, 0, 640, 360)),  # a close-up: the whole frame
    ],
)
def test_a_lost_person_is_looked_for_in_their_box_widened_by_half_a_body_height(box, view):
    """Half their height (as a share of the frame) above, below and, as the same share of the frame's
    width, either side."""
    assert around(np.asarray(box), (640, 360)) == view


@pytest.mark.parametrize("box", [(np.nan, 0.3, 0.5, 0.7), (0.5, 0.5, 0.501, 0.505), (1.2, 1.2, 1.3, 1.3)])
def test_no_view_for_an_unknown_box_or_one_under_16_pixels(box):
    assert around(np.asarray(box), (640, 360)) is None
