"""`cuedetect import`, `export`, `sessions ...`, `trainees ...`: the session store from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import user_errors

STORE_HELP = "Session store file (default: $CUEDETECT_DATA_DIR or the user data folder, cuedetect.sqlite)."
StoreOpt = typer.Option(None, "--store", help=STORE_HELP, dir_okay=False)


def open_store(path: Path | None):
    from cuedetect.store import SessionStore, StoreOptions

    return SessionStore.create_from_options(StoreOptions(path=path))


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)


def register(app: typer.Typer) -> None:
    sessions_app = typer.Typer(help="List and describe recorded sessions.", no_args_is_help=True)
    trainees_app = typer.Typer(help="Trainees and their progress across sessions.", no_args_is_help=True)
    app.add_typer(sessions_app, name="sessions")
    app.add_typer(trainees_app, name="trainees")

    @app.command("import")
    @user_errors
    def import_cmd(
        out_dir: Annotated[
            Path, typer.Argument(help="An analysis folder (`cuedetect analyze VIDEO --out DIR`).")
        ],
        trainee: str | None = typer.Option(None, help="Trainee's name (created if new)."),
        scenario: str | None = typer.Option(None, help="Scenario of the role-play."),
        instructor: str | None = typer.Option(None, help="Instructor's name."),
        date: str | None = typer.Option(
            None, help="Date of the session, YYYY-MM-DD (default: the analysis')."
        ),
        store: Path | None = StoreOpt,
    ) -> None:
        """Register an analysis as a session (the same recording twice is recognised, nothing doubles)."""
        with open_store(store) as st:
            r = st.import_analysis(
                out_dir, trainee=trainee, scenario=scenario, instructor=instructor, date=date
            )
        if not r.new_analysis:
            typer.echo(f"session {r.session_id}: this analysis was already imported; nothing changed")
        elif r.created_session:
            typer.echo(f"session {r.session_id}: new session with {r.events} events")
        else:
            typer.echo(
                f"session {r.session_id}: new analysis with {r.events} events; "
                f"{r.carried_over} kept the reviews of the earlier analysis"
            )

    @app.command("export")
    @user_errors
    def export_cmd(
        session: int = typer.Argument(..., help="Session id (see `cuedetect sessions list`)."),
        format: str = typer.Option(
            "html",
            "--format",
            "-f",
            help="csv, json, eaf, vtt, boris (to paste into BORIS), boris-table, html.",
        ),
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Output file (default: session-ID.EXT here).")
        ] = None,
        store: Path | None = StoreOpt,
    ) -> None:
        """Export a session's events with their review state (written atomically)."""
        from cuedetect.export import export_session

        with open_store(store) as st:
            path = export_session(st, session, format, out)
        typer.echo(str(path))

    @sessions_app.command("list")
    @user_errors
    def sessions_list(
        trainee: str | None = typer.Option(None, help="Only this trainee's sessions."),
        store: Path | None = StoreOpt,
    ) -> None:
        """One line per session: id, date, trainee, scenario, duration, recording."""
        with open_store(store) as st:
            rows = st.sessions(trainee)
        if not rows:
            typer.echo("no sessions yet: `cuedetect import DIR` adds one")
        for s in rows:
            typer.echo(
                f"{s.id:>4}  {s.date}  {_fmt(s.trainee_name):<14} {_fmt(s.scenario):<16} "
                f"{s.duration:7.1f} s  {Path(s.recording_path).name}"
            )

    @sessions_app.command("show")
    @user_errors
    def sessions_show(
        session: int = typer.Argument(...),
        as_json: bool = typer.Option(False, "--json", help="Print the whole summary as JSON."),
        store: Path | None = StoreOpt,
    ) -> None:
        """A session's summary: counts per cue, debrief numbers, agreement (kappa) per cue."""
        from cuedetect.store.summary import session_summary

        with open_store(store) as st:
            summary = session_summary(st, session)
        if as_json:
            typer.echo(json.dumps(summary, indent=1, default=str))
            return
        typer.echo(
            f"session {summary['session']}  {summary['date']}  trainee {_fmt(summary['trainee'])}  "
            f"scenario {_fmt(summary['scenario'])}  {summary['duration_s']:.1f} s"
        )
        typer.echo(f"roles: {summary['roles']}  model: {summary['model_version']}")
        for cue, c in summary["events_per_cue"].items():
            typer.echo(
                f"  {cue:<15} confirmed {c['confirmed']}  unreviewed {c['unreviewed']}  "
                f"rejected {c['rejected']}"
            )
        m = summary["metrics"]
        typer.echo(
            f"client escalation/min after interventions: "
            f"{_fmt(m['client_escalation_per_min_after_interventions'])} "
            f"(otherwise {_fmt(m['client_escalation_per_min_otherwise'])}); safe distance "
            f"{_fmt(m['safe_distance_s'])} s; open hands {_fmt(m['open_hands_s'])} s"
        )
        for pair in summary["agreement"]["pairs"]:
            for cue, a in pair["per_cue"].items():
                typer.echo(
                    f"  kappa {pair['a']} vs {pair['b']} {cue:<15} {_fmt(a['kappa'])}  ({a['percent']}%)"
                )

    @sessions_app.command("set")
    @user_errors
    def sessions_set(
        session: int = typer.Argument(...),
        trainee: str | None = typer.Option(None),
        scenario: str | None = typer.Option(None),
        instructor: str | None = typer.Option(None),
        date: str | None = typer.Option(None),
        store: Path | None = StoreOpt,
    ) -> None:
        """Set a session's facts (trainee, scenario, instructor, date)."""
        with open_store(store) as st:
            s = st.update_session(
                session, trainee=trainee, scenario=scenario, instructor=instructor, date=date
            )
        typer.echo(
            f"session {s.id}: {s.date}, trainee {_fmt(s.trainee_name)}, scenario {_fmt(s.scenario)}, "
            f"instructor {_fmt(s.instructor)}"
        )

    @trainees_app.command("list")
    @user_errors
    def trainees_list(store: Path | None = StoreOpt) -> None:
        """All trainees with their number of sessions."""
        with open_store(store) as st:
            for t in st.trainees():
                typer.echo(f"{t.id:>4}  {t.name}  ({len(st.sessions(t.id))} sessions)")

    @trainees_app.command("add")
    @user_errors
    def trainees_add(name: str = typer.Argument(...), store: Path | None = StoreOpt) -> None:
        """Add a trainee (no-op if the name exists)."""
        with open_store(store) as st:
            t = st.add_trainee(name)
        typer.echo(f"trainee {t.id}: {t.name}")

    @trainees_app.command("progress")
    @user_errors
    def trainees_progress(
        trainee: str = typer.Argument(..., help="Name or id."),
        as_json: bool = typer.Option(False, "--json"),
        store: Path | None = StoreOpt,
    ) -> None:
        """Debrief numbers per session, oldest first (definitions: cuedetect/store/progress.py)."""
        from cuedetect.store.summary import progress

        with open_store(store) as st:
            rows = progress(st, trainee)
        if as_json:
            typer.echo(json.dumps(rows, indent=1))
            return
        typer.echo("session  date        esc/min after  esc/min other  safe dist %  open hands %  confirmed")
        for r in rows:
            typer.echo(
                f"{r['session']:>7}  {r['date']:<10}  "
                f"{_fmt(r['client_escalation_per_min_after_interventions']):>13}  "
                f"{_fmt(r['client_escalation_per_min_otherwise']):>13}  {_fmt(r['safe_distance_pct']):>11}  "
                f"{_fmt(r['open_hands_pct']):>12}  {r['confirmed']:>9}"
            )
