"""`cuedetect review ...`: confirm, reject, adjust, add, comment, bookmark; import a human coding."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer

from cuedetect.cli._common import StoreOpt, user_errors
from cuedetect.cli.store_cmds import SessionArg, open_store, session_id


def _default_reviewer() -> str:
    return os.environ.get("CUEDETECT_REVIEWER") or getpass.getuser()


ByOpt = typer.Option(None, "--by", help="Reviewer's name (default: $CUEDETECT_REVIEWER or the login name).")
KeyArg = typer.Argument(..., metavar="KEY", help="The event's key (see `cuedetect review events SESSION`).")


def register(app: typer.Typer) -> None:
    review = typer.Typer(
        help="Review a session's events: confirm, reject, adjust, add, comment (alone: what is left to "
        "review).",
        invoke_without_command=True,
    )
    app.add_typer(review, name="review")

    @review.callback()
    @user_errors
    def review_default(ctx: typer.Context, store: Path | None = StoreOpt) -> None:
        """Review a session's events: confirm, reject, adjust, add, comment (alone: what is left to review).

        Every change goes into an append-only history (`cuedetect review log SESSION`).
        """
        if ctx.invoked_subcommand is not None:
            return
        with open_store(store) as st:
            sessions = st.sessions()
            if not sessions:
                typer.echo("no sessions yet: `cuedetect analyze VIDEO --out DIR` adds one")
            for s in sessions:
                states = [e.status for e in st.current_events(s.id)]
                name = Path(s.recording_path).name
                typer.echo(
                    f"{s.id:>4}  {name:<28} {states.count('unreviewed'):>3} to review, "
                    f"{states.count('confirmed')} confirmed, {states.count('rejected')} rejected"
                )
        if sessions:
            typer.echo("next: `cuedetect review events SESSION`, then `cuedetect review confirm SESSION KEY`")

    @review.command("events")
    @user_errors
    def events(
        session: str = SessionArg,
        reviewer: str | None = typer.Option(None, help="Only this reviewer's view."),
        store: Path | None = StoreOpt,
    ) -> None:
        """The session's events as they stand: key, time, person, cue, status, origin."""
        with open_store(store) as st:
            rows = st.current_events(session_id(st, session), reviewer)
        for e in rows:
            what = f"P{e.person} {e.cue}" + (f" with P{e.other}" if e.other is not None else "")
            typer.echo(f"{e.key:<16} {e.start:7.2f} {e.end:7.2f}  {what:<26} {e.status:<10} {e.origin}")

    def _do(
        session: str, by: str | None, store: Path | None, action: str, key: str | None, payload: dict
    ) -> None:
        with open_store(store) as st:
            done = st.record(session_id(st, session), by or _default_reviewer(), [(action, key, payload)])[0]
        typer.echo(f"{done.action} {done.event_key or ''} by {done.reviewer} at {done.at}".replace("  ", " "))

    @review.command("confirm")
    @user_errors
    def confirm(
        session: str = SessionArg, key: str = KeyArg, by: str | None = ByOpt, store: Path | None = StoreOpt
    ) -> None:
        """The event happened as shown."""
        _do(session, by, store, "confirm", key, {})

    @review.command("reject")
    @user_errors
    def reject(
        session: str = SessionArg,
        key: str = KeyArg,
        reason: str | None = typer.Option(None, help="Why, in a few words."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """The event did not happen."""
        _do(session, by, store, "reject", key, {"reason": reason} if reason else {})

    @review.command("adjust")
    @user_errors
    def adjust(
        session: str = SessionArg,
        key: str = KeyArg,
        start: float = typer.Option(..., metavar="SECONDS", help="When it starts."),
        end: float = typer.Option(..., metavar="SECONDS", help="When it ends."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """The event happened, from START to END (seconds)."""
        _do(session, by, store, "adjust", key, {"start": start, "end": end})

    @review.command("add")
    @user_errors
    def add(
        session: str = SessionArg,
        cue: str = typer.Option(..., help="The cue's id, e.g. fists_up or too_close."),
        person: int = typer.Option(..., metavar="ID", help="Who shows it (a person id)."),
        start: float = typer.Option(..., metavar="SECONDS", help="When it starts."),
        end: float = typer.Option(..., metavar="SECONDS", help="When it ends."),
        other: int | None = typer.Option(None, metavar="ID", help="The other person of a pair cue."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Add an event the model missed."""
        _do(
            session,
            by,
            store,
            "add",
            None,
            {"cue": cue, "person": person, "other": other, "start": start, "end": end},
        )

    @review.command("comment")
    @user_errors
    def comment(
        session: str = SessionArg,
        text: str = typer.Argument(..., metavar="TEXT", help="The comment."),
        event: str | None = typer.Option(None, metavar="KEY", help="The event it is about."),
        at: float | None = typer.Option(None, metavar="SECONDS", help="The moment it is about."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Comment on an event (--event KEY) or a moment (--at SECONDS)."""
        with open_store(store) as st:
            done = st.comment(session_id(st, session), by or _default_reviewer(), text, event_key=event, t=at)
        typer.echo(f"comment by {done.reviewer} at {done.at}")

    @review.command("bookmark")
    @user_errors
    def bookmark(
        session: str = SessionArg,
        at: float = typer.Option(..., metavar="SECONDS", help="The moment to mark."),
        note: str = typer.Argument("", metavar="NOTE", help="A note."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Mark a moment with a note."""
        _do(session, by, store, "bookmark", None, {"t": at, "note": note})

    @review.command("role")
    @user_errors
    def role(
        session: str = SessionArg,
        person: int = typer.Argument(..., metavar="ID", help="The person's id."),
        new_role: str = typer.Argument(..., metavar="ROLE", help="trainee, client or unknown."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Set a person's role: trainee, client or unknown."""
        _do(session, by, store, "role_change", None, {"person": person, "role": new_role})

    @review.command("log")
    @user_errors
    def log(session: str = SessionArg, store: Path | None = StoreOpt) -> None:
        """The whole review history of a session, oldest first."""
        with open_store(store) as st:
            for a in st.review_log(session_id(st, session)):
                typer.echo(
                    f"{a.id:>5} {a.at} {a.reviewer:<12} {a.action:<11} {a.event_key or '-':<16} {a.payload}"
                )

    @review.command("import-coding")
    @user_errors
    def import_coding_cmd(
        session: str = SessionArg,
        path: Path = typer.Argument(..., metavar="FILE", help="An ELAN .eaf or a BORIS tabular export."),
        by: str = typer.Option(..., "--by", help="Coder's name."),
        store: Path | None = StoreOpt,
    ) -> None:
        """Read a human coder's ELAN or BORIS file as their review, for agreement with the model."""
        from cuedetect.export import import_coding

        with open_store(store) as st:
            keys = import_coding(st, session_id(st, session), path, by)
        typer.echo(f"{len(keys)} events of {path.name} added to session {session} as {by}'s coding")
