"""The learned hand-state model: its features, the committed JSON model, loading it safely, and the stage
reading states with it."""

from __future__ import annotations

import json
import shutil
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.errors import InputError, ModelUnavailableError
from cuedetect.hands.shape import (
    HAND_STATES,
    HandShape,
    StateRules,
    classify,
    finger_curls,
    rule_scores,
    thumb_allows_fist,
)
from cuedetect.hands.stage import HandStage, HandStageOptions
from cuedetect.hands.state_features import FEATURES, hand_features, hand_scale, table_features
from cuedetect.hands.state_model import (
    KNOWN_MODELS,
    MODEL_FILE,
    TABLE_FILE,
    HandStateModel,
    describe,
    load_state_model,
    model_folder,
    save_state_model,
    state_reader,
    verify_state_model,
)
from tests.unit.hands.test_crops import FakeReader, H, W, body
from tests.unit.hands.test_shape import CLEAR_HANDS, FIST, hand


@pytest.fixture
def model():  # per test, not at import: mutation testing maps each test to the code it ran
    return load_state_model()


def test_the_committed_model_loads_and_is_the_one_shipped(model):
    assert model.sha256 in KNOWN_MODELS
    assert model.features == FEATURES and sorted(model.classes) == sorted(HAND_STATES)
    line = verify_state_model()
    assert "the committed model" in line and f"fitted from {TABLE_FILE} as it is" in line
    assert describe(model).startswith("learned model") and describe(None).startswith("hand-written rules")


@pytest.mark.parametrize(("landmarks", "state"), CLEAR_HANDS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_hand_made_shapes_read_their_state(model, landmarks, state, side):
    shape = model.shape(landmarks, side)
    assert shape.state == state
    assert 0.2 < shape.confidence <= 1.0
    np.testing.assert_allclose(shape.curl, finger_curls(landmarks))  # the curls still come from the landmarks


def test_probabilities_sum_to_one_and_hands_beyond_the_training_range_are_not_extrapolated(model):
    x = hand_features(FIST)
    p = model.predict_proba(np.stack([x, x]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    far, edge = x.copy(), x.copy()
    k = FEATURES.index("thumb_out")
    far[k], edge[k] = model.high[k] + 50.0, model.high[k]
    np.testing.assert_allclose(model.predict_proba(far[None]), model.predict_proba(edge[None]))
    missing = x.copy()
    missing[k] = np.nan  # a feature that cannot be computed counts as the training mean
    assert np.isfinite(model.predict_proba(missing[None])).all()


def _rot_y(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


@settings(max_examples=30, deadline=None)
@given(
    shift=st.tuples(*[st.floats(-500, 500)] * 3),
    scale=st.floats(0.2, 5.0),
    yaw=st.floats(-np.pi, np.pi),
    shape=st.sampled_from(["in", "up", "out", "camera"]),
)
def test_features_do_not_depend_on_where_the_hand_is_its_size_or_its_turn_about_the_vertical(
    shift, scale, yaw, shape
):
    """Only "up" is the picture's: a hand moved, scaled or turned about the image's vertical axis has the
    same features (the thumbs-up's thumb still points up)."""
    lm = hand(1.3, 1.2, 1.3, 1.3, shape)
    moved = lm @ _rot_y(yaw).T * scale + np.array(shift)
    np.testing.assert_allclose(hand_features(moved), hand_features(lm), atol=1e-6)


def test_hand_scale_is_the_knuckles_width_when_the_palm_is_aimed_at_the_camera():
    lm = FIST.copy()
    assert hand_scale(lm) == pytest.approx(np.linalg.norm(lm[9] - lm[0]))
    end_on = lm.copy()
    end_on[:, 1] *= 0.2  # the palm (wrist to knuckles) seen end-on, the network's depth shallow
    width = np.linalg.norm(end_on[17] - end_on[5])
    assert hand_scale(end_on) == pytest.approx(width / 0.8)


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "hands"
    shutil.copytree(model_folder(), folder)
    return folder


def test_an_edited_model_file_is_refused(model_copy: Path):
    path = model_copy / MODEL_FILE
    data = json.loads(path.read_text())
    data["intercept"][0] += 1.0
    path.write_text(json.dumps(data))
    with pytest.raises(ModelUnavailableError, match="sha256"):
        load_state_model(model_copy)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d.update(features=d["features"][:-1]),
            r"^the hand-state model was trained on other features than this cuedetect computes; "
            r"retrain it with `cuedetect train-hands`$",
        ),
        (
            lambda d: d.update(coef=d["coef"][:-1]),
            r"^the hand-state model's arrays do not match its feature list$",
        ),
        (
            lambda d: d.update(scale=[0.0] * len(d["scale"])),
            r"^the hand-state model holds non-finite values or non-positive scales$",
        ),
        (lambda d: d.update(kind="pickle"), r"^not a hand-state model file: format 1 / kind 'pickle'$"),
        (
            lambda d: d.update(format=2),
            r"^not a hand-state model file: format 2 / kind 'multinomial_logistic_",
        ),
        (lambda d: d.pop("low"), "not a hand-state model"),
        (lambda d: d.update(classes=[*d["classes"][:-1], "wave"]), r"^the hand-state model's states \("),
    ],
)
def test_a_file_that_is_not_a_hand_state_model_is_refused_even_with_its_hash(model_copy: Path, edit, message):
    from cuedetect.hashing import file_sha256

    path = model_copy / MODEL_FILE
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    (model_copy / f"{MODEL_FILE}.sha256").write_text(f"{file_sha256(path)}  {MODEL_FILE}\n")
    with pytest.raises(ModelUnavailableError, match=message):
        load_state_model(model_copy)


def test_a_missing_model_is_an_error_not_the_rules_in_silence(tmp_path: Path, monkeypatch):
    with pytest.raises(
        ModelUnavailableError, match=r"read the states with the rules \(`--hand-states rules`\)$"
    ):
        load_state_model(tmp_path)
    monkeypatch.setenv("CUEDETECT_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="train-hands"):
        state_reader("learned")
    assert state_reader("rules") is None
    with pytest.raises(InputError, match="rules, learned"):
        state_reader("forest")
    assert "no learned model" in verify_state_model(tmp_path)


class _Always:
    """A state model that reads every hand as one state."""

    def __init__(self, state: str) -> None:
        self.state = state

    def shape(self, lm, side, rules=None, world=None) -> HandShape:
        return HandShape(np.zeros(5), 0.0, 0.0, np.array([0.0, 0.0, -1.0]), "camera", self.state, 0.9)


def test_the_stage_reads_states_with_the_model_it_is_given():
    xy, vis = body({"left": (300, 400), "right": (600, 400)})
    image = np.zeros((H, W, 3), np.uint8)
    rules = HandStage(FakeReader(), HandStageOptions(reread_scales=()))
    learned = HandStage(FakeReader(), HandStageOptions(reread_scales=(), state_model=_Always("thumb_up")))
    by_rules = rules.update(image, 0, 0.0, [(0, xy, vis)])
    by_model = learned.update(image, 0, 0.0, [(0, xy, vis)])
    assert [r.status for r in by_model] == [r.status for r in by_rules] == ["read", "read"]
    assert {r.shape.state for r in by_model} == {"thumb_up"} != {r.shape.state for r in by_rules}
    held = learned.update(image, 1, 0.05, [(0, xy, vis)])  # a held reading keeps the model's state
    assert [(r.status, r.shape.state) for r in held] == [("held", "thumb_up")] * 2


# --- session 11, mutation testing (docs/mutation/state_model.md): the model's arithmetic and file, exactly


def _tiny(**kw) -> HandStateModel:
    """A hand-made model over two features and three states (the arithmetic does not care which)."""
    arrays = dict(low=np.array([-1.0, 0.0]), high=np.array([1.0, 10.0]), mean=np.array([0.5, 2.0]),
                  scale=np.array([2.0, 4.0]), coef=np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 0.0]]),
                  intercept=np.array([0.25, -0.5, 1.0]))  # fmt: skip
    return HandStateModel(("a", "b"), ("fist", "point", "other"), **{**arrays, **kw})


def _softmax_reference(m: HandStateModel, x: np.ndarray) -> np.ndarray:
    z = (np.clip(x, m.low, m.high) - m.mean) / m.scale
    z = np.where(np.isnan(z), 0.0, z)
    logit = m.coef @ z + m.intercept
    e = np.exp(logit - logit.max())
    return e / e.sum()


@pytest.mark.parametrize(
    "x",
    [[0.0, 3.0], [-5.0, 3.0], [-1.0, 3.0], [0.7, 25.0], [np.nan, 1.0], [0.2, np.nan], [1.0, 0.0]],
)
def test_predict_proba_is_the_softmax_of_clipped_standardised_features(x):
    """Clipped below and above (-5 reads as -1), standardised, NaN as the mean (z = 0), then softmax."""
    m = _tiny()
    np.testing.assert_allclose(
        m.predict_proba(np.array([x]))[0], _softmax_reference(m, np.array(x)), rtol=1e-12
    )


def test_rows_far_apart_in_logits_are_each_normalised_on_their_own():
    """Each row's largest logit is subtracted, not the batch's: a row of logits near 0 beside one near 2000
    keeps its own probabilities (subtracting 2000 from it would underflow to 0 / 0)."""
    m = _tiny(
        coef=np.array([[1000.0, 0.0], [0.0, 0.0], [-1000.0, 0.0]]),
        intercept=np.zeros(3),
        low=np.array([-10.0, 0.0]),
        high=np.array([10.0, 10.0]),
        scale=np.array([0.5, 1.0]),
    )
    X = np.array([[1.5, 2.0], [0.5, 2.0]])  # z = 2 and z = 0
    p = m.predict_proba(X)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p[1], [1 / 3] * 3)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0], atol=1e-12)


def test_the_models_shape_is_the_rules_reading_with_its_own_state_and_confidence(model):
    """Every field but state and confidence is `classify`'s with the same side, rules and world landmarks;
    state and confidence are the most probable class of the features computed with those rules."""
    rules = StateRules(straight=0.4, closed=0.5, thumb_out=0.3, thumb_up=0.2, thumb_above=0.1)
    lm = hand(0.6, 0.7, 0.8, 0.9, "out") + [310.0, 220.0, 5.0]
    world = hand(0.6, 0.7, 0.8, 0.9, "out") @ _rot_y(0.8).T / 1000.0  # the palm turned: another normal
    for side in ("left", "right"):
        got, base = model.shape(lm, side, rules, world), classify(lm, side, rules, world)
        for f in fields(HandShape):
            if f.name not in ("state", "confidence"):
                np.testing.assert_array_equal(getattr(got, f.name), getattr(base, f.name), err_msg=f.name)
        p = model.predict_proba(hand_features(lm, rules)[None])[0]
        assert (got.state, got.confidence) == (model.classes[int(np.argmax(p))], pytest.approx(p.max()))
    assert not np.allclose(hand_features(lm, rules), hand_features(lm))  # the rules reach the features
    assert (
        classify(lm, "left", rules, world).palm_normal.tolist()
        != classify(lm, "left", rules).palm_normal.tolist()
    )


def _features_by_definition(lm: np.ndarray, rules: StateRules) -> np.ndarray:
    """The 23 features written out one by one from the module docstring and FEATURES' names."""
    scale = max(np.linalg.norm(lm[9] - lm[0]), np.linalg.norm(lm[17] - lm[5]) / 0.8)
    thumb = lm[4] - lm[2]
    scores = rule_scores(lm, rules)
    d = lambda a, b: np.linalg.norm(lm[a] - lm[b]) / scale  # noqa: E731
    return np.array([
        *finger_curls(lm),
        d(4, 5),  # thumb_out: tip to the index knuckle
        -thumb[1] / np.linalg.norm(thumb),  # thumb_up: the knuckle-to-tip direction's cosine with image up
        (min(lm[5, 1], lm[9, 1], lm[13, 1], lm[17, 1]) - lm[4, 1]) / scale,  # thumb_above the highest knuckle
        min(d(4, 6), d(4, 7), d(4, 10), d(4, 11)),  # thumb_tuck: to the nearest middle bone
        d(4, 8), d(4, 12), d(4, 16), d(4, 20),  # thumb_to_<finger>
        d(4, 0), d(8, 0), d(12, 0), d(16, 0), d(20, 0),  # tip_<finger> from the wrist
        *(scores[s] / sum(scores.values()) for s in HAND_STATES),
    ])  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.sampled_from(["in", "up", "out", "camera", "low"]),
    unit=st.sampled_from([1.0, 0.002]),  # pixels, or a hand under one unit long (thumb shorter than 1)
)
def test_features_are_their_definitions_on_uneven_hands(seed, shape, unit):
    """A hand-made shape with every landmark moved at random (no two distances alike), non-default rules."""
    rng = np.random.default_rng(seed)
    lm = (hand(*rng.uniform(0, 1.3, 4), shape) + rng.normal(0, 6, (21, 3)) + [200.0, 300.0, 0.0]) * unit
    rules = StateRules(straight=0.4, closed=0.5, thumb_out=0.3, thumb_up=0.2, thumb_above=0.1)
    got = hand_features(lm, rules)
    assert got.dtype == np.float64 and got.shape == (len(FEATURES),)
    np.testing.assert_allclose(got, _features_by_definition(lm, rules), rtol=1e-9, atol=1e-12)


def test_a_thumb_of_no_length_is_not_up_and_a_hand_of_no_size_has_scale_one():
    lm = FIST.copy()
    lm[4] = lm[2]
    assert hand_features(lm)[FEATURES.index("thumb_up")] == 0.0
    assert hand_scale(np.zeros((21, 3))) == 1.0
    assert np.isfinite(hand_features(np.zeros((21, 3)))).all()


def test_table_features_undo_the_normalisation_and_leave_unread_hands_nan():
    lm = hand(0.2, 1.3, 1.3, 1.3, "in") + [400.0, 300.0, 10.0]
    w, h = 1280, 720
    row = {f"h{a}{j}": lm[j, k] / (w if a in "xz" else h) for k, a in enumerate("xyz") for j in range(21)}
    missing = {**row, "hy7": np.nan}
    rules = StateRules(straight=0.4, closed=0.5, thumb_out=0.3)
    out = table_features(pd.DataFrame([row, missing, row]), (w, h), rules)
    np.testing.assert_allclose(out[0], hand_features(lm, rules), rtol=1e-9)
    np.testing.assert_array_equal(out[0], out[2])
    assert out.shape == (3, len(FEATURES)) and np.isnan(out[1]).all()


def test_a_saved_model_loads_back_the_same_with_its_hash_beside_it(model, tmp_path: Path):
    from cuedetect.hashing import file_sha256

    path = save_state_model(model, tmp_path / "new" / "hands")  # parents made too
    assert path == tmp_path / "new" / "hands" / MODEL_FILE
    assert (path.parent / f"{MODEL_FILE}.sha256").read_text() == f"{file_sha256(path)}  {MODEL_FILE}\n"
    back = load_state_model(path.parent)
    assert back.sha256 == file_sha256(path) and (back.features, back.classes) == (
        model.features,
        model.classes,
    )
    for name in ("low", "high", "mean", "scale", "coef", "intercept"):
        np.testing.assert_array_equal(getattr(back, name), getattr(model, name), err_msg=name)
        assert getattr(back, name).dtype == np.float64
    assert back.info == model.info and back.info["table_sha256"]
    data = json.loads(path.read_text())
    assert data["format"] == 1 and data["kind"] == "multinomial_logistic_regression"
    assert path.read_text() == json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n"
    assert HandStateModel.from_json(data).sha256 == ""  # not loaded from a file: no hash
    assert HandStateModel.from_json({k: v for k, v in data.items() if k != "info"}).info == {}


def test_describe_and_verify_say_whether_it_is_the_shipped_model_and_its_table(model, model_copy: Path):
    assert (
        describe(model) == f"learned model {MODEL_FILE} (sha256 {model.sha256[:12]}..., the committed model)"
    )
    line = verify_state_model(model_copy)
    assert line == (f"hand states: {MODEL_FILE} sha256 {model.sha256[:12]}... verified (the committed model; "
                    f"fitted from {TABLE_FILE} as it is)")  # fmt: skip
    (model_copy / TABLE_FILE).write_bytes(b"edited")
    assert verify_state_model(model_copy).endswith(
        f"; {TABLE_FILE} has changed since: run `cuedetect train-hands`)"
    )
    (model_copy / TABLE_FILE).unlink()
    assert verify_state_model(model_copy).endswith("(the committed model; its training table is not there)")
    other = replace(model, intercept=model.intercept + 1.0)
    save_state_model(other, model_copy)
    mine = load_state_model(model_copy)
    assert describe(mine).endswith(f"(sha256 {mine.sha256[:12]}..., a model not shipped with cuedetect)")
    assert verify_state_model(model_copy).endswith(
        "verified (not the committed model; its training table is not there)"
    )


@pytest.mark.parametrize("sidecar", [None, "", "   \n"])
def test_a_model_without_its_recorded_hash_is_refused(model_copy: Path, sidecar):
    side = model_copy / f"{MODEL_FILE}.sha256"
    if sidecar is None:
        side.unlink()
    else:
        side.write_text(sidecar)
    with pytest.raises(ModelUnavailableError, match="does not match its recorded sha256"):
        load_state_model(model_copy)


def test_a_model_file_that_is_not_json_is_refused_in_one_line(model_copy: Path):
    from cuedetect.hashing import file_sha256

    path = model_copy / MODEL_FILE
    path.write_text("{not json")
    (model_copy / f"{MODEL_FILE}.sha256").write_text(f"{file_sha256(path)}  {MODEL_FILE}\n")
    with pytest.raises(ModelUnavailableError, match="cannot be read as JSON"):
        load_state_model(model_copy)


def test_the_rules_scores_are_shares_of_their_sum_when_two_states_hold():
    """Rules under which a half-curled hand is both a fist and an open palm: the scores add to about 2 and
    the features are their shares (about a half each), not the raw scores."""
    rules = StateRules(straight=0.9, closed=0.1, tuck_weight=0.0)
    lm = hand(0.5, 0.5, 0.5, 0.5, "in")
    scores = rule_scores(lm, rules)
    assert sum(scores.values()) > 1.9
    shares = hand_features(lm, rules)[[FEATURES.index(f"rule_{s}") for s in HAND_STATES]]
    np.testing.assert_allclose(shares, [scores[s] / sum(scores.values()) for s in HAND_STATES])
    assert shares.sum() == pytest.approx(1.0)


# --- session 12: "learned-thumb", the rules' thumb test deciding thumbs-up and the model the rest

THUMBS_UP = hand(1.3, 1.3, 1.3, 1.3, "up")


def _leaning(model: HandStateModel, state: str, by: float = 50.0, **kw) -> HandStateModel:
    """`model` with every hand pushed toward `state` by `by` logits."""
    intercept = model.intercept + by * (np.asarray(model.classes) == state)
    return replace(model, intercept=intercept, **kw)


def _same(a: HandShape, b: HandShape) -> None:
    for f in fields(HandShape):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)


def test_learned_thumb_reads_thumbs_up_by_the_rules_only(model):
    """A model that calls every hand thumbs-up: with the thumb test it calls none that the rules do not,
    and the rest get its best other state; a model that never does: the rules' thumbs-up stands."""
    eager = _leaning(model, "thumb_up", thumb_rules=True)
    assert _leaning(model, "thumb_up").shape(FIST, "right").state == "thumb_up"  # the model alone
    for landmarks, state in CLEAR_HANDS:
        got = eager.shape(landmarks, "right")
        if state == "thumb_up":
            _same(got, classify(landmarks, "right"))  # the rules' own reading, confidence too
        else:
            assert got.state != "thumb_up"
            p = eager.predict_proba(hand_features(landmarks)[None])[0]
            p[eager.classes.index("thumb_up")] = 0.0
            if thumb_allows_fist(landmarks) < 0.5:
                p[eager.classes.index("fist")] = 0.0
            best = (eager.classes[int(np.argmax(p))], pytest.approx(p.max() / p.sum()))
            assert (got.state, got.confidence) == best
    shy = _leaning(model, "fist", thumb_rules=True)
    _same(shy.shape(THUMBS_UP, "left"), classify(THUMBS_UP, "left"))
    for landmarks, state in CLEAR_HANDS:  # fist wherever the thumb test allows it, and no thumbs-up
        if state != "thumb_up":
            want_fist = thumb_allows_fist(landmarks) >= 0.5
            assert (shy.shape(landmarks, "left").state == "fist") is want_fist


def test_learned_thumb_calls_no_fist_the_thumb_test_rules_out(model):
    """Four closed fingers with the thumb out sideways (not up): the rules read `other`, the thumb test
    allows no fist, so a model leaning to fist gives its next state; a tucked thumb keeps the fist."""
    thumb_out = hand(1.3, 1.3, 1.3, 1.3, "out")
    assert classify(thumb_out, "right").state == "other"
    assert thumb_allows_fist(thumb_out) < 0.5 < thumb_allows_fist(FIST)
    fisty = _leaning(model, "fist", by=5.0)
    assert fisty.shape(thumb_out, "right").state == "fist"  # the model alone
    got = replace(fisty, thumb_rules=True).shape(thumb_out, "right")
    p = fisty.predict_proba(hand_features(thumb_out)[None])[0]
    p[[fisty.classes.index("fist"), fisty.classes.index("thumb_up")]] = 0.0
    assert (got.state, got.confidence) == (fisty.classes[int(np.argmax(p))], pytest.approx(p.max() / p.sum()))
    assert replace(fisty, thumb_rules=True).shape(FIST, "right").state == "fist"


def test_state_reader_gives_the_thumb_test_only_to_learned_thumb():
    assert not state_reader("learned").thumb_rules
    thumb = state_reader("learned-thumb")
    assert thumb.thumb_rules and thumb.sha256 in KNOWN_MODELS
    assert "thumbs-up by the rules' thumb test" in describe(thumb)
    assert "thumb test" not in describe(state_reader("learned"))
