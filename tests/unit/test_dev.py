"""dev.py (standard library only): the commands it prints work from where the user is; steps are quiet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dev


def test_next_steps_from_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(dev.ROOT)
    cmds = [cmd for cmd, _ in dev.next_steps("standoff")]
    assert cmds[0] == "python3 dev.py dashboard standoff --open"
    assert ".venv/bin/cuedetect sessions show standoff" in cmds
    assert ".venv/bin/cuedetect export standoff --format html --out out/demo/report.html" in cmds


def test_next_steps_from_elsewhere_are_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    cmds = [cmd for cmd, _ in dev.next_steps("my role play")]
    assert cmds[0].startswith(f"python3 {dev.ROOT / 'dev.py'} dashboard 'my role play'")
    assert any(c.startswith(f"{dev.BIN / 'cuedetect'} sessions show 'my role play'") for c in cmds)


def test_a_step_is_one_line_and_its_output_only_on_failure(capsys: pytest.CaptureFixture[str]) -> None:
    dev.step("saying hello", [sys.executable, "-c", "print('lots of pip output')"])
    out = capsys.readouterr()
    assert out.out == "[dev] saying hello ...\n" and out.err == ""
    with pytest.raises(subprocess.CalledProcessError):
        dev.step("failing", [sys.executable, "-c", "print('why it failed'); raise SystemExit(3)"])
    assert "why it failed" in capsys.readouterr().err


def test_a_step_keeps_its_whole_output_in_a_log(tmp_path: Path) -> None:
    log = tmp_path / "pip-install.log"
    dev.step("saying hello", [sys.executable, "-c", "print('line 1'); print('line 2')"], log=log)
    assert log.read_text() == "line 1\nline 2\n"


def test_quiet_says_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(dev.Ui, "quiet", True)
    dev.step("saying hello", [sys.executable, "-c", "print('x')"])
    dev.say("anything")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("argv", [["nonsense"], ["demo", "extra"], ["dashboard", "a", "b"]])
def test_unknown_commands_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit, match="unknown command"):
        dev.main(argv)
