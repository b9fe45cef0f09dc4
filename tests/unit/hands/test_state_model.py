"""The learned hand-state model: its features, the committed JSON model, loading it safely, and the stage
reading states with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.errors import InputError, ModelUnavailableError
from cuedetect.hands.shape import HAND_STATES, HandShape, finger_curls
from cuedetect.hands.stage import HandStage, HandStageOptions
from cuedetect.hands.state_features import FEATURES, hand_features, hand_scale
from cuedetect.hands.state_model import (
    KNOWN_MODELS,
    MODEL_FILE,
    TABLE_FILE,
    describe,
    load_state_model,
    model_folder,
    state_reader,
    verify_state_model,
)
from tests.unit.hands.test_crops import FakeReader, H, W, body
from tests.unit.hands.test_shape import FIST, hand

MODEL = load_state_model()


def test_the_committed_model_loads_and_is_the_one_shipped():
    assert MODEL.sha256 in KNOWN_MODELS
    assert MODEL.features == FEATURES and sorted(MODEL.classes) == sorted(HAND_STATES)
    line = verify_state_model()
    assert "the committed model" in line and f"fitted from {TABLE_FILE} as it is" in line
    assert describe(MODEL).startswith("learned model") and describe(None).startswith("hand-written rules")


@pytest.mark.parametrize(
    ("landmarks", "state"),
    [
        (FIST, "fist"),
        (hand(0.0, 0.0, 0.0, 0.0, "out"), "open_palm"),
        (hand(0.05, 0.1, 0.05, 0.1, "in"), "open_palm"),
        (hand(0.0, 1.3, 1.3, 1.3, "in"), "point"),
        (hand(0.05, 1.2, 1.3, 1.25, "out"), "point"),
        (hand(1.3, 1.3, 1.3, 1.3, "up"), "thumb_up"),
    ],
)
@pytest.mark.parametrize("side", ["left", "right"])
def test_hand_made_shapes_read_their_state(landmarks, state, side):
    shape = MODEL.shape(landmarks, side)
    assert shape.state == state
    assert 0.2 < shape.confidence <= 1.0
    np.testing.assert_allclose(shape.curl, finger_curls(landmarks))  # the curls still come from the landmarks


def test_probabilities_sum_to_one_and_hands_beyond_the_training_range_are_not_extrapolated():
    x = hand_features(FIST)
    p = MODEL.predict_proba(np.stack([x, x]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    far, edge = x.copy(), x.copy()
    k = FEATURES.index("thumb_out")
    far[k], edge[k] = MODEL.high[k] + 50.0, MODEL.high[k]
    np.testing.assert_allclose(MODEL.predict_proba(far[None]), MODEL.predict_proba(edge[None]))
    missing = x.copy()
    missing[k] = np.nan  # a feature that cannot be computed counts as the training mean
    assert np.isfinite(MODEL.predict_proba(missing[None])).all()


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
        (lambda d: d.update(features=d["features"][:-1]), "other features"),
        (lambda d: d.update(coef=d["coef"][:-1]), "do not match"),
        (lambda d: d.update(scale=[0.0] * len(d["scale"])), "non-positive"),
        (lambda d: d.update(kind="pickle"), "not a hand-state model"),
        (lambda d: d.pop("low"), "not a hand-state model"),
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
    with pytest.raises(ModelUnavailableError, match="train-hands"):
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
