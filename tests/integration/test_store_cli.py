"""The store's CLI end to end on a real file; bad input prints one line, exits non-zero, changes no byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cuedetect.cli import app
from cuedetect.store.demo import write_demo_analysis

runner = CliRunner()


def cli(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path | str]:
    store = tmp_path / "cuedetect.sqlite"
    out = write_demo_analysis(tmp_path / "a")
    code, stdout, _ = cli("import", out, "--trainee", "Sam", "--scenario", "standoff", "--store", store)
    assert code == 0 and "session 1: new session with 4 events" in stdout
    code, stdout, _ = cli("review", "events", "1", "--store", store)
    key = stdout.split()[0]
    assert cli("review", "confirm", "1", key, "--by", "ann", "--store", store)[0] == 0
    return {"store": store, "out": out, "key": key, "tmp": tmp_path}


def test_the_whole_flow(setup: dict) -> None:
    store, tmp = setup["store"], setup["tmp"]
    code, stdout, _ = cli("import", setup["out"], "--store", store)
    assert code == 0 and "already imported; nothing changed" in stdout
    for args in (
        ("review", "reject", "1", setup["key"], "--by", "bob", "--reason", "not a point"),
        (
            "review",
            "add",
            "1",
            "--cue",
            "pacing",
            "--person",
            "1",
            "--start",
            "0.5",
            "--end",
            "2",
            "--by",
            "bob",
        ),
        ("review", "comment", "1", "calm voice", "--at", "1.5", "--by", "ann"),
        ("review", "bookmark", "1", "--at", "2", "look here", "--by", "ann"),
        ("review", "role", "1", "0", "trainee", "--by", "ann"),
        ("sessions", "set", "1", "--instructor", "Jo"),
    ):
        code, stdout, stderr = cli(*args, "--store", store)
        assert code == 0, stderr
    code, stdout, _ = cli("review", "log", "1", "--store", store)
    assert [line.split()[3] for line in stdout.splitlines()] == [
        "confirm",
        "reject",
        "add",
        "comment",
        "bookmark",
        "role_change",
    ]
    summary = json.loads(cli("sessions", "show", "1", "--json", "--store", store)[1])
    assert summary["instructor"] == "Jo" and summary["reviewers"] == ["ann", "bob"]
    assert {p["b"] for p in summary["agreement"]["pairs"]} == {"ann", "bob"}
    assert "kappa model vs ann" in cli("sessions", "show", "1", "--store", store)[1]
    rows = json.loads(cli("trainees", "progress", "Sam", "--json", "--store", store)[1])
    assert rows[0]["session"] == 1
    for fmt in ("csv", "json", "eaf", "vtt", "boris", "html"):
        code, stdout, _ = cli("export", "1", "--format", fmt, "--out", tmp / f"x.{fmt}", "--store", store)
        assert code == 0 and Path(stdout.strip()).stat().st_size > 0
    code, stdout, _ = cli("review", "import-coding", "1", tmp / "x.eaf", "--by", "elan", "--store", store)
    assert code == 0 and stdout.startswith("4 events of x.eaf added")


def _bad_files(tmp: Path) -> None:
    (tmp / "corrupt.eaf").write_text('<?xml version="1.0"?><ANNOTATION_DOCUMENT><TIME_ORDER><TIME_SLOT')
    (tmp / "other.tsv").write_text(
        "Observation id\tMedia file name\tMedia duration (s)\tSubject\tBehavior\tBehavior type\tTime\n"
        "o\t/videos/another_session.mp4\t4.0\tP1\tpointing\tSTART\t1.0\n"
        "o\t/videos/another_session.mp4\t4.0\tP1\tpointing\tSTOP\t2.0\n"
    )
    (tmp / "longer.tsv").write_text(
        "Observation id\tMedia file name\tMedia duration (s)\tSubject\tBehavior\tBehavior type\tTime\n"
        "o\trecording.mp4\t95.0\tP1\tpointing\tSTART\t1.0\n"
        "o\trecording.mp4\t95.0\tP1\tpointing\tSTOP\t2.0\n"
    )


BAD = [
    (("export", "99", "--format", "csv"), "session 99 does not exist"),
    (("review", "confirm", "99", "KEY", "--by", "ann"), "session 99 does not exist"),
    (("sessions", "show", "42"), "session 42 does not exist"),
    (("review", "import-coding", "1", "{tmp}/corrupt.eaf", "--by", "x"), "not a readable ELAN .eaf"),
    (("review", "import-coding", "1", "{tmp}/other.tsv", "--by", "x"), "is for another_session.mp4"),
    (("review", "import-coding", "1", "{tmp}/longer.tsv", "--by", "x"), "is for a 95.00 s recording"),
    (("review", "adjust", "1", "{key}", "--start", "3", "--end", "1", "--by", "x"), "is before start"),
    (("review", "confirm", "1", "m-000000000000", "--by", "x"), "is not in session 1"),
    (("import", "{tmp}/nowhere"), "is not a folder"),
    (("trainees", "progress", "Nobody"), "no trainee named 'Nobody'"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD, ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _) in enumerate(BAD)]
)
def test_bad_input_is_one_line_and_changes_no_byte(setup: dict, args: tuple, message: str) -> None:
    store, tmp = setup["store"], setup["tmp"]
    _bad_files(tmp)
    before = store.read_bytes()
    args = tuple(a.format(tmp=tmp, key=setup["key"]) for a in args)
    code, _stdout, stderr = cli(*args, "--store", store)
    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr
    assert store.read_bytes() == before
    assert not Path(f"{store}-wal").exists() or Path(f"{store}-wal").stat().st_size == 0


def test_a_store_that_is_not_a_database(tmp_path: Path) -> None:
    not_db = tmp_path / "notes.sqlite"
    not_db.write_text("meeting notes, not a database\n")
    before = not_db.read_bytes()
    for args in (("sessions", "list"), ("import", write_demo_analysis(tmp_path / "a")), ("export", "1")):
        code, _, stderr = cli(*args, "--store", not_db)
        assert (
            code == 2
            and stderr
            == f"error: {not_db} is not a cuedetect store (not an SQLite database); nothing was changed\n"
        )
    assert not_db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "notes.sqlite"]


def test_sessions_are_named_by_number_recording_or_latest(setup: dict) -> None:
    store = setup["store"]
    shown = {ref: cli("sessions", "show", ref, "--store", store) for ref in ("1", "recording", "latest")}
    assert {code for code, _, _ in shown.values()} == {0}
    assert len({stdout for _, stdout, _ in shown.values()}) == 1 and "session 1" in shown["1"][1]
    csv = setup["tmp"] / "e.csv"
    code, _, _ = cli("export", "latest", "--format", "csv", "--out", csv, "--store", store)
    assert code == 0 and csv.read_text().count("\n") >= 4
    code, _, stderr = cli("review", "events", "nobody", "--store", store)
    assert code != 0 and "no session 'nobody'" in stderr and "recording" in stderr


@pytest.mark.parametrize(("group", "expected"), [("sessions", "recording.mp4"), ("trainees", "Sam"),
                                                 ("review", "to review")])  # fmt: skip
def test_bare_group_commands_list(setup: dict, group: str, expected: str) -> None:
    code, stdout, stderr = cli(group, "--store", setup["store"])
    assert code == 0, stderr
    assert expected in stdout


def test_sessions_delete_asks_erases_and_reports(setup: dict) -> None:
    store, out = setup["store"], setup["out"]
    # declined: nothing goes, and the prompt says what would
    result = runner.invoke(app, ["sessions", "delete", "1", "--store", str(store)], input="n\n")
    assert result.exit_code == 1 and "nothing was erased" in result.stderr
    assert (
        "Erase session 1 (recording.mp4) for good: 1 analysis(es), 4 events, 1 review actions?"
        in result.stdout
    )
    assert cli("sessions", "show", "1", "--store", store)[0] == 0
    # confirmed: one summary line, the folder stays (no --files), the session is gone
    result = runner.invoke(app, ["sessions", "delete", "1", "--store", str(store)], input="y\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "session 1 (recording.mp4) erased: 1 analysis(es), 4 events, 1 review actions; "
        "1 analysis folder(s) stay on disk (--files removes them)"
    )
    assert out.is_dir()
    assert "no sessions yet" in cli("sessions", "--store", store)[1]
    code, _, stderr = cli("sessions", "delete", "1", "--yes", "--store", store)
    assert code != 0 and stderr == "error: session 1 does not exist (see `cuedetect sessions list`)\n"


def test_sessions_delete_yes_files_removes_the_folder(setup: dict) -> None:
    store, out = setup["store"], setup["out"]
    code, stdout, _ = cli("sessions", "delete", "recording", "--yes", "--files", "--store", store)
    assert code == 0 and stdout.splitlines() == [
        "session 1 (recording.mp4) erased: 1 analysis(es), 4 events, 1 review actions, 1 analysis folder(s)"
    ]
    assert not out.exists()


def test_trainees_delete_after_the_sessions(setup: dict) -> None:
    store = setup["store"]
    code, _, stderr = cli("trainees", "delete", "Sam", "--yes", "--store", store)
    assert code != 0 and stderr.startswith("error: trainee Sam still has 1 session(s) (1): erase them first")
    assert cli("sessions", "delete", "1", "--yes", "--store", store)[0] == 0
    result = runner.invoke(app, ["trainees", "delete", "Sam", "--store", str(store)], input="y\n")
    assert result.exit_code == 0 and result.stdout.splitlines()[-1] == "trainee 1 (Sam) removed"
    assert "no trainees yet" in cli("trainees", "--store", store)[1]
