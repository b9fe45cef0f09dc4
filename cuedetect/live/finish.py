"""After a live session: write the live analysis, store the session, analyse it again at full quality.

Session folder:
    recording.mp4          the raw video (fragmented mp4: playable even if the session was killed)
    live/                  analysis.json, poses.parquet, hands.parquet, events.json, stats.json,
                           windows.json: what live mode saw
    full/                  `cuedetect analyze` with the full model + events.json (written in the background)
    full_analysis.log      its output; full_analysis.json its outcome

`python -m cuedetect.live.finish SESSION_DIR [--store DB] [--model full]` is the background step; it
imports `full/` into the store, where it becomes the session's newest analysis (same recording, so the
same session) and opens in the review page.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cuedetect.hands import DEFAULT_LIVE_HAND_STATES
from cuedetect.io_atomic import write_json

if TYPE_CHECKING:
    from cuedetect.live.engine import LiveEngine


def write_live_analysis(
    live_dir: Path, recording: Path, engine: LiveEngine, duration: float, extra: dict[str, Any]
) -> list[dict[str, Any]]:
    """analysis.json, poses.parquet, hands.parquet (with the hand stage), events.json and stats.json of what
    live mode saw; returns the events."""
    from cuedetect.cues.events import CueEvent
    from cuedetect.cues.summary import session_summary
    from cuedetect.hashing import file_sha256

    live_dir.mkdir(parents=True, exist_ok=True)
    rows = engine.history.window()
    rows.to_table().to_parquet(live_dir / "poses.parquet", index=False)
    if engine.hands is not None:
        engine.hands.table().to_parquet(live_dir / "hands.parquet", index=False)
    events = engine.timeline.events()
    persons = sorted({int(p) for p in np.unique(rows.person)} | {e["person"] for e in events})
    roles = {p: engine.timeline.roles.get(p, "unknown") for p in persons}
    settings = engine.options.settings
    summary = session_summary([CueEvent(**e) for e in events], roles, None, duration, settings)
    detector = engine.timeline.latest.detector if engine.timeline.latest else "none"
    write_json(
        live_dir / "events.json",
        {
            "video": str(recording.resolve()),
            "duration": round(duration, 3),
            "persons": [{"id": p, "role": r} for p, r in roles.items()],
            "events": events,
            "summary": summary,
            "detector": f"live {detector}",
            "shown_events": engine.timeline.shown_events(),
        },
    )
    write_json(live_dir / "windows.json", engine.timeline.answers)  # what each cue window said, in order
    stats = {**engine.summary(), **extra}
    write_json(live_dir / "stats.json", stats)
    write_json(
        live_dir / "analysis.json",
        {
            "source": str(recording.resolve()),
            "source_sha256": file_sha256(recording),
            "duration_s": duration,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": {"variant": f"{engine.options.model}-live"},
            "live": stats,
            "analysed_frames": engine.history.frames,
            "working_size": list(engine.size),
        },
    )
    return events


def start_full_analysis(
    folder: Path, store_path: Path | None, model: str = "full", store: bool = True, fps: float = 15.0,
    hand_states: str = DEFAULT_LIVE_HAND_STATES,
) -> int:  # fmt: skip
    """Start `python -m cuedetect.live.finish` detached from this process; returns its pid."""
    cmd = [sys.executable, "-m", "cuedetect.live.finish", str(folder), "--model", model, "--fps", str(fps),
           "--hand-states", hand_states]  # fmt: skip
    if store_path is not None:
        cmd += ["--store", str(store_path)]
    if not store:
        cmd.append("--no-store")
    log = open(folder / "full_analysis.log", "ab")  # noqa: SIM115 (the child keeps it)
    env = {**os.environ, "GLOG_minloglevel": "2"}
    proc = subprocess.Popen(
        cmd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    log.close()
    return proc.pid


def full_analysis(
    folder: Path,
    store_path: Path | None,
    model: str = "full",
    fps: float = 15.0,
    store: bool = True,
    jobs: int | None = None,
    hand_states: str = DEFAULT_LIVE_HAND_STATES,
) -> dict[str, Any]:
    """Analyse `folder/recording.mp4` into `folder/full/` (poses + events) and import it; returns status."""
    from cuedetect.analysis import AnalyzeOptions, analyze

    t0 = time.monotonic()
    out = folder / "full"
    status: dict[str, Any] = {"state": "running", "model": model, "started": time.time()}
    write_json(folder / "full_analysis.json", status)
    # annotate: the stored session gets the skeleton overlay (annotated.mp4) like any other
    options = AnalyzeOptions(
        out, fps=fps, model=model, jobs=jobs, overwrite=True, annotate=True, hand_states=hand_states
    )
    try:
        if store:
            from cuedetect.store import SessionStore, StoreOptions

            with SessionStore.create_from_options(StoreOptions(path=store_path)) as session_store:
                done = analyze(folder / "recording.mp4", options, store=session_store)
            status["session_id"] = done.session_id
        else:
            done = analyze(folder / "recording.mp4", options)
        events = len(done.events.events) if done.events is not None else 0
        status.update(state="done", events=events, seconds=round(time.monotonic() - t0, 1))
    except Exception as exc:  # recorded for the dashboard, then re-raised for the log
        status.update(state="failed", error=f"{type(exc).__name__}: {exc}")
        write_json(folder / "full_analysis.json", status)
        raise
    write_json(folder / "full_analysis.json", status)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cuedetect.live.finish", description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--no-store", action="store_true")
    parser.add_argument("--model", default="full")
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--hand-states", default=DEFAULT_LIVE_HAND_STATES)
    args = parser.parse_args(argv)
    from cuedetect.pose.detector import quiet_native_logs

    with quiet_native_logs():
        status = full_analysis(args.folder, args.store, args.model, args.fps, store=not args.no_store,
                               hand_states=args.hand_states)  # fmt: skip
    print(status, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
