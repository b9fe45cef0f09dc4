"""Cohen's kappa and percent agreement on a time grid: hand-computed examples and scikit-learn."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from cuedetect.store.agreement import agreement, cohen_kappa, n_bins, presence


@dataclass(frozen=True)
class Ev:
    cue: str
    person: int
    start: float
    end: float


def test_kappa_hand_computed() -> None:
    # p_o = 8/10; both say "yes" in 5 of 10 -> p_e = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = (0.8-0.5)/0.5 = 0.6
    a = [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 0, 1, 1]
    assert cohen_kappa(a, b) == pytest.approx(0.6)


def test_grid_agreement_hand_computed() -> None:
    # 5 s, 0.5 s bins -> 10 bins, centres 0.25 .. 4.75.
    # A: pointing 0.0-1.9 -> bins 0-3 (centres 0.25, 0.75, 1.25, 1.75)
    # B: pointing 1.0-2.9 -> bins 2-5 (centres 1.25 .. 2.75)
    # agree on bins 2, 3 (yes) and 6-9 (no): p_o = 0.6; p(yes) = 0.4 each: p_e = 0.16 + 0.36 = 0.52
    # kappa = (0.6 - 0.52) / 0.48 = 1/6
    a = [Ev("pointing", 0, 0.0, 1.9)]
    b = [Ev("pointing", 0, 1.0, 2.9)]
    result = agreement(a, b, duration=5.0, persons=[0], cues=["pointing"])
    assert result["pointing"].kappa == pytest.approx(1 / 6)
    assert result["pointing"].percent == pytest.approx(60.0)
    assert (result["pointing"].positive_a, result["pointing"].positive_b, result["pointing"].bins) == (
        4,
        4,
        10,
    )


def test_agreement_counts_every_person_and_pools_cues() -> None:
    a = [Ev("pointing", 0, 0, 1), Ev("fists_up", 1, 2, 3)]
    b = [Ev("pointing", 1, 0, 1), Ev("fists_up", 1, 2, 3)]
    result = agreement(a, b, 4.0, persons=[0, 1], cues=["pointing", "fists_up"])
    assert result["fists_up"].kappa == pytest.approx(1.0)
    assert result["pointing"].bins == 16  # 8 bins x 2 persons
    assert result["pointing"].kappa < 0  # same time, wrong person: worse than chance
    assert result["overall"].bins == 32


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0.0, 0.0, [0]),  # an instant marks the bin holding it
        (0.1, 0.2, [0]),  # shorter than a bin
        (0.25, 0.75, [0, 1]),  # centres on both ends count
        (0.3, 0.7, [1]),  # no centre inside: the bin of the midpoint 0.5, i.e. [0.5, 1.0)
        (3.9, 4.0, [7]),  # at the very end
        (4.2, 4.3, [7]),  # after the end (a coding that runs past the video): the last bin
        (-0.3, -0.1, [0]),  # before the start: the first bin
    ],
)
def test_presence_bins(start: float, end: float, expected: list[int]) -> None:
    got = np.flatnonzero(presence([Ev("pacing", 0, start, end)], "pacing", 0, 4.0)).tolist()
    assert got == expected


# sklearn warns when kappa is undefined (both codings constant); the NaN it returns is what we compare.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning"),
    pytest.mark.filterwarnings("ignore:A single label was found:UserWarning"),
]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_kappa_matches_sklearn(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 200))
    labels = data.draw(st.integers(2, 4))
    a = data.draw(st.lists(st.integers(0, labels - 1), min_size=n, max_size=n))
    b = data.draw(st.lists(st.integers(0, labels - 1), min_size=n, max_size=n))
    ours = cohen_kappa(a, b)
    theirs = cohen_kappa_score(a, b)
    assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 10), st.floats(0, 3)), max_size=6),
    st.lists(st.tuples(st.floats(0, 10), st.floats(0, 3)), max_size=6),
)
def test_grid_kappa_matches_sklearn_on_presence(spans_a: list, spans_b: list) -> None:
    a = [Ev("leaning_in", 0, s, s + d) for s, d in spans_a]
    b = [Ev("leaning_in", 0, s, s + d) for s, d in spans_b]
    result = agreement(a, b, 10.0, [0], ["leaning_in"])["leaning_in"]
    va = presence(a, "leaning_in", 0, 10.0).astype(int)
    vb = presence(b, "leaning_in", 0, 10.0).astype(int)
    expected = cohen_kappa_score(va, vb)
    assert result.bins == n_bins(10.0) == 20
    assert (math.isnan(result.kappa) and math.isnan(expected)) or result.kappa == pytest.approx(expected)
    assert result.percent == pytest.approx(100 * np.mean(va == vb))


def test_identical_codings_agree_fully() -> None:
    a = [Ev("pacing", 0, 1, 2)]
    r = agreement(a, a, 5.0, [0], ["pacing"])["pacing"]
    assert (r.kappa, r.percent) == (1.0, 100.0)


# Mutation testing (docs/TESTING.md) found these edges untested.

BIN_COUNTS = [
    (0.0, 0.5, 1),
    (0.2, 0.5, 1),
    (0.5, 0.5, 1),
    (0.51, 0.5, 2),
    (3.0, 1.0, 3),
    (3.0000000001, 1.0, 3),
]


@pytest.mark.parametrize(("duration", "bin_s", "n"), BIN_COUNTS)
def test_bin_count(duration: float, bin_s: float, n: int) -> None:
    assert n_bins(duration, bin_s) == n


def test_a_bin_size_other_than_the_default_is_used_throughout() -> None:
    # 1 s bins over 4 s: centres 0.5, 1.5, 2.5, 3.5; A 0.0-1.6 -> bins 0, 1; B 1.4-3.0 -> bins 1, 2
    assert presence([Ev("pointing", 0, 0.0, 1.6)], "pointing", 0, 4.0, bin_s=1.0).tolist() == [1, 1, 0, 0]
    a, b = [Ev("pointing", 0, 0.0, 1.6)], [Ev("pointing", 0, 1.4, 3.0)]
    r = agreement(a, b, 4.0, [0], ["pointing"], bin_s=1.0)["pointing"]
    assert (r.bins, r.positive_a, r.positive_b) == (4, 2, 2)
    assert r.percent == pytest.approx(50.0)


def test_every_event_of_a_person_marks_its_bins() -> None:
    events = [Ev("pointing", 0, 0.0, 0.9), Ev("pointing", 0, 2.0, 2.9), Ev("pointing", 1, 1.0, 1.4)]
    assert presence(events, "pointing", 0, 3.0).astype(int).tolist() == [1, 1, 0, 0, 1, 1]


def test_no_persons_gives_no_agreement() -> None:
    assert agreement([Ev("pointing", 0, 0, 1)], [], 4.0, persons=[], cues=["pointing"]) == {}


def test_each_result_is_named_by_its_cue_and_overall() -> None:
    a, b = [Ev("pointing", 0, 0, 1)], [Ev("fists_up", 0, 0, 1)]
    result = agreement(a, b, 2.0, [0], ["fists_up", "pointing"])
    assert list(result) == ["fists_up", "pointing", "overall"]
    assert [r.cue for r in result.values()] == ["fists_up", "pointing", "overall"]


@pytest.mark.parametrize(("a", "b"), [([1, 0], [1]), ([], []), ([[1, 0]], [1, 0])])
def test_kappa_refuses_sequences_of_other_lengths_or_none(a, b) -> None:
    with pytest.raises(ValueError, match=r"^kappa needs two non-empty sequences of the same length$"):
        cohen_kappa(a, b)


def test_as_dict_rounds_and_reports_an_undefined_kappa_as_none() -> None:
    from cuedetect.store.agreement import Agreement

    row = Agreement("pointing", 0.123456, 66.66666, 12, 3, 4).as_dict()
    assert row == {"cue": "pointing", "kappa": 0.1235, "percent": 66.67, "bins": 12, "positive_a": 3,
                   "positive_b": 4}  # fmt: skip
    assert Agreement("overall", math.nan, 100.0, 8, 0, 0).as_dict()["kappa"] is None
