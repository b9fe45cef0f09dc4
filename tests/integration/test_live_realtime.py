"""Live mode on a video file at real-time pace agrees with the offline analysis of the same file.

The live run sees the video as a camera would (wall-clock pace, frames dropped when busy, cues from
trailing windows); the offline run is `cuedetect analyze` + `detect_cues` on the whole file with the
same pose model (lite) and the same stages as live mode (no hand reading, and the body cues only: live
mode hears the voices through its own monitor), so the comparison measures the live machinery, not a
model or stage difference.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from cuedetect.analysis import AnalyzeOptions, analyze
from cuedetect.live.agreement import event_agreement, match_person_ids
from cuedetect.live.session import LiveOptions, LiveSession
from cuedetect.live.sources import PacedVideoSource
from cuedetect.pose.sources import probe_video

MIN_F1 = 0.8


@pytest.mark.slow
def test_live_cues_agree_with_offline_analysis(
    standoff_video: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    info = probe_video(standoff_video)
    assert info.duration >= 20.0
    t0 = time.monotonic()
    options = LiveOptions(record_dir=tmp_path, store=False, full_analysis=False, source_fps=info.average_fps)
    with LiveSession(PacedVideoSource(standoff_video), options) as session:
        live = session.run()
    wall = time.monotonic() - t0
    assert live.stop_reason == "end of source" and live.fault is None
    assert wall >= info.duration - 0.5  # played at real-time pace, not faster
    assert live.frames_recorded == info.frame_count  # every frame recorded, none queued away
    stats = live.stats
    assert stats["processed_frames"] + stats["frames_dropped"] + stats["frames_skipped_by_rate_limit"] == (
        info.frame_count
    )

    out = tmp_path / "offline"
    same_stages = AnalyzeOptions(out, fps=15, model="lite", jobs=2, hands=False, voice=False)
    offline = analyze(standoff_video, same_stages).events
    assert offline is not None
    poses = pd.read_parquet(out / "poses.parquet")
    offline_events = [e.to_dict() for e in offline.events]
    mapping = match_person_ids(pd.read_parquet(live.live_dir / "poses.parquet"), poses)
    assert len(set(mapping.values())) >= 2  # both people were followed live
    total, per_cue = event_agreement(live.events, offline_events, mapping)
    shown, _ = event_agreement(live.shown_events, offline_events, mapping)
    report = {
        "video": standoff_video.name,
        "duration_s": info.duration,
        "wall_s": round(wall, 1),
        "event_f1": round(total.f1, 3),
        "tp": total.tp,
        "fp": total.fp,
        "fn": total.fn,
        "shown_now_f1": round(shown.f1, 3),
        "per_cue": {c: [k.tp, k.fp, k.fn] for c, k in per_cue.items()},
        "live": stats,
        "offline_events": len(offline_events),
        "live_events": len(live.events),
    }
    (artifacts_dir / "live_agreement.json").write_text(json.dumps(report, indent=1, default=str))
    assert total.tp + total.fn >= 3, "the clip should hold a few cue events"
    assert total.f1 >= MIN_F1, report
