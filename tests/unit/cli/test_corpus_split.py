"""`cuedetect corpus --split`: an unknown split is a one-line error before anything is written."""

from __future__ import annotations

from typer.testing import CliRunner

from cuedetect.cli import app


def test_an_unknown_split_is_refused_before_any_scenario_is_written(tmp_path):
    result = CliRunner().invoke(app, ["corpus", str(tmp_path / "c"), "--split", "test", "--count", "2"])
    assert result.exit_code != 0
    assert "--split must be classic, train or heldout" in result.output
    assert not (tmp_path / "c").exists()


def test_a_clip_where_nobody_is_found_scores_as_missed_not_as_ground_truth(tmp_path):
    import json

    from cuedetect.cli.corpus import _write_nobody
    from cuedetect.pose.evaluate import evaluate_dir
    from cuedetect.training.dataset import load_gt_dir

    person = {"joints": {"left_shoulder": [0.4, 0.3], "right_shoulder": [0.5, 0.3]}, "visible": True}
    frames = [{"frame": i, "t": i / 6, "persons": {"A": person}} for i in range(6)]
    gt = {"fps": 6, "size": [640, 360], "persons": [{"id": "A", "role": "client"}], "frames": frames,
          "events": [{"cue": "pointing", "person": "A", "start": 0.2, "end": 0.8}]}  # fmt: skip
    (tmp_path / "gt.json").write_text(json.dumps(gt))
    (tmp_path / "analysis").mkdir()  # an earlier run (before --redo-poses) found someone
    for name in ("events.json", "hands.parquet", "poses.parquet"):
        (tmp_path / "analysis" / name).write_text("from the earlier poses")
    _write_nobody(tmp_path / "analysis", "no person found in x.mp4 (6 frames analysed)")
    scores = evaluate_dir(tmp_path / "analysis", tmp_path / "gt.json")
    assert scores.gt_person_frames == 6 and scores.matched == 0
    clip = load_gt_dir(tmp_path)
    assert clip.source == "corpus" and not clip.tracks  # not the ground-truth joints
    # nothing of the earlier poses is left to be read with the new ones
    assert sorted(p.name for p in (tmp_path / "analysis").iterdir()) == [
        "analysis.json", "pairs.parquet", "poses.parquet"]  # fmt: skip


def test_a_committed_corpus_analysis_names_its_video_without_this_machines_path(tmp_path):
    import json

    from cuedetect.cli.corpus import _relative_source

    meta = tmp_path / "analysis.json"
    meta.write_text(json.dumps({"source": "/work/x/corpus/train/clip_00007/clip_00007.mp4", "persons": 2}))
    _relative_source(meta)
    assert json.loads(meta.read_text()) == {"source": "clip_00007.mp4", "persons": 2}
