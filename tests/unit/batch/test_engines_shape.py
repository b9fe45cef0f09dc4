"""The engines' shape: the local engine never imports ray, the batch's one progress bar only moves
forward, and engine choice errors are one line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.analysis.types import STAGES
from cuedetect.cli._batch_view import STAGE_SHARE, stage_fraction
from cuedetect.errors import InputError


def test_local_engine_never_imports_ray() -> None:
    code = ("import sys\nfrom cuedetect.batch.runner import create_engine\n"
            "import cuedetect.batch.runner, cuedetect.batch.work, cuedetect.cli.batch\n"
            "create_engine('local')\nassert 'ray' not in sys.modules, 'ray imported'\n")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("name", "address"), [("spark", None), ("local", "auto")])
def test_bad_engine_choices(name: str, address: str | None) -> None:
    from cuedetect.batch.runner import create_engine

    with pytest.raises(InputError):
        create_engine(name, address=address)


def test_stage_shares_cover_the_pipeline_in_order() -> None:
    assert list(STAGE_SHARE) == [s for s in STAGES if s in STAGE_SHARE]
    assert set(STAGES) - set(STAGE_SHARE) == {"register"}  # the driver registers, not the worker
    assert sum(STAGE_SHARE.values()) == pytest.approx(1.0)


reports = st.lists(st.tuples(st.sampled_from(list(STAGE_SHARE)), st.integers(0, 50), st.integers(1, 50)))


@given(reports)
def test_progress_of_a_recording_never_goes_back_and_stays_in_0_1(steps) -> None:
    order = list(STAGE_SHARE)
    steps = sorted(((order.index(s), min(d, t), t) for s, d, t in steps), key=lambda x: (x[0], x[1] / x[2]))
    fractions = [stage_fraction(order[i], d, t) for i, d, t in steps]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)
    assert stage_fraction("outputs", 1, 1) == pytest.approx(1.0) and stage_fraction("probe", 0, 1) == 0.0


def test_the_bar_counts_a_finished_recording_once_whatever_arrives_late() -> None:
    from types import SimpleNamespace

    from cuedetect.batch.engine import WorkerEvent
    from cuedetect.cli._batch_view import BatchProgress

    view = BatchProgress(enabled=False)
    jobs = [SimpleNamespace(index=0, duration_s=30.0), SimpleNamespace(index=1, duration_s=10.0)]
    report = SimpleNamespace(analysed=[], failed=[])
    view.plan(jobs, report)
    view.event(WorkerEvent(0, "poses", 5, 10))
    assert view._frac == {0: pytest.approx(STAGE_SHARE["probe"] + STAGE_SHARE["poses"] / 2)}  # half of poses
    view.outcome(SimpleNamespace(index=0, ok=True), report)
    view.event(WorkerEvent(0, "outputs", 1, 1))  # a report that overtook nothing: it came after
    view.outcome(SimpleNamespace(index=0, ok=True), report)
    view.event(WorkerEvent(1, "retrying", pid=9, detail="worker died"))
    assert view._closed == 30.0 and view._frac == {1: 0.0}
