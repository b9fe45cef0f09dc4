"""`cuedetect live`: practise in front of a camera with cues shown as they happen, then debrief."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli import _common as shared
from cuedetect.cli._common import user_errors
from cuedetect.hands import DEFAULT_LIVE_HAND_STATES


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def live(
        camera: Annotated[int | None, typer.Option("--camera", help="Camera index (0 = the first).")] = None,
        url: Annotated[str | None, typer.Option("--url", help="Stream URL (rtsp://, http://...).")] = None,
        video: Annotated[
            Path | None, typer.Option("--video", help="A video file played at real-time pace (demo/test).")
        ] = None,
        model: Annotated[str, typer.Option(help="Pose model for live work: lite (fast) or full.")] = "lite",
        hands: Annotated[
            bool,
            typer.Option(
                "--hands",
                help="Read hand shapes, as analyze does (fist, open hand, pointing, thumbs-up: drawn, and "
                "hand cues checked against them). Costs 14-23 ms of CPU a frame with two people: a quiet "
                "2-core machine keeps its 15 frames/s, a loaded one about half as many.",
            ),
        ] = False,
        hand_states: Annotated[
            str,
            typer.Option(
                "--hand-states",
                help="With --hands, what reads each hand's state, as analyze's --hand-states: rules "
                "(live mode's default: the learned model reads a real end-on thumbs-up as a fist "
                "here), learned or learned-thumb (also for the full-quality analysis afterwards).",
            ),
        ] = DEFAULT_LIVE_HAND_STATES,
        record_dir: Annotated[
            Path | None, typer.Option("--record-dir", help="Where sessions are recorded (default: data dir).")
        ] = None,
        no_window: Annotated[
            bool, typer.Option("--no-window", help="No window (headless machines).")
        ] = False,
        duration: Annotated[
            float | None, typer.Option("--duration", help="Stop after this many seconds.")
        ] = None,
        store: shared.StorePath = None,
        no_store: Annotated[bool, typer.Option("--no-store", help="Record only; store nothing.")] = False,
        full_analysis: Annotated[
            bool, typer.Option(help="Analyse the recording at full quality in the background afterwards.")
        ] = True,
        trainee: Annotated[str | None, typer.Option(help="Trainee's name for the stored session.")] = None,
        scenario: Annotated[str | None, typer.Option(help="Scenario of the role-play.")] = None,
        fps: Annotated[
            float, typer.Option(help="Most frames processed per second (0 = as many as the machine can).")
        ] = 15.0,
        max_side: Annotated[
            int, typer.Option(help="Frames are scaled so the longer side is at most this.")
        ] = 960,
    ) -> None:
        """Practise in front of a camera: cues as they happen; the recording becomes a session.

        Shows skeletons, ids, distance and the cues active now (escalation red, de-escalation blue), with
        a 30 s history strip; records the raw video; on stop, stores the session and analyses it again at
        full quality in the background so it opens in the review page.

        Stops on q/Esc in the window, Ctrl-C, --duration, or when the source ends or fails (the
        recording up to then is kept and playable).
        """
        import os
        import signal
        import sys

        os.environ.setdefault("GLOG_minloglevel", "2")
        from cuedetect.errors import InputError
        from cuedetect.live.engine import EngineOptions
        from cuedetect.live.session import LiveOptions, LiveSession
        from cuedetect.live.sources import open_source

        if model not in ("lite", "full", "heavy"):
            raise InputError(f"--model must be lite, full or heavy, not {model!r}")
        if fps < 0:
            raise InputError(f"--fps must be positive (or 0 for no limit), not {fps}")
        if duration is not None and duration <= 0:
            raise InputError(f"--duration must be positive, not {duration}")
        from cuedetect.hands.state_model import state_reader

        state_reader(hand_states)  # an unknown choice or a missing model file stops here, before the camera
        if not no_window and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise InputError("no display to open a window on: pass --no-window (or run under a desktop)")

        source = open_source(camera, url, video, max_side=max_side)
        source_fps = 30.0  # the recording's nominal rate (the real capture times are kept)
        if video is not None:
            source_fps = source._source.info.average_fps or 30.0  # type: ignore[attr-defined]
        options = LiveOptions(
            # a video's sound stands in for the microphone (its level and voice cues are shown live); a
            # camera session listens to the default microphone when there is one (else the view says why)
            engine=EngineOptions(
                model=model,
                fps=fps or None,
                audio=video,
                microphone=camera is not None,
                hands=hands,
                hand_states=hand_states,
            ),
            record_dir=record_dir,
            duration_s=duration,
            window=not no_window,
            store=not no_store,
            store_path=store,
            full_analysis=full_analysis and not no_store,
            trainee=trainee,
            scenario=scenario,
            source_fps=source_fps,
        )
        typer.echo(f"live from {source.name} with the {model} model; stop with q, Esc or Ctrl-C", err=True)
        with LiveSession(source, options) as session:

            def _stop(_sig: int, _frame: object) -> None:
                """First Ctrl-C / SIGTERM: stop cleanly and store; a second one aborts."""
                if session.stop_requested:
                    raise KeyboardInterrupt
                print("stopping: storing the session (Ctrl-C again to abort)", file=sys.stderr, flush=True)
                session.stop()

            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
            typer.echo(f"recording to {session.recording}", err=True)
            result = session.run()
        s = result.stats
        typer.echo(
            f"{result.stop_reason}: {result.duration_s:.1f} s recorded ({result.frames_recorded} frames), "
            f"{s['processed_frames']} processed at {s['processed_fps']:.1f} fps, latency median "
            f"{s['latency_ms']['p50']} ms, p95 {s['latency_ms']['p95']} ms, {s['frames_dropped']} dropped"
        )
        if result.fault:
            typer.echo(f"source problem: {result.fault}", err=True)
        typer.echo(f"{len(result.events)} cue events; recording {result.recording}")
        if result.session_id is not None:
            typer.echo(f"stored as session {result.session_id}")
        if result.full_analysis_pid is not None:
            typer.echo(
                f"full-quality analysis running in the background (pid {result.full_analysis_pid}, log "
                f"{result.folder / 'full_analysis.log'}); the session's review page shows it when done"
            )
        if result.fault:
            raise typer.Exit(4)
