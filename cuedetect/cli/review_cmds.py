"""`cuedetect review ...`: confirm, reject, adjust, add, comment, bookmark; import a human coding."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer

from cuedetect.cli._common import user_errors
from cuedetect.cli.store_cmds import StoreOpt, open_store


def _default_reviewer() -> str:
    return os.environ.get("CUEDETECT_REVIEWER") or getpass.getuser()


ByOpt = typer.Option(None, "--by", help="Reviewer's name (default: $CUEDETECT_REVIEWER or the login name).")


def register(app: typer.Typer) -> None:
    review = typer.Typer(
        help="Review a session: every change is kept in an append-only history.", no_args_is_help=True
    )
    app.add_typer(review, name="review")

    @review.command("events")
    @user_errors
    def events(
        session: int = typer.Argument(...),
        reviewer: str | None = typer.Option(None, help="Only this reviewer's view."),
        store: Path | None = StoreOpt,
    ) -> None:
        """The session's events as they stand (key, time, person, cue, status, origin)."""
        with open_store(store) as st:
            rows = st.current_events(session, reviewer)
        for e in rows:
            what = f"P{e.person} {e.cue}" + (f" with P{e.other}" if e.other is not None else "")
            typer.echo(f"{e.key:<16} {e.start:7.2f} {e.end:7.2f}  {what:<26} {e.status:<10} {e.origin}")

    def _do(
        session: int, by: str | None, store: Path | None, action: str, key: str | None, payload: dict
    ) -> None:
        with open_store(store) as st:
            done = st.record(session, by or _default_reviewer(), [(action, key, payload)])[0]
        typer.echo(f"{done.action} {done.event_key or ''} by {done.reviewer} at {done.at}".replace("  ", " "))

    @review.command("confirm")
    @user_errors
    def confirm(session: int, key: str, by: str | None = ByOpt, store: Path | None = StoreOpt) -> None:
        """The event happened as shown."""
        _do(session, by, store, "confirm", key, {})

    @review.command("reject")
    @user_errors
    def reject(
        session: int,
        key: str,
        reason: str | None = typer.Option(None),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """The event did not happen."""
        _do(session, by, store, "reject", key, {"reason": reason} if reason else {})

    @review.command("adjust")
    @user_errors
    def adjust(
        session: int,
        key: str,
        start: float = typer.Option(...),
        end: float = typer.Option(...),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """The event happened, from START to END (seconds)."""
        _do(session, by, store, "adjust", key, {"start": start, "end": end})

    @review.command("add")
    @user_errors
    def add(
        session: int,
        cue: str = typer.Option(...),
        person: int = typer.Option(...),
        start: float = typer.Option(...),
        end: float = typer.Option(...),
        other: int | None = typer.Option(None, help="The other person of a pair cue."),
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
        session: int,
        text: str,
        event: str | None = typer.Option(None, help="Event key."),
        at: float | None = typer.Option(None, help="A moment, in seconds."),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Comment on an event (--event KEY) or a moment (--at SECONDS)."""
        with open_store(store) as st:
            done = st.comment(session, by or _default_reviewer(), text, event_key=event, t=at)
        typer.echo(f"comment by {done.reviewer} at {done.at}")

    @review.command("bookmark")
    @user_errors
    def bookmark(
        session: int,
        at: float = typer.Option(..., help="Seconds."),
        note: str = typer.Argument(""),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Mark a moment with a note."""
        _do(session, by, store, "bookmark", None, {"t": at, "note": note})

    @review.command("role")
    @user_errors
    def role(
        session: int,
        person: int,
        new_role: str = typer.Argument(..., metavar="ROLE"),
        by: str | None = ByOpt,
        store: Path | None = StoreOpt,
    ) -> None:
        """Set a person's role: trainee, client or unknown."""
        _do(session, by, store, "role_change", None, {"person": person, "role": new_role})

    @review.command("log")
    @user_errors
    def log(session: int, store: Path | None = StoreOpt) -> None:
        """The whole review history of a session, oldest first."""
        with open_store(store) as st:
            for a in st.review_log(session):
                typer.echo(
                    f"{a.id:>5} {a.at} {a.reviewer:<12} {a.action:<11} {a.event_key or '-':<16} {a.payload}"
                )

    @review.command("import-coding")
    @user_errors
    def import_coding_cmd(
        session: int,
        path: Path,
        by: str = typer.Option(..., "--by", help="Coder's name."),
        store: Path | None = StoreOpt,
    ) -> None:
        """Import a human coding (ELAN .eaf, BORIS tabular export) as BY's annotations of the session."""
        from cuedetect.export import import_coding

        with open_store(store) as st:
            keys = import_coding(st, session, path, by)
        typer.echo(f"{len(keys)} events of {path.name} added to session {session} as {by}'s coding")
