"""The learned hand-state model: a multinomial logistic regression over `state_features.FEATURES`,
stored as plain JSON coefficients (nothing in the file is ever imported or called).

`cuedetect train-hands` fits it from the committed training table (`models/hands/state_train.parquet`,
hands the stage read on studio renders, labelled by their gt.json) and writes
`models/hands/hand_state_model.json` with a `.sha256` beside it. Loading checks that hash (corruption)
and the file's shape (every array the size its feature list says); `KNOWN_MODELS` lists the hash of the
committed file, so `cuedetect models` can say whether the model is the one this release shipped.

In the hand stage (`HandStageOptions.state_model`), the network's landmarks still give the curls, the palm
normal and where the palm faces; only the state and its confidence (the model's calibrated probability)
come from the model (`cuedetect.hands.HAND_STATE_CLASSIFIERS` names the ways to read states). With
`thumb_rules` ("learned-thumb") the rules' thumb test decides thumbs-up and the model the rest: a hand the
rules read `thumb_up` keeps the rules' reading, any other the model's most probable state but thumbs-up,
and no fist where the thumb test allows none (`shape.thumb_allows_fist` under 0.5: the thumb out or away
from the fingers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import ModelUnavailableError
from cuedetect.hands import HAND_STATE_CLASSIFIERS
from cuedetect.hands.shape import HAND_STATES, HandShape, StateRules, classify, thumb_allows_fist
from cuedetect.hands.state_features import FEATURES, hand_features
from cuedetect.hashing import file_sha256
from cuedetect.paths import models_dir

MODEL_FILE = "hand_state_model.json"
TABLE_FILE = "state_train.parquet"
FORMAT_VERSION = 1
# SHA-256 of the committed model file (`cuedetect train-hands` from the committed table reproduces it)
KNOWN_MODELS: frozenset[str] = frozenset({"78909b88eb0974c32abec14b02303ecd08f3f89eceaf570ea9c04fd6b0c02cee"})


def model_folder() -> Path:
    return models_dir() / "hands"


@dataclass(frozen=True)
class HandStateModel:
    """Features held within the training range, standardised -> softmax(coef @ x + intercept) over `classes`.

    Attributes:
        features: the feature names, in `state_features.FEATURES` order.
        classes: the states, in the order of `coef`'s rows.
        low, high: each feature is clipped to them (the training rows' 0.5% and 99.5% quantiles): a hand
            unlike any the model saw is not extrapolated on (a real thumb held toward the camera reads
            farther out than any studio thumb).
        mean, scale: the standardisation (NaN features become the mean).
        coef: (classes, features); intercept: (classes,).
        info: how it was trained (table hash, rows, cross-validation).
        sha256: the file's hash (empty when not loaded from a file).
        thumb_rules: thumbs-up is the rules' call (`shape.classify`), not the model's, and the rules' thumb
            test can veto a fist: a real thumbs-up aimed at the camera, end-on, read `fist` by the model
            in live mode (README, Hands), with the thumbs-up alone still at one instant (its tip 0.4
            palm lengths from the fingers, not out: the rules read `other`).
    """

    features: tuple[str, ...]
    classes: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    thumb_rules: bool = False

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, classes) probabilities for (n, features) rows."""
        z = (np.clip(np.asarray(X, dtype=float), self.low, self.high) - self.mean) / self.scale
        z = np.where(np.isfinite(z), z, 0.0)
        logits = z @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def shape(self, lm: np.ndarray, side: str, rules: StateRules | None = None,
              world: np.ndarray | None = None) -> HandShape:  # fmt: skip
        """`shape.classify`'s reading of a hand (curls, palm) with this model's state and confidence."""
        base = classify(lm, side, rules, world)
        if self.thumb_rules and base.state == "thumb_up":
            return base
        p = self.predict_proba(hand_features(lm, rules)[None])[0]
        if self.thumb_rules:  # the rules said no thumbs-up: the model's best of the other states
            ruled_out = ["thumb_up"] + (["fist"] if thumb_allows_fist(lm, rules) < 0.5 else [])
            p = np.where(np.isin(np.asarray(self.classes), ruled_out), 0.0, p)
            p = p / p.sum()
        k = int(np.argmax(p))
        return replace(base, state=self.classes[k], confidence=float(p[k]))

    def describe(self) -> str:
        """One line for the processing log."""
        known = "the committed model" if self.sha256 in KNOWN_MODELS else "a model not shipped with cuedetect"
        thumb = ", thumbs-up by the rules' thumb test" if self.thumb_rules else ""
        return f"learned model {MODEL_FILE} (sha256 {self.sha256[:12]}..., {known}{thumb})"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "kind": "multinomial_logistic_regression",
            "features": list(self.features),
            "classes": list(self.classes),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], sha256: str = "") -> HandStateModel:
        """A model from its JSON; refuses anything whose fields or sizes are not what the format says."""
        try:
            if data.get("format") != FORMAT_VERSION or data.get("kind") != "multinomial_logistic_regression":
                raise ValueError(f"format {data.get('format')!r} / kind {data.get('kind')!r}")
            features = tuple(str(f) for f in data["features"])
            classes = tuple(str(c) for c in data["classes"])
            low, high = np.asarray(data["low"], float), np.asarray(data["high"], float)
            mean, scale = np.asarray(data["mean"], float), np.asarray(data["scale"], float)
            coef, intercept = np.asarray(data["coef"], float), np.asarray(data["intercept"], float)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailableError(f"not a hand-state model file: {exc}") from None
        if features != FEATURES:
            raise ModelUnavailableError(
                "the hand-state model was trained on other features than this cuedetect computes; "
                "retrain it with `cuedetect train-hands`"
            )
        if sorted(classes) != sorted(HAND_STATES):
            raise ModelUnavailableError(f"the hand-state model's states {classes} are not {HAND_STATES}")
        n, m = len(classes), len(features)
        if (
            any(a.shape != (m,) for a in (low, high, mean, scale))
            or coef.shape != (n, m)
            or intercept.shape != (n,)
        ):
            raise ModelUnavailableError("the hand-state model's arrays do not match its feature list")
        if (
            not all(np.isfinite(a).all() for a in (low, high, mean, scale, coef, intercept))
            or (scale <= 0).any()
        ):
            raise ModelUnavailableError("the hand-state model holds non-finite values or non-positive scales")
        return cls(
            features, classes, low, high, mean, scale, coef, intercept, dict(data.get("info", {})), sha256
        )


def save_state_model(model: HandStateModel, folder: Path) -> Path:
    """Write `hand_state_model.json` and its `.sha256` into `folder` (atomically); returns the file."""
    from cuedetect.io_atomic import atomic_path

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n")
    digest = file_sha256(path)
    with atomic_path(folder / f"{MODEL_FILE}.sha256") as tmp:
        tmp.write_text(f"{digest}  {MODEL_FILE}\n")
    return path


def load_state_model(folder: Path | None = None) -> HandStateModel:
    """The hand-state model of `folder` (default `models/hands`), checked against its `.sha256`.

    Raises:
        ModelUnavailableError: no model file, a hash that does not match, or a file that is not a model.
    """
    folder = folder or model_folder()
    path = folder / MODEL_FILE
    if not path.exists():
        raise ModelUnavailableError(
            f"no hand-state model in {folder}; fit it with `cuedetect train-hands` or read the states with "
            "the rules (`--hand-states rules`)"
        )
    digest = file_sha256(path)
    side = folder / f"{MODEL_FILE}.sha256"
    recorded = side.read_text().split()[0] if side.exists() and side.read_text().strip() else ""
    if recorded != digest:
        raise ModelUnavailableError(f"{path} does not match its recorded sha256; run `cuedetect train-hands`")
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelUnavailableError(f"{path} cannot be read as JSON ({exc})") from None
    return HandStateModel.from_json(data, digest)


def state_reader(name: str) -> HandStateModel | None:
    """The model for a `--hand-states` choice: None for "rules", the loaded model for "learned", and for
    "learned-thumb" the loaded model with the rules' thumb test deciding thumbs-up."""
    if name == "rules":
        return None
    if name == "learned":
        return load_state_model()
    if name == "learned-thumb":
        return replace(load_state_model(), thumb_rules=True)
    from cuedetect.errors import InputError

    raise InputError(f"unknown --hand-states {name!r}; use one of: {', '.join(HAND_STATE_CLASSIFIERS)}")


def describe(model: HandStateModel | None) -> str:
    """Which classifier read the hand states, in one line (analysis.json, the processing log)."""
    return "hand-written rules (cuedetect.hands.shape)" if model is None else model.describe()


def verify_state_model(folder: Path | None = None) -> str:
    """`cuedetect models`' line for the hand-state model: its hash checked, whether it is the committed
    model and whether the training table beside it is the one it was fitted from.

    Raises:
        ModelUnavailableError: a model file that does not load (see `load_state_model`).
    """
    folder = folder or model_folder()
    if not (folder / MODEL_FILE).exists():
        return f"hand states: no learned model in {folder} (the rules read them; `cuedetect train-hands`)"
    model = load_state_model(folder)
    shipped = "the committed model" if model.sha256 in KNOWN_MODELS else "not the committed model"
    table = folder / TABLE_FILE
    if not table.exists():
        source = "its training table is not there"
    elif file_sha256(table) == model.info.get("table_sha256"):
        source = f"fitted from {TABLE_FILE} as it is"
    else:
        source = f"{TABLE_FILE} has changed since: run `cuedetect train-hands`"
    return f"hand states: {MODEL_FILE} sha256 {model.sha256[:12]}... verified ({shipped}; {source})"
