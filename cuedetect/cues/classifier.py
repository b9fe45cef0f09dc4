"""The trained posture-cue classifier: a scikit-learn Pipeline, multi-label, saved with skops.

One HistGradientBoosting model per classifier cue (it handles NaN features natively), wrapped in a
MultiOutputClassifier inside a Pipeline. Files: `<name>.skops` (the pipeline; loaded only when every
object type in it is on the exact allow-list in `cuedetect.cues.model_types`, never as a pickle),
`<name>.json` (features, cues, version, training summary) and `<name>.skops.sha256` (detects corruption
only: see `model_types` for what a hash beside a file can and cannot prove).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.model_types import check_model_file, is_known
from cuedetect.errors import ModelUnavailableError
from cuedetect.hashing import file_sha256
from cuedetect.io_atomic import atomic_path, write_json

MODEL_NAME = "cue_classifier"
FORMAT_VERSION = 1


def make_pipeline(seed: int = 0, max_iter: int = 150):
    """The untrained Pipeline (deterministic for a seed)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import Pipeline

    hgb = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=0.08,
        max_leaf_nodes=31,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )
    return Pipeline([("clf", MultiOutputClassifier(hgb))])


@dataclass
class CueClassifier:
    """Multi-label posture-cue classifier over the feature table."""

    features: list[str]
    cues: tuple[str, ...] = CLASSIFIER_CUES
    seed: int = 0
    max_iter: int = 150
    info: dict = field(default_factory=dict)
    pipeline: object = None
    calibration: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    """Per cue, an isotonic map fitted on held-out clips: raw score `x` -> probability `y` (knots)."""
    thresholds: dict[str, float] = field(default_factory=dict)
    """Per cue, the calibrated probability at which an event switches on (chosen on validation clips)."""
    shipped: bool = False  # loaded from a file whose hash the package lists (model_types.KNOWN_MODELS)

    def fit(self, X: pd.DataFrame, Y: np.ndarray, sample_weight: np.ndarray | None = None) -> CueClassifier:
        """Fit on feature rows X and (n, len(cues)) 0/1 labels; weights are rounded to repeat counts."""
        from threadpoolctl import threadpool_limits

        self.pipeline = make_pipeline(self.seed, self.max_iter)
        # One OpenMP thread: on a shared 2-core machine, spinning threads made fitting 10x slower.
        with threadpool_limits(1):
            Xa, Ya = X[self.features].to_numpy(dtype=np.float32), np.asarray(Y, dtype=int)
            if sample_weight is not None:
                # Integer weights as repeated rows: HistGradientBoosting's weighted binning computes a
                # weighted percentile per bin edge and made a 300-row fit take 40 s.
                reps = np.maximum(1, np.rint(np.asarray(sample_weight, float))).astype(int)
                Xa, Ya = np.repeat(Xa, reps, axis=0), np.repeat(Ya, reps, axis=0)
            self.pipeline.fit(Xa, Ya)
        return self

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-row probability of each cue, as a DataFrame with one column per cue."""
        if self.pipeline is None:
            raise ModelUnavailableError("the cue classifier is not trained")
        if len(X) == 0:
            return pd.DataFrame(columns=list(self.cues), dtype=float)
        from threadpoolctl import threadpool_limits

        Xa = X.reindex(columns=self.features).to_numpy(dtype=np.float32)
        with threadpool_limits(1):
            probs = self.pipeline.predict_proba(Xa)
        cols = {}
        for cue, p in zip(self.cues, probs, strict=True):
            raw = p[:, 1] if p.shape[1] > 1 else np.zeros(len(Xa))
            knots = self.calibration.get(cue)
            cols[cue] = np.interp(raw, knots["x"], knots["y"]) if knots else raw
        return pd.DataFrame(cols, index=X.index)

    # -- files -------------------------------------------------------------------------------------
    def save(self, folder: Path, name: str = MODEL_NAME) -> Path:
        """Write `<name>.skops`, `<name>.json` and `<name>.skops.sha256` into `folder`; returns the .skops."""
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.skops"
        with atomic_path(path) as tmp:
            sio.dump(self.pipeline, tmp)
        self.save_metadata(folder, name)
        (folder / f"{name}.skops.sha256").write_text(f"{sha256(path)}  {path.name}\n")
        return path

    def save_metadata(self, folder: Path, name: str = MODEL_NAME) -> Path:
        """Write only `<name>.json` (features, info, calibration, thresholds) beside an existing
        `<name>.skops`, whose bytes and recorded sha256 stay as they are: recalibrating a model does not
        touch its trees."""
        digest = sha256(folder / f"{name}.skops")
        meta = folder / f"{name}.json"
        write_json(
            meta,
            {
                "format": FORMAT_VERSION,
                "features": self.features,
                "cues": list(self.cues),
                "seed": self.seed,
                "max_iter": self.max_iter,
                "sha256": digest,
                "info": self.info,
                "calibration": self.calibration,
                "thresholds": self.thresholds,
            },
        )
        return meta

    @classmethod
    def load(cls, folder: Path, name: str = MODEL_NAME) -> CueClassifier:
        """Load a saved classifier; refuses files whose hash or object types are not as expected."""
        import skops.io as sio

        path, meta_path = folder / f"{name}.skops", folder / f"{name}.json"
        if not path.exists() or not meta_path.exists():
            raise ModelUnavailableError(f"no cue model in {folder}; train one with `cuedetect train`")
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelUnavailableError(
                f"{meta_path} cannot be read as JSON ({exc}); retrain or restore it"
            ) from None
        # First the types (nothing is imported or called for a refused file), then the hash.
        trusted = check_model_file(path)
        digest = sha256(path)
        if meta.get("sha256") and meta["sha256"] != digest:
            raise ModelUnavailableError(f"{path} does not match its recorded sha256; retrain or restore it")
        left = [t for t in sio.get_untrusted_types(file=path) if t not in trusted]
        if left:  # cannot happen after check_model_file; kept so skops' own view is never widened
            raise ModelUnavailableError(
                f"{path} holds unexpected object types {left[:3]}; refusing to load it"
            )
        pipe = sio.load(path, trusted=trusted)
        return cls(
            features=meta["features"],
            cues=tuple(meta["cues"]),
            seed=meta.get("seed", 0),
            max_iter=meta.get("max_iter", 150),
            info=meta.get("info", {}),
            pipeline=pipe,
            calibration=meta.get("calibration", {}),
            thresholds=meta.get("thresholds", {}),
            shipped=is_known(digest),
        )


sha256 = file_sha256
