"""Live mode's hand stage: the offline stage on each frame, its rows kept for the cue windows, the overlay.

The hand model is a fake here (it finds a hand where the body's wrist points); the real model on a real
clip is tested in tests/integration/test_live_hands.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.live.hands import HandsView, LiveHands
from cuedetect.live.view import ViewState, compose
from tests.unit.hands.test_crops import FakeReader, H, W, body

BLANK = np.zeros((H, W, 3), np.uint8)


def _run(times: list[float], wrists: dict[str, tuple[float, float]]) -> tuple[LiveHands, list[HandsView]]:
    hands = LiveHands(FakeReader(), (W, H))
    xy, vis = body(wrists)
    views = [hands.update(BLANK, k, t, [(3, xy, vis)]) for k, t in enumerate(times)]
    return hands, views


def test_each_frame_s_hands_are_kept_and_shown_in_normalized_coordinates() -> None:
    hands, views = _run([0.0, 0.1], {"left": (300, 400), "right": (900, 420)})
    first = views[0]
    assert first.persons == [3, 3] and len(first.states) == 2
    assert first.landmarks.shape == (2, 21, 2)
    # the wrist landmark sits where the body's wrist is, in the frame's 0..1 coordinates
    assert first.landmarks[0, 0] == pytest.approx([300 / W, 400 / H], abs=0.02)
    assert first.landmarks[1, 0] == pytest.approx([900 / W, 420 / H], abs=0.02)
    assert hands.frames == 2
    table = hands.table()
    assert len(table) == 4 and set(table["status"]) <= {"read", "held"}
    assert set(table["person"]) == {3} and sorted(set(table["side"])) == ["left", "right"]


@pytest.mark.parametrize(("start", "end", "rows"), [(-np.inf, np.inf, 10), (0.1, 0.3, 6), (0.15, 0.25, 2),
                                                    (0.5, 1.0, 0)])  # fmt: skip
def test_a_cue_window_gets_the_hands_of_its_span_only(start: float, end: float, rows: int) -> None:
    hands, _ = _run([0.0, 0.1, 0.2, 0.3, 0.4], {"left": (300, 400)})  # two rows a frame: left, right
    table = hands.table(start, end)
    assert len(table) == rows
    assert table["time"].between(start, end).all()
    assert "state" in table.columns and "hx0" in table.columns  # a hands.parquet table


def test_hands_out_of_view_are_not_drawn() -> None:
    hands, views = _run([0.0], {"left": (1500, 400), "right": (-100, 400)})
    assert views[0].persons == [] and views[0].landmarks.shape == (0, 21, 2)
    assert list(hands.table()["status"]) == ["out_of_view", "out_of_view"]
    assert hands.crops_per_frame == 0.0


def test_the_overlay_draws_the_hands_with_their_state() -> None:
    _, views = _run([0.0], {"left": (300, 400)})
    view = HandsView(views[0].landmarks, views[0].persons, ["fist"])
    rgb = np.full((H, W, 3), 40, np.uint8)
    xy = np.full((1, 33, 2), np.nan, np.float32)
    without = compose(rgb, ViewState(ids=[3], xy=xy))
    drawn = compose(rgb, ViewState(ids=[3], xy=xy, hands=view))
    x0, y0 = (view.landmarks[0].min(axis=0) * [W, H]).astype(int)
    x1, y1 = (view.landmarks[0].max(axis=0) * [W, H]).astype(int)
    changed = np.any(drawn != without, axis=-1)
    near = changed[y0 - 25 : y1 + 5, x0 - 5 : x1 + 80]  # the skeleton, and its label above it
    assert near.sum() > 100
    assert near.sum() == changed.sum()  # nothing else changes
    assert changed[y0 - 25 : y0 - 2].sum() > 10  # the label "fist" above the hand
