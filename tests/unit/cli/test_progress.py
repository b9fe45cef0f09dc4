"""The progress display: drawn on a terminal with stage, counts and time left; silent otherwise."""

from __future__ import annotations

import io
import re

import pytest

from cuedetect.cli._progress import StageProgress, wants_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text)


@pytest.mark.parametrize(
    ("stream", "quiet", "expected"),
    [(Terminal(), False, True), (Terminal(), True, False), (io.StringIO(), False, False)],
)
def test_only_on_a_terminal_and_not_when_quiet(stream: io.StringIO, quiet: bool, expected: bool) -> None:
    assert wants_progress(stream, quiet) is expected


def test_stage_counts_and_eta_are_drawn() -> None:
    term = Terminal()
    with StageProgress("frames", file=term) as progress:
        progress.on_stage("reading the video")
        progress._progress.refresh()
        first = _plain(term.getvalue())
        progress.on_stage("finding and tracking people")
        progress.on_progress(12, 100)
        progress._progress.refresh()
        progress.on_stage("cleaning")  # a stage of unknown length after one with a count
        progress._progress.refresh()
        cleaning = _plain(term.getvalue()).rpartition("cleaning")[2]
        progress("detecting cues", 3, 4)  # the (stage, done, total) contract
        progress._progress.refresh()
    shown = _plain(term.getvalue())
    assert "/100" not in cleaning and "ETA" not in cleaning
    assert "reading the video" in first and "frames" not in first  # no count before it is known
    assert "finding and tracking people" in shown and "12/100 frames ETA" in shown and "ETA" in shown
    assert "detecting cues" in shown and "3/4 frames" in shown


def test_disabled_progress_writes_nothing_but_keeps_the_stage() -> None:
    out = io.StringIO()
    with StageProgress("frames", enabled=False, file=out) as progress:
        progress.on_stage("finding and tracking people")
        progress.on_progress(5, 10)
    assert out.getvalue() == "" and progress.stage == "finding and tracking people"
