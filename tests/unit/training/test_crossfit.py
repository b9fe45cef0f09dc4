"""Cross-fitted calibration folds: by clip, or by camera set-up (framing)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.errors import InputError
from cuedetect.training import crossfit
from cuedetect.training.crossfit import calibration_folds, cross_fitted, group_key
from cuedetect.training.dataset import Clip

FRAMINGS = ("eye_level", "far", "wide_lens", "waist_up", "head_shoulders", "cctv_corner")


def _clip(name: str, source: str, framing: str | None, split: str | None = "train") -> Clip:
    return Clip(name, name, source, [], None, 16 / 9, [], meta={"split": split, "framing": framing})


def _corpus():
    """Rendered style clips (3 per framing), simulated clips (2 per framing), older clips without framing."""
    rendered = [_clip(f"train_{f}_{k}", "corpus", f) for f in FRAMINGS for k in range(3)]
    sims = [_clip(f"style_sim_{f}_{k}", "studio-sim", f) for f in FRAMINGS for k in range(2)]
    older = [_clip(f"clip_{k:05d}", "corpus", None, None) for k in range(4)]
    return rendered, sims, older


@pytest.mark.parametrize(("by", "folds"), [("clip", 3), ("framing", 3), ("framing", 2), ("framing", 6)])
def test_each_calibration_clip_is_held_by_exactly_one_fold_that_drops_its_whole_group(by, folds) -> None:
    rendered, sims, older = _corpus()
    everything = rendered + sims + older
    plan = calibration_folds(rendered, everything, folds, seed=0, by=by)
    assert len(plan) == folds
    keys = [k for out, _d in plan for k in out]
    assert sorted(keys) == sorted({group_key(c, by) for c in rendered})  # every key held once
    for out, dropped in plan:
        scored = [c for c in rendered if group_key(c, by) in out]
        assert scored
        # the fold's fit keeps nothing of a held key, and everything else
        assert dropped == {c.group for c in everything if group_key(c, by) in out}
        assert {c.group for c in older} & dropped == set()  # no framing: in every fit
    if by == "framing":
        for out, dropped in plan:
            assert {c.group for c in sims if c.meta["framing"] in out} <= dropped
            assert {c.group for c in sims if c.meta["framing"] not in out} & dropped == set()


def test_framing_folds_are_the_compare_bench_folds_and_do_not_depend_on_clip_order() -> None:
    """bench/compare_calibration_recipes.py's outer folds: GroupKFold(3, shuffle, seed 0) over framings."""
    from sklearn.model_selection import GroupKFold

    rendered, sims, older = _corpus()
    framings = np.array(sorted(FRAMINGS), dtype=object)
    bench = [
        set(framings[te])
        for _tr, te in GroupKFold(3, shuffle=True, random_state=0).split(framings, groups=framings)
    ]
    plan = calibration_folds(rendered, rendered + sims + older, 3, 0, "framing")
    assert [out for out, _d in plan] == bench
    assert [
        out for out, _d in calibration_folds(rendered[::-1], sims + older + rendered, 3, 0, "framing")
    ] == bench


class _Fit:
    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows


@pytest.mark.parametrize("by", ["clip", "framing"])
def test_each_clip_is_scored_by_a_model_fitted_without_its_group(monkeypatch, by) -> None:
    """The fold model of a clip was fitted on rows with none of its clip (or framing, simulated clips
    included); the final model on every row."""
    rendered, sims, older = _corpus()
    everything = rendered + sims + older
    G = np.repeat(np.array([c.group for c in everything], dtype=object), 5)  # 5 rows per clip
    X = np.arange(len(G))
    monkeypatch.setattr(crossfit, "fit_many", lambda jobs, *a, **k: [_Fit(x) for x, _y, _w in jobs])
    final, fold_models = cross_fitted(X, X, X, G, rendered, 3, everything=everything, by=by)
    assert np.array_equal(final.rows, X)
    assert set(fold_models) == {c.name for c in rendered}
    by_group = {c.group: c for c in everything}
    for clip in rendered:
        seen = [by_group[g] for g in dict.fromkeys(G[fold_models[clip.name].rows])]
        names = {c.name for c in seen}
        assert clip.name not in names
        assert group_key(clip, by) not in {group_key(c, by) for c in seen}
        assert {c.name for c in older} <= names  # clips without a framing are in every fit
        if by == "framing":  # two framings held out of six; the other four's clips are all in the fit
            kept = {c.meta["framing"] for c in seen} - {None}
            assert len(kept) == 4
            assert {c.name for c in rendered + sims if c.meta["framing"] in kept} <= names
        else:  # by clip: every simulated clip is in every fit
            assert {c.name for c in sims} <= names


@pytest.mark.parametrize(
    ("clips", "by", "words"),
    [
        ([_clip("a", "corpus", "far"), _clip("b", "corpus", None)], "framing", "clip b has no framing"),
        ([_clip("a", "corpus", "far"), _clip("b", "corpus", "far")], "framing", "at least two framings"),
        ([_clip("a", "corpus", "far"), _clip("b", "corpus", "eye_level")], "room", "not 'room'"),
    ],
)
def test_folds_that_cannot_be_drawn_are_one_line_errors(clips, by, words) -> None:
    with pytest.raises(InputError, match=words):
        calibration_folds(clips, clips, 3, by=by)


@pytest.mark.parametrize(("by", "words"), [("clip", "3 folds by clip"), ("framing", "3 folds by framing")])
def test_the_card_says_what_the_folds_were_drawn_by(by, words) -> None:
    from cuedetect.training.calibration import CalibrationReport
    from cuedetect.training.crossfit import validation_words

    rendered, _s, _o = _corpus()
    assert words in CalibrationReport(clips=18, folds=3, by=by).markdown()
    text = validation_words(rendered, 3, by)
    assert ("camera set-up (framing)" in text) is (by == "framing")
    assert ("by clip, not by style" in text) is (by == "clip")
