"""Hand cues gated by the read hand shapes: vetoed where the hands contradict the cue, kept where unread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues import hand_gate

FPS = 10
N = 30  # 3 s


def feats(n: int = N) -> pd.DataFrame:
    return pd.DataFrame({"person": 0, "frame": np.arange(n), "t": np.arange(n) / FPS})


def hands(right: list[str | None], left: list[str | None] | None = None, size_px: float = 60.0
          ) -> pd.DataFrame:  # fmt: skip
    rows = []
    for side, states in (("right", right), ("left", left or [None] * len(right))):
        for f, s in enumerate(states):
            rows.append({"frame": f, "time": f / FPS, "person": 0, "side": side,
                         "status": "read" if s else "not_found", "state": s, "size_px": size_px,
                         "curl_index": 0.9 if s == "fist" else np.nan})  # fmt: skip
    return pd.DataFrame(rows)


def probs(cue: str, p: float = 0.9) -> pd.DataFrame:
    return pd.DataFrame({cue: np.full(N, p), "hands_raised": np.full(N, 0.8)})


@pytest.mark.parametrize(
    ("cue", "right", "vetoed"),
    [
        ("fists_up", ["thumb_up"] * N, True),  # a thumbs-up is not a guard
        ("fists_up", (["thumb_up"] * 4 + ["fist"]) * (N // 5), True),  # a fifth misread as a fist
        ("fists_up", ["fist", "thumb_up"] * (N // 2), False),
        ("fists_up", ["fist"] * N, False),
        ("open_hands", ["other"] * N, True),  # a hand holding a cup
        ("open_hands", ["open_palm", "other"] * (N // 2), True),  # half the time: not enough
        ("open_hands", ["open_palm"] * N, False),
        ("pointing", ["open_palm"] * N, True),
        ("pointing", ["point"] * N, False),
        ("fists_up", [None] * N, False),  # no hand read: the classifier decides
    ],
)
def test_gate_vetoes_a_hand_cue_only_where_the_read_hands_contradict_it(cue, right, vetoed):
    out = hand_gate.gate(probs(cue), feats(), hands(right))
    mid = out[cue].to_numpy()[5:-5]  # away from the window's edges
    assert (mid == 0.0).all() if vetoed else (mid == 0.9).all()
    assert (out["hands_raised"] == 0.8).all()  # other cues untouched


def test_pointing_needs_only_one_hand_to_point():
    out = hand_gate.gate(probs("pointing"), feats(), hands(["point"] * N, ["other"] * N))
    assert (out["pointing"] == 0.9).all()


@pytest.mark.parametrize(("size_px", "vetoed"), [(39.0, False), (40.0, True), (80.0, True)])
def test_hands_too_small_to_read_reliably_do_not_veto(size_px, vetoed):
    out = hand_gate.gate(probs("pointing"), feats(), hands(["fist"] * N, size_px=size_px))
    assert (out["pointing"].to_numpy()[5:-5] == 0.0).all() == vetoed


def test_a_small_hand_keeps_the_cue_even_when_the_other_big_hand_contradicts_it():
    """Standoff: the pointing hand is 29 px and reads fist; the other hand, 45 px, is open. The pointing
    hand cannot be ruled out, so the body's pointing stays."""
    h = hands(["fist"] * N, ["open_palm"] * N)
    h["size_px"] = np.where(h["side"] == "right", 29.0, 45.0)
    out = hand_gate.gate(probs("pointing"), feats(), h)
    assert (out["pointing"] == 0.9).all()
    h["size_px"] = 45.0
    assert (hand_gate.gate(probs("pointing"), feats(), h)["pointing"].to_numpy()[5:-5] == 0.0).all()


def test_no_hands_table_changes_nothing():
    p = probs("fists_up")
    assert hand_gate.gate(p, feats(), None).equals(p)


def test_hand_features_are_nan_where_no_hand_was_read():
    h = hands(["fist"] * 10 + [None] * 20)
    f = hand_gate.hand_features(feats(), h)
    assert (f["hand_right_visible"].to_numpy() == [1.0] * 10 + [0.0] * 20).all()
    assert f["hand_right_is_fist"].iloc[:10].eq(1.0).all() and f["hand_right_is_fist"].iloc[10:].isna().all()
    assert f["hand_right_curl_index"].iloc[:10].eq(0.9).all() and f["hand_left_curl_index"].isna().all()


@pytest.mark.parametrize(
    ("right", "left", "size_px", "vetoed"),
    [
        (["fist"] * N, ["other"] * N, 36.0, True),  # hands clasped in front of the belly, small
        (["fist"] * N, None, 20.0, True),  # one small hand, closed throughout
        (["fist", "fist", "other"] * (N // 3), ["other"] * N, 30.0, True),  # closed in 2 of 3 readings
        (
            (["fist"] * 3 + ["other"] * 2 + [None]) * (N // 6),
            ["other"] * N,
            30.0,
            True,
        ),  # 3 of 5 readings: 0.6 holds
        (["fist", "other"] * (N // 2), ["other"] * N, 30.0, False),  # closed half the time: not most
        (["point", "other"] * (N // 2), ["other"] * N, 35.0, False),  # the real one-palm gesture's reads
        (["fist"] * N, ["open_palm"] * N, 30.0, False),  # the other hand shows an open palm
        ([None] * N, None, 30.0, False),  # nothing read: the classifier decides
    ],
)
def test_a_hand_read_closed_vetoes_open_hands_at_any_read_size(right, left, size_px, vetoed):
    out = hand_gate.gate(probs("open_hands"), feats(), hands(right, left, size_px=size_px))
    mid = out["open_hands"].to_numpy()[5:-5]
    assert (mid == 0.0).all() if vetoed else (mid == 0.9).all()
    assert (out["hands_raised"] == 0.8).all()


def test_a_small_hand_read_closed_does_not_veto_pointing_or_a_guard():
    """The closed-hand veto is open_hands' alone: a small pointing hand reads `fist` (standoff, 29 px)."""
    for cue in ("pointing", "fists_up"):
        out = hand_gate.gate(probs(cue), feats(), hands(["fist"] * N, ["other"] * N, size_px=29.0))
        assert (out[cue] == 0.9).all()
