"""`cuedetect analyze` on real two-person clips: both people found, under the same two ids.

The clips have no labels, so the measure is: of the analysed frames, in how many are the two ids seen
most often both present (the two people, found and not renamed). The numbers are printed (run with
-s to see them) and the thresholds below are what the engine achieves, with a little margin.

A run at the real dev set's settings (15 fps, full model, one pose worker) is the `dev_set_analysis`
fixture's: analysed afresh once per run into the dev set's analysis cache (`.cache/real_clips/`), where
the hand test and the quality floors (`test_cue_quality_floors.py`, later in the run) read the same
analysis instead of analysing the clip again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

# clip, analysis fps, min share of frames with both main ids, most distinct ids allowed
CASES = [
    ("two_people_outdoors.mp4", 12, 0.95, 2),  # measured: 100% of 40 frames, 2 ids
    # A man jumps on and off a box in back-light while a woman walks past: she is in view from about
    # 1.5 s to 7 s, i.e. in about 2/3 of the frames; measured 66% (ids 0 and 1), 2 ids in all.
    ("two_people_walking.mp4", 15, 0.55, 2),
]


def two_main_ids_share(poses: pd.DataFrame, analysed: int) -> tuple[float, list[int], int]:
    counts = poses.groupby("person")["frame"].nunique().sort_values(ascending=False)
    main = [int(p) for p in counts.index[:2]]
    frames = poses.groupby("frame")["person"].apply(set)
    both = int(sum(set(main) <= ids for ids in frames))
    return both / analysed, main, len(counts)


@pytest.mark.slow
@pytest.mark.parametrize("clip, fps, min_share, max_ids", CASES)
def test_both_people_found_under_two_stable_ids(
    analyze_cli, dev_set_analysis, clips_dir: Path, tmp_path: Path, clip: str, fps: int, min_share: float,
    max_ids: int,
) -> None:  # fmt: skip
    if fps == 15:  # the dev set's settings: its shared analysis
        out, analysis = dev_set_analysis(clip)
    else:
        out = tmp_path / "out"
        analysis = analyze_cli(clips_dir / clip, out, "--fps", str(fps), "--jobs", "1")
    poses = pd.read_parquet(out / "poses.parquet")
    detected = poses[~poses["interpolated"]]
    share, main, n_ids = two_main_ids_share(detected, analysis["analysed_frames"])
    print(
        f"\n{clip}: {analysis['analysed_frames']} frames at {fps} fps; ids {main} both present in "
        f"{share:.0%} of frames; {n_ids} ids in all; {analysis['realtime_factor']:.2f}x real time"
    )
    assert share >= min_share
    assert n_ids <= max_ids
    assert main == [0, 1] or set(main) <= set(range(max_ids))
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert {"frame", "t", "person", "other", "distance_m", "distance_sd_m"} <= set(pairs.columns)
    assert (pairs["person"] < pairs["other"]).all()


@pytest.mark.slow
def test_the_fist_raised_overhead_in_a_close_up_is_a_raised_hand_and_no_phantom_joins_her(
    dev_set_analysis,
) -> None:
    """one_person_gestures.mp4: a head-and-shoulders close-up; she raises a fist above her head at 1.1-2.2 s.

    The by-eye labels (`labels.json`) call that a raised hand, not a guard: `fists_up` is labelled absent
    from the whole clip, and the thumbs-up that follows (3.0-7.0 s) is no guard either. The model
    trained on the style corpus calls the raised fist (1.2-2.0 s) `fists_up` as well: a false alarm
    listed in the cues README and counted by the real dev set's precision floor
    (`test_cue_quality_floors.py`); here only the thumbs-up must stay free of it (issue 13). The
    whole-frame search used to propose phantoms here (a body imagined above her face, a figure in the
    dark background) that then stood "too close" to her.
    """
    out, analysis = dev_set_analysis("one_person_gestures.mp4")
    assert [p["id"] for p in analysis["persons"]] == [0]
    assert analysis["persons"][0]["frames_detected"] >= 0.9 * analysis["analysed_frames"]
    events = json.loads((out / "events.json").read_text())["events"]
    raised = [e for e in events if e["cue"] == "hands_raised" and e["start"] < 2.2 and e["end"] > 1.1]
    assert raised, events
    assert not [e for e in events if e["cue"] == "fists_up" and e["end"] > 2.9], events
    assert not [e for e in events if e["other"] is not None]
