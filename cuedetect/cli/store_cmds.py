"""`cuedetect import`, `export`, `sessions ...`, `trainees ...`: the session store from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cuedetect.cli._common import StoreOpt, user_errors

if TYPE_CHECKING:
    from cuedetect.store import SessionStore

SESSION_HELP = "Session: its number, its recording's name (e.g. standoff) or 'latest'."
SessionArg = typer.Argument(..., metavar="SESSION", help=SESSION_HELP, show_default=False)


def open_store(path: Path | None):
    from cuedetect.store import SessionStore, StoreOptions

    return SessionStore.create_from_options(StoreOptions(path=path))


def session_id(store: SessionStore, ref: str) -> int:
    """The id of the session `ref` names (a number, a recording's name or "latest")."""
    from cuedetect.store.refs import resolve_session

    return resolve_session(store, ref)


def list_sessions(store_path: Path | None, trainee: str | None = None) -> None:
    """One line per session: id, date, trainee, scenario, duration, recording."""
    with open_store(store_path) as st:
        rows = st.sessions(trainee)
    if not rows:
        typer.echo("no sessions yet: `cuedetect analyze VIDEO --out DIR` or `cuedetect import DIR` adds one")
        return
    typer.echo(f"{'id':>4}  {'date':<10}  {'trainee':<14} {'scenario':<16} {'length':>9}  recording")
    for s in rows:
        typer.echo(
            f"{s.id:>4}  {s.date:<10}  {_fmt(s.trainee_name):<14} {_fmt(s.scenario):<16} "
            f"{s.duration:7.1f} s  {Path(s.recording_path).name}"
        )


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)


def register(app: typer.Typer) -> None:
    sessions_app = typer.Typer(
        help="List the recorded sessions (alone), show one, set its facts, or delete it.",
        invoke_without_command=True,
    )
    trainees_app = typer.Typer(
        help="List the trainees (alone), add or delete one, or show their progress.",
        invoke_without_command=True,
    )
    app.add_typer(sessions_app, name="sessions")
    app.add_typer(trainees_app, name="trainees")

    @sessions_app.callback()
    @user_errors
    def sessions_default(ctx: typer.Context, store: Path | None = StoreOpt) -> None:
        """List the recorded sessions (alone), show one, set its facts, or delete it."""
        if ctx.invoked_subcommand is None:
            list_sessions(store)

    @trainees_app.callback()
    @user_errors
    def trainees_default(ctx: typer.Context, store: Path | None = StoreOpt) -> None:
        """List the trainees (alone), add or delete one, or show their progress."""
        if ctx.invoked_subcommand is None:
            _list_trainees(store)

    @app.command("import")
    @user_errors
    def import_cmd(
        out_dir: Annotated[
            Path, typer.Argument(metavar="ANALYSIS", help="An analysis folder: the DIR of analyze --out DIR.")
        ],
        trainee: str | None = typer.Option(None, help="Trainee's name (created if new)."),
        scenario: str | None = typer.Option(None, help="Scenario of the role-play."),
        instructor: str | None = typer.Option(None, help="Instructor's name."),
        date: str | None = typer.Option(
            None, help="Date of the session, YYYY-MM-DD (default: the analysis')."
        ),
        store: Path | None = StoreOpt,
    ) -> None:
        """Register an analysis folder as a session in the store (the same recording twice is one)."""
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
        session: str = SessionArg,
        format: str = typer.Option(
            "html",
            "--format",
            "-f",
            help="csv, json, eaf (ELAN), vtt (captions), boris (to paste into BORIS), boris-table, html "
            "(a printable debrief report).",
        ),
        out: Annotated[
            Path | None,
            typer.Option("--out", "-o", metavar="FILE", help="Output file (default: session-ID.EXT here)."),
        ] = None,
        store: Path | None = StoreOpt,
    ) -> None:
        """Write a session's events with their review state to a file (html, csv, ELAN, BORIS...).

        Example: `cuedetect export latest --format eaf --out debrief.eaf`
        """
        from cuedetect.export import export_session

        with open_store(store) as st:
            path = export_session(st, session_id(st, session), format, out)
        typer.echo(str(path))

    @sessions_app.command("list")
    @user_errors
    def sessions_list(
        trainee: str | None = typer.Option(None, help="Only this trainee's sessions."),
        store: Path | None = StoreOpt,
    ) -> None:
        """One line per session: id, date, trainee, scenario, length, recording."""
        list_sessions(store, trainee)

    @sessions_app.command("show")
    @user_errors
    def sessions_show(
        session: str = SessionArg,
        as_json: bool = typer.Option(False, "--json", help="Print the whole summary as JSON."),
        store: Path | None = StoreOpt,
    ) -> None:
        """A session's summary: events per cue and review state, debrief numbers, agreement (kappa)."""
        from cuedetect.store.maintenance import output_status
        from cuedetect.store.summary import session_summary

        with open_store(store) as st:
            sid = session_id(st, session)
            summary = session_summary(st, sid)
            analyses = st.analyses(sid)
            status = output_status(st.session(sid), analyses[-1]) if analyses else None
        if status is not None and not status.ok:
            typer.echo(f"warning: {status.problem}", err=True)
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
        session: str = SessionArg,
        trainee: str | None = typer.Option(None, help="The trainee's name (created if new)."),
        scenario: str | None = typer.Option(None, help="The role-play scenario."),
        instructor: str | None = typer.Option(None, help="The instructor's name."),
        date: str | None = typer.Option(None, help="The session's date, YYYY-MM-DD."),
        store: Path | None = StoreOpt,
    ) -> None:
        """Set a session's facts (trainee, scenario, instructor, date)."""
        with open_store(store) as st:
            s = st.update_session(
                session_id(st, session), trainee=trainee, scenario=scenario, instructor=instructor, date=date
            )
        typer.echo(
            f"session {s.id}: {s.date}, trainee {_fmt(s.trainee_name)}, scenario {_fmt(s.scenario)}, "
            f"instructor {_fmt(s.instructor)}"
        )

    @sessions_app.command("delete")
    @user_errors
    def sessions_delete(
        session: str = SessionArg,
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
        files: bool = typer.Option(
            False,
            "--files",
            help="Also remove the session's analysis folders (only where the store registered them, no "
            "symbolic link followed, none another session uses).",
        ),
        store: Path | None = StoreOpt,
    ) -> None:
        """Erase a session: its analyses, events and all reviews and comments, in one step.

        For a trainee's request to be forgotten or a mistaken import. The trainee's name stays, the
        original recording is never touched, and the analysis folders stay unless --files. Backups made
        earlier (`cuedetect store backup`) still hold the session: delete or replace them too.
        """
        with open_store(store) as st:
            sid = session_id(st, session)
            plan = st.erasure_plan(sid, files=files)
            if not yes:
                what = f"Erase session {sid} ({Path(plan.recording).name}) for good: {plan.contents()}?"
                if not typer.confirm(what, default=False):
                    typer.echo("nothing was erased", err=True)
                    raise typer.Exit(1)
            done = st.erase_session(sid, files=files)
        stay = f"; {len(done.folders_kept)} analysis folder(s) stay on disk (--files removes them)"
        typer.echo(done.summary() + (stay if done.folders_kept and not files else ""))
        for kept in done.folders_kept if files else ():
            typer.echo(f"  folder kept: {kept}")
        for error in done.folder_errors:
            typer.echo(f"error: could not remove {error}; remove it by hand", err=True)
        if done.folder_errors:
            raise typer.Exit(1)

    @trainees_app.command("list")
    @user_errors
    def trainees_list(store: Path | None = StoreOpt) -> None:
        """All trainees with their number of sessions."""
        _list_trainees(store)

    @trainees_app.command("add")
    @user_errors
    def trainees_add(
        name: str = typer.Argument(..., metavar="NAME", help="The trainee's name."),
        store: Path | None = StoreOpt,
    ) -> None:
        """Add a trainee (nothing changes if the name exists)."""
        with open_store(store) as st:
            t = st.add_trainee(name)
        typer.echo(f"trainee {t.id}: {t.name}")

    @trainees_app.command("delete")
    @user_errors
    def trainees_delete(
        name: str = typer.Argument(..., metavar="TRAINEE", help="The trainee's name or number."),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
        store: Path | None = StoreOpt,
    ) -> None:
        """Remove a trainee's name once their sessions are erased.

        Erase the sessions first: `cuedetect sessions delete ID`.

        Backups made earlier (`cuedetect store backup`) still hold the name.
        """
        with open_store(store) as st:
            t = st.erasable_trainee(name)
            if not yes and not typer.confirm(f"Remove trainee {t.name} for good?", default=False):
                typer.echo("nothing was erased", err=True)
                raise typer.Exit(1)
            st.erase_trainee(t.id)
        typer.echo(f"trainee {t.id} ({t.name}) removed")

    @trainees_app.command("progress")
    @user_errors
    def trainees_progress(
        trainee: str = typer.Argument(..., metavar="TRAINEE", help="The trainee's name or number."),
        as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
        store: Path | None = StoreOpt,
    ) -> None:
        """A trainee's debrief numbers per session, oldest first.

        Escalations per minute after the trainee's interventions and otherwise, time at a safe distance,
        time with open hands, confirmed events (definitions: cuedetect/store/progress.py).
        """
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


def _list_trainees(store_path: Path | None) -> None:
    with open_store(store_path) as st:
        trainees = st.trainees()
        if not trainees:
            typer.echo("no trainees yet: `cuedetect trainees add NAME` adds one")
        for t in trainees:
            typer.echo(f"{t.id:>4}  {t.name}  ({len(st.sessions(t.id))} sessions)")
