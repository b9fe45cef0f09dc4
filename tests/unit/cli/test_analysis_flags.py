"""The analysis flags `analyze` and `batch` share are refused with one line naming the flag."""

from __future__ import annotations

import pytest

from cuedetect.cli._common import check_analysis_flags
from cuedetect.errors import InputError


@pytest.mark.parametrize(
    ("max_persons", "fps", "model", "flag"),
    [
        (0, 15.0, "full", "--max-persons"),
        (5, 15.0, "full", "--max-persons"),
        (2, -1.0, "full", "--fps"),
        (2, 15.0, "huge", "--model"),
    ],
)
def test_bad_flags_are_refused_by_name(max_persons: int, fps: float, model: str, flag: str) -> None:
    with pytest.raises(InputError, match=f"^{flag} "):
        check_analysis_flags(max_persons, fps, model)


@pytest.mark.parametrize(
    ("max_persons", "fps", "model"), [(1, 0.0, "lite"), (4, 30.0, "heavy"), (2, 15.0, "full")]
)
def test_good_flags_pass(max_persons: int, fps: float, model: str) -> None:
    check_analysis_flags(max_persons, fps, model)


def test_an_unknown_hand_state_classifier_is_refused_before_any_decoding(tmp_path) -> None:
    from typer.testing import CliRunner

    from cuedetect.cli import app
    from cuedetect.paths import sample_videos_dir

    video = sample_videos_dir() / "standoff" / "standoff.mp4"
    res = CliRunner().invoke(app, ["analyze", str(video), "--out", str(tmp_path / "out"), "--hand-states",
                                   "forest", "--no-register"])  # fmt: skip
    assert res.exit_code != 0 and "--hand-states 'forest'" in res.output
    assert not (tmp_path / "out").exists()
