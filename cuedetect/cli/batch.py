"""`cuedetect batch VIDEO_OR_FOLDER... --out DIR`: many recordings with the one pipeline, here or on Ray."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cuedetect.cli import _common as shared
from cuedetect.cli._common import check_analysis_flags, user_errors

if TYPE_CHECKING:
    from cuedetect.batch.runner import BatchReport


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def batch(
        inputs: Annotated[
            list[str],
            typer.Argument(
                help="Folders, globs ('archive/**/*.mp4'), list files (.txt, one path or URL a "
                "line), videos or URLs.",
                metavar="VIDEO_OR_FOLDER",
            ),
        ],
        out: shared.OutDir,
        engine: Annotated[str, typer.Option(help="Where to run: local (this machine) or ray.")] = "local",
        address: Annotated[
            str | None,
            typer.Option(
                help="Ray cluster: auto (one started on this machine) or HOST:PORT of its head; "
                "none: the one RAY_ADDRESS names or one started here, else a private runtime."
            ),
        ] = None,
        workers: Annotated[
            int, typer.Option(help="Recordings analysed at once (0 = one per core / per cluster CPU).")
        ] = 0,
        redo: Annotated[
            bool, typer.Option("--redo", help="Analyse everything again, even what is done and unchanged.")
        ] = False,
        fps: shared.Fps = 15.0,
        model: shared.PoseModel = "full",
        max_persons: shared.MaxPersons = 4,
        cue_detector: Annotated[
            str, typer.Option(help="Cue detector: auto (the trained model) or baseline (geometric rules).")
        ] = "auto",
        no_hands: shared.NoHands = False,
        no_voice: shared.NoVoice = False,
        no_register: shared.NoRegister = False,
        store: shared.StorePath = None,
        scenario: shared.Scenario = None,
        quiet: shared.Quiet = False,
    ) -> None:
        """Analyse many recordings, each into DIR/NAME/, and register a session for each.

        A recording already analysed with the same content and settings (and models) is skipped, so a
        rerun after a crash, a Ctrl-C or a model update does only what is missing or stale (--redo:
        everything). A broken recording is listed with its reason; the others carry on. A worker that
        dies mid-recording is replaced and the recording retried; nothing half-written is registered.

        --engine ray runs the same work on a Ray cluster (Ray comes with the ray extra of cuedetect):
        recordings and DIR must be reachable from every node (shared file system; recordings may be
        fsspec URLs). Only this command writes the session store. See docs/SCALE.md.

        Example: `cuedetect batch recordings/ --out out/cohort-7`
        """
        import contextlib
        import os
        import sys

        os.environ.setdefault("GLOG_minloglevel", "2")
        from cuedetect.batch.plan import BatchSettings
        from cuedetect.batch.runner import BatchOptions, create_engine, run_batch
        from cuedetect.cli._batch_view import BatchProgress
        from cuedetect.cli._progress import wants_progress
        from cuedetect.errors import InputError
        from cuedetect.procs import Terminated

        check_analysis_flags(max_persons, fps, model)
        if cue_detector not in ("auto", "baseline"):
            raise InputError(f"--cue-detector must be auto or baseline, not {cue_detector!r}")
        settings = BatchSettings(fps=fps or None, model=model, max_persons=max_persons, hands=not no_hands,
                                 voice=not no_voice, cue_detector=cue_detector)  # fmt: skip
        options = BatchOptions(out=out, settings=settings, redo=redo, scenario=scenario)
        runner = create_engine(engine, workers=workers or None, address=address)
        with contextlib.ExitStack() as stack:
            session_store = None
            if not no_register:
                from cuedetect.store import SessionStore, StoreOptions

                opened = SessionStore.create_from_options(StoreOptions(path=store))
                session_store = stack.enter_context(opened)
            view = stack.enter_context(BatchProgress(enabled=wants_progress(sys.stderr, quiet)))
            try:
                report = run_batch(inputs, options, runner, store=session_store, on_event=view.event,
                                   on_outcome=view.outcome, on_plan=view.plan)  # fmt: skip
            except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (`Terminated`: exit 143 after this)
                view.close()
                done = len(view.report.analysed) if view.report is not None else 0
                print(f"stopped: {done} recordings finished and registered this run; rerun the same "
                      "command to do the rest", file=sys.stderr)  # fmt: skip
                if isinstance(exc, Terminated):
                    raise
                raise typer.Exit(130) from None
        print_summary(report, out)
        if report.failed:
            raise typer.Exit(1)


def print_summary(report: BatchReport, out: Path) -> None:
    """The summary table, then every failure with its reason."""
    from rich.console import Console
    from rich.table import Table

    from cuedetect.cli._batch_view import clock

    console = Console(highlight=False)
    table = Table(title=f"batch: {report.engine} engine, {report.workers} workers", title_justify="left")
    for col in ("found", "analysed", "skipped", "failed", "hours", "events", "wall", "rec/h"):
        table.add_column(col, justify="right")
    skipped = len(report.skipped) + len(report.failed_before)
    table.add_row(
        str(report.found), str(len(report.analysed)), str(skipped), str(len(report.failed)),
        f"{report.hours:.{2 if report.hours >= 0.1 else 3}f}", str(report.events), clock(report.wall_s),
        f"{report.recordings_per_hour:.0f}" if report.analysed else "-",
    )  # fmt: skip
    console.print(table)
    if report.analysed and report.wall_s > 0:
        speed = report.hours * 3600 / report.wall_s
        per_worker = report.recordings_per_hour / max(report.workers, 1)
        console.print(f"throughput: {speed:.2f} hours of recording per hour of wall time, "
                      f"{per_worker:.1f} recordings/hour per worker")  # fmt: skip
    for o in report.failed:
        console.print(f"failed: {o.source}: {(o.error or '').removeprefix(o.source + ' ')}")
    for source, reason in report.failed_before.items():
        console.print(f"failed before, unchanged (skipped; --redo tries again): {source}: {reason}")
    console.print(f"results in {out}/ (manifest.json lists every recording)")
