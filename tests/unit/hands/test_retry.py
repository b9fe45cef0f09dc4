"""The retry schedule of hands in view that the network does not find: looked for again less and less
often while they stay still, at once when they move, come back into view or were found in between."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.retry import retry_wait
from cuedetect.hands.stage import HandStage, HandStageOptions
from tests.unit.hands.test_crops import FakeReader, H, W, body

IMAGE = np.zeros((H, W, 3), np.uint8)
NO_REREADS = HandStageOptions(reread_scales=())
FPS = 15.0


class Blind(FakeReader):
    """Finds a hand only in the reads listed in `finds` (0-based read numbers); counts every read."""

    def __init__(self, finds: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.finds = finds

    def read(self, image, roi):
        hand = super().read(image, roi)
        return hand if len(self.crops) - 1 in self.finds else None


def run(stage: HandStage, reader: FakeReader, wrists: list[tuple[float, float] | None]
        ) -> list[tuple[int, str]]:  # fmt: skip
    """Each frame at 15 fps with the left wrist at `wrists[k]` (None: out of view): (reads so far, status)."""
    out = []
    for k, wrist in enumerate(wrists):
        xy, vis = body({"left": wrist if wrist is not None else (-300.0, 400.0)})
        row = stage.update(IMAGE, k, k / FPS, [(0, xy, vis)])[0]
        out.append((len(reader.crops), row.status))
    return out


@pytest.mark.parametrize(
    ("streak", "wait"),
    [
        (0, 0.0),
        (1, 0.0),  # a single miss: looked for again in the next frame
        (2, 0.13),
        (3, 0.26),  # doubled with each further miss
        (4, 0.5),  # 0.52, capped
        (9, 0.5),
    ],
)
def test_the_wait_before_a_hand_not_found_is_looked_for_again_grows_with_the_misses(streak, wait):
    assert retry_wait(streak, HandStageOptions()) == pytest.approx(wait)


def test_a_still_hand_never_found_is_looked_for_less_and_less_often():
    reader = Blind()
    rows = run(HandStage(reader, NO_REREADS), reader, [(300.0, 400.0)] * 17)
    assert {status for _, status in rows} == {"not_found"}  # skipped frames say so too
    # looks at frames 0, 1 (a single miss is retried at once), 3 (0.13 s), 7 (0.26 s), 15 (0.5 s)
    assert [reads for reads, _ in rows] == [1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5]


@pytest.mark.parametrize(
    ("shift_px", "looked"),
    [
        (0.0, False),
        (6.0, False),  # jitter: under retry_move_frac (0.12) of the 90 px hand
        (15.0, True),  # moved: seen anew, looked for at once
        (-40.0, True),
    ],
)
def test_a_hand_not_found_is_looked_for_at_once_when_the_body_moves_it(shift_px, looked):
    reader = Blind()
    stage = HandStage(reader, NO_REREADS)
    rows = run(stage, reader, [(300.0, 400.0)] * 4 + [(300.0 + shift_px, 400.0)])
    assert [r for r, _ in rows[:4]] == [1, 2, 2, 3]  # frame 4 is in the 0.26 s wait after frame 3's look
    assert rows[4][0] - rows[3][0] == (1 if looked else 0)


def test_a_hand_found_between_misses_starts_the_schedule_afresh():
    reader = Blind(finds=(2,))  # found in the third look (frame 3), lost after
    stage = HandStage(reader, HandStageOptions(reread_scales=(), hold_s=0.0, min_interval_s=0.0))
    rows = run(stage, reader, [(300.0, 400.0)] * 4 + [(320.0, 400.0)] * 3)  # still, then moved once
    assert [s for _, s in rows] == ["not_found"] * 3 + ["read"] + ["not_found"] * 3
    # frame 4: lost (tracked crop, then the body's); frame 5: a first miss again, looked for at once
    assert [r for r, _ in rows] == [1, 2, 2, 3, 5, 6, 6]


def test_a_hand_back_in_view_is_looked_for_at_once():
    reader = Blind()
    stage = HandStage(reader, NO_REREADS)
    rows = run(stage, reader, [(300.0, 400.0)] * 3 + [None, (300.0, 400.0), (300.0, 400.0)])
    assert [s for _, s in rows] == ["not_found"] * 3 + ["out_of_view"] + ["not_found"] * 2
    assert [r for r, _ in rows] == [1, 2, 2, 2, 3, 4]  # back in view: a fresh hand, two looks in a row


def test_each_hand_keeps_its_own_schedule():
    reader = Blind()
    stage = HandStage(reader, NO_REREADS)
    xy, vis = body({"left": (300.0, 400.0), "right": (900.0, 400.0)})
    reads = []
    for k in range(3):
        stage.update(IMAGE, k, k / FPS, [(0, xy, vis)])
        reads.append(len(reader.crops))
    assert reads == [2, 4, 4]
    moved, _ = body({"left": (300.0, 400.0), "right": (940.0, 400.0)})
    stage.update(IMAGE, 3, 3 / FPS, [(0, moved, vis)])
    stage.update(IMAGE, 4, 4 / FPS, [(0, moved, vis)])
    looked = [c.centre[0] for c in reader.crops[4:]]
    # frame 3: the left hand's 0.13 s are up and the right one moved: both looked for; frame 4: both wait
    assert len(looked) == 2 and min(looked) < 600 < max(looked)


@pytest.mark.parametrize(
    ("one_scale", "sides"),
    [
        # frames 0 and 1: full looks (the body's crop, 0.85x and 1.2x as wide); then one scale per look
        (True, [[1.0, 0.85, 1.2], [1.0, 0.85, 1.2], [1.0], [0.85], [1.2]]),
        (False, [[1.0, 0.85, 1.2]] * 5),
    ],
)
def test_a_hand_looked_for_after_misses_is_read_at_one_scale_per_look(one_scale, sides):
    reader = Blind()
    stage = HandStage(reader, HandStageOptions(retry_one_scale=one_scale))
    looks = {0: [], 1: [], 3: [], 7: [], 15: []}  # the frames a still hand never found is looked for in
    xy, vis = body({"left": (300.0, 400.0)})
    for k in range(16):
        before = len(reader.crops)
        stage.update(IMAGE, k, k / FPS, [(0, xy, vis)])
        assert (len(reader.crops) > before) == (k in looks)
        if k in looks:
            looks[k] = reader.crops[before:]
    full = looks[0][0].side  # the body's crop: 1.8 hand lengths
    assert full == pytest.approx(1.8 * 90.0, rel=0.02)
    assert [[c.side / full for c in crops] for crops in looks.values()] == [pytest.approx(s) for s in sides]
    assert all(np.allclose(c.centre, looks[0][0].centre) for crops in looks.values() for c in crops)
