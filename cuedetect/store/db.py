"""The one place that talks SQL to the SQLite file: connecting, migrating, transactions.

Every connection runs in WAL mode with a busy timeout and foreign keys on. Writes go through
`transaction()`, which takes the write lock up front (`BEGIN IMMEDIATE`), so two processes writing at
once wait for each other instead of failing half-way, and a process killed mid-transaction leaves
nothing behind (SQLite rolls the unfinished transaction back on the next open).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from cuedetect.errors import InputError
from cuedetect.store.schema import LATEST_VERSION, MIGRATIONS

SQLITE_MAGIC = b"SQLite format 3\x00"
OUR_TABLES = {"trainees", "sessions", "analyses", "events", "review_log", "erasures"}


def default_store_path() -> Path:
    from cuedetect.paths import data_dir

    return data_dir() / "cuedetect.sqlite"


def _check_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database before SQLite touches it."""
    if path.is_dir():
        raise InputError(
            f"store path {path} is a folder; give a file path such as {path / 'cuedetect.sqlite'}"
        )
    if not path.exists():
        return  # the only case in which a new store is made
    if path.stat().st_size == 0:
        # SQLite would take an empty file for a new database and the next import would write over it:
        # an empty store is a truncated or lost one, never a new one.
        raise InputError(
            f"{path} is empty (0 bytes): the session store was truncated or lost; restore it from a backup "
            "(`cuedetect store backup`) or delete the empty file to start a new store"
        )
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise InputError(f"{path} is not a cuedetect store (not an SQLite database); nothing was changed")


def split_statements(script: str) -> list[str]:
    """Split an SQL script into statements (triggers keep their inner semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def connect(path: Path, busy_timeout_s: float = 30.0, create: bool = True) -> sqlite3.Connection:
    """Open and migrate the store at `path`; a new store is made only where no file exists (`create`).

    Raises:
        InputError: the file is not an SQLite database, belongs to something else, or was made by a newer
            cuedetect.
    """
    path = Path(path)
    _check_file(path)
    if not create and not path.exists():
        raise InputError(f"there is no session store at {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the folder of the session store {path.parent}: {exc.strerror}"
        ) from None
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise InputError(f"{path} cannot be opened as a cuedetect store: {exc}") from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST_VERSION:
            raise InputError(
                f"{path} was made by a newer cuedetect (schema {version}, this one knows {LATEST_VERSION}); "
                "update cuedetect"
            )
        if version == 0:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables - OUR_TABLES:
                raise InputError(f"{path} is an SQLite database of something else, not a cuedetect store")
        if version < LATEST_VERSION:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(f"{path} cannot be opened as a cuedetect store: {exc}") from None
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store to the latest schema, one migration per transaction. Returns the new version."""
    while True:
        with transaction(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= LATEST_VERSION:
                return version
            for statement in split_statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")


_UNWRITABLE = ("full", "readonly", "read-only", "disk i/o", "unable to open")


def _unwritable(conn: sqlite3.Connection, exc: sqlite3.Error) -> InputError | None:
    """A one-line error for a store that cannot be written (full disk, read-only), else None."""
    if not isinstance(exc, sqlite3.OperationalError) or not any(w in str(exc).lower() for w in _UNWRITABLE):
        return None
    try:
        where = conn.execute("PRAGMA database_list").fetchone()[2] or "the session store"
    except sqlite3.Error:
        where = "the session store"
    return InputError(f"cannot write the session store {where}: {exc}; nothing was changed")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it is committed, or none of it.

    Raises:
        InputError: the store cannot be written (a full disk, a read-only file); nothing was changed.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise (_unwritable(conn, exc) or exc) from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error) and (mapped := _unwritable(conn, exc)) is not None:
            raise mapped from None
        raise


def now_iso() -> str:
    """The time of a change, UTC, ISO 8601 with milliseconds (sorts as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
