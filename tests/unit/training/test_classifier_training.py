from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.features import feature_columns
from cuedetect.cues.tracks import tracks_from_poses
from cuedetect.errors import ModelUnavailableError
from cuedetect.training.dataset import dataset, gt_tracks, load_gt_dir, load_reviewed_session, synthetic_clips
from cuedetect.training.synthetic import make_clip


@pytest.fixture(scope="module")
def small_data():
    clips = synthetic_clips(2, seed=77)
    X, Y, groups, _ = dataset(clips, n_aug=0)
    return clips, X, Y, groups


def test_dataset_rows_labels_and_groups(small_data) -> None:
    clips, X, Y, groups = small_data
    assert len(X) == len(Y) == len(groups)
    assert Y.shape[1] == len(CLASSIFIER_CUES) and Y.sum() > 0
    assert set(groups) == {c.group for c in clips}


@pytest.mark.parametrize(
    ("source", "weights", "expected"),
    [("synthetic", None, 1.0), ("corpus", None, 4.0), ("corpus", {"corpus": 1.0}, 1.0),
     ("synthetic", {"synthetic": 2.5}, 2.5)],
)  # fmt: skip
def test_row_weights_follow_the_source_and_the_override(small_data, source, weights, expected) -> None:
    from dataclasses import replace

    clip = replace(small_data[0][0], source=source)
    _, _, _, w = dataset([clip], n_aug=0, weights=weights)
    assert len(w) and (w == expected).all()


def test_fit_returns_self_is_reproducible_and_round_trips(small_data, tmp_path) -> None:
    _, X, Y, _ = small_data
    clf = CueClassifier(feature_columns(), max_iter=10)
    assert clf.fit(X, Y) is clf
    p1 = clf.predict_proba(X.head(50))
    p2 = CueClassifier(feature_columns(), max_iter=10).fit(X, Y).predict_proba(X.head(50))
    pd.testing.assert_frame_equal(p1, p2)
    clf.save(tmp_path)
    loaded = CueClassifier.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.predict_proba(X.head(50)), p1)
    assert list(p1.columns) == list(CLASSIFIER_CUES) and ((p1 >= 0) & (p1 <= 1)).all().all()


def test_tampered_model_is_refused(small_data, tmp_path) -> None:
    _, X, Y, _ = small_data
    CueClassifier(feature_columns(), max_iter=5).fit(X, Y).save(tmp_path)
    with open(tmp_path / "cue_classifier.skops", "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelUnavailableError, match="sha256"):
        CueClassifier.load(tmp_path)
    with pytest.raises(ModelUnavailableError, match="no cue model"):
        CueClassifier.load(tmp_path / "missing")


def test_predict_handles_nan_rows(small_data) -> None:
    _, X, Y, _ = small_data
    clf = CueClassifier(feature_columns(), max_iter=5).fit(X, Y)
    nan_rows = X.head(5).copy()
    nan_rows[feature_columns()] = np.nan
    assert np.isfinite(clf.predict_proba(nan_rows).to_numpy()).all()


def _write_gt_clip(folder, seed=5):
    c = make_clip(seed, duration=8.0)
    folder.mkdir()
    (folder / "gt.json").write_text(json.dumps(c.gt))
    return c


def test_gt_only_folder_uses_the_exact_joints(tmp_path) -> None:
    c = _write_gt_clip(tmp_path / "clip")
    clip = load_gt_dir(tmp_path / "clip")
    assert clip.source == "gt-joints" and clip.mapping == {0: "A", 1: "B"}
    tr = gt_tracks(c.gt)
    assert len(tr) == 2 and np.isnan(tr[0].vis).all()
    ref = tracks_from_poses(make_clip(5, duration=8.0, noise=False).poses)[0]
    np.testing.assert_allclose(tr[0].xy, ref.xy, atol=1e-9)


def test_corpus_folder_matches_persons_through_joints(tmp_path) -> None:
    c = _write_gt_clip(tmp_path / "clip", seed=9)
    poses = c.poses.copy()
    poses["person"] = poses["person"].map({0: 5, 1: 3})  # arbitrary analysis ids
    poses.to_parquet(tmp_path / "clip" / "poses.parquet")
    clip = load_gt_dir(tmp_path / "clip")
    assert clip.source == "corpus" and clip.mapping == {5: "A", 3: "B"}
    assert {e["person"] for e in clip.events} <= {3, 5}


def test_reviewed_session_states(tmp_path) -> None:
    c = make_clip(3, duration=8.0)
    c.poses.to_parquet(tmp_path / "poses.parquet")
    events = [
        {"cue": "pointing", "person": 0, "start": 1.0, "end": 2.0, "review": "confirmed"},
        {"cue": "fists_up", "person": 0, "start": 3.0, "end": 4.0, "review": {"state": "rejected"}},
        {"cue": "hands_raised", "person": 1, "start": 2.0, "end": 3.0, "review": "added"},
        {"cue": "pacing", "person": 1, "start": 5.0, "end": 7.0},
        {"cue": "open_hands", "person": 0, "start": 6.0, "end": 7.0, "status": "confirmed"},  # store export
    ]
    (tmp_path / "events.json").write_text(json.dumps({"video": "x.mp4", "events": events}))
    clip = load_reviewed_session(tmp_path)
    assert [e["cue"] for e in clip.events] == ["pointing", "hands_raised", "open_hands"]
    assert clip.ignore == [{"person": 1, "cue": None, "start": 5.0, "end": 7.0}]
    X, Y, _, _ = dataset([clip], 0)
    dropped = X[(X.person == 1) & (X.t > 5.05) & (X.t < 6.95)]
    assert len(dropped) == 0 and Y[:, CLASSIFIER_CUES.index("pointing")].sum() > 0


def test_calibration_and_thresholds_are_saved_and_applied(tmp_path) -> None:
    """A saved model keeps its isotonic knots and thresholds, and predict_proba applies the knots."""
    import numpy as np
    import pandas as pd

    from cuedetect.cues.catalogue import CLASSIFIER_CUES
    from cuedetect.cues.classifier import CueClassifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    Y = np.stack([(X["a"] > 0).astype(int)] * len(CLASSIFIER_CUES), axis=1)
    clf = CueClassifier(["a", "b"], max_iter=10).fit(X, Y)
    raw = clf.predict_proba(X)
    clf.calibration = {"pointing": {"x": [0.0, 0.5, 1.0], "y": [0.0, 0.1, 0.2]}}
    clf.thresholds = {"pointing": 0.3}
    clf.save(tmp_path)
    back = CueClassifier.load(tmp_path)
    assert back.thresholds == {"pointing": 0.3}
    got = back.predict_proba(X)
    assert np.allclose(got["pointing"], np.interp(raw["pointing"], [0, 0.5, 1], [0, 0.1, 0.2]))
    assert np.allclose(got["arms_crossed"], raw["arms_crossed"])


def test_mirrored_dataset_adds_one_flipped_copy_of_every_clip_with_its_labels(small_data) -> None:
    """`dataset(mirrored=True)`: the plain rows, then one mirrored copy per clip (x flipped, left and
    right swapped: the picture-signed features flip sign), same labels and clip group; augmented
    copies come on top of it."""
    from dataclasses import replace

    from cuedetect.training.augment import mirror

    clip = replace(small_data[0][0], source="gt-joints")  # exact tracks: no random pose-model wear
    X0, Y0, G0, W0 = dataset([clip], n_aug=0)
    X, Y, G, W = dataset([clip], n_aug=0, mirrored=True)
    n = len(X0)
    assert len(X) == 2 * n and len(Y) == len(G) == len(W) == 2 * n
    pd.testing.assert_frame_equal(X.iloc[:n].reset_index(drop=True), X0)
    np.testing.assert_array_equal(Y[n:], Y0)  # labels follow the person, not the side
    assert Y0.sum() > 0 and set(G) == {clip.group}
    np.testing.assert_array_equal(G[n:], G0)
    np.testing.assert_array_equal(W[n:], W0)
    flipped = X.iloc[n:].reset_index(drop=True)
    expected = dataset([replace(clip, tracks=mirror(clip.tracks))], n_aug=0)[0]
    pd.testing.assert_frame_equal(flipped, expected)
    seen = np.isfinite(X0["nose_x"]) & (X0["nose_x"].abs() > 1e-3)
    assert seen.any()
    np.testing.assert_allclose(flipped["nose_x"][seen], -X0["nose_x"][seen], atol=1e-6)
    assert len(dataset([clip], n_aug=1, mirrored=True)[0]) == 3 * n
