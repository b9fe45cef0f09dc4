"""How `python3 dev.py test` shares the suite between two pytest-xdist workers (`tests/scheduling.py`)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import dev
from tests.scheduling import REALTIME_FILES, SHARED_UNITS, WEIGHT_S, is_realtime, make_scheduler, unit_of

REPO = Path(__file__).resolve().parents[2]


def test_every_named_file_exists() -> None:
    """A renamed test file would silently leave its cache-sharing unit (and race the others)."""
    named = set(SHARED_UNITS) | {u for u in WEIGHT_S if u not in SHARED_UNITS.values()}
    assert named and all((REPO / path).is_file() for path in named), named


def test_files_sharing_the_real_clip_cache_form_one_unit() -> None:
    units = {unit_of(f"{path}::test_x[a]") for path in SHARED_UNITS}
    assert units == {"real-clips-cache"}
    assert unit_of("tests/unit/test_dev.py::test_x") == "tests/unit/test_dev.py"


class FakeNode:
    def __init__(self, name: str, collection: list[str]) -> None:
        self.collection, self.sent, self.shutting_down = collection, [], False
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.append([self.collection[i] for i in indices])

    def shutdown(self) -> None:
        self.shutting_down = True


def config(dist: str) -> SimpleNamespace:
    values = {"dist": dist, "tx": ["2*popen"]}
    return SimpleNamespace(getvalue=values.__getitem__, option=SimpleNamespace(loadscopereorder=True))


def test_longest_unit_first_and_shared_files_together_in_order() -> None:
    collection = [
        "tests/a/test_small.py::test_1", "tests/a/test_small.py::test_2", "tests/a/test_small.py::test_3",
        "tests/integration/test_analyze_clips.py::test_walk",
        "tests/integration/test_cue_quality_floors.py::test_floor[a]",
        "tests/integration/test_cue_quality_floors.py::test_floor[b]",
        "tests/e2e/test_first_run.py::test_readme",
        "tests/integration/test_hands_analyze.py::test_thumb",
    ]  # fmt: skip
    sched = make_scheduler(config("loadfile"), None)
    nodes = [FakeNode("gw0", collection), FakeNode("gw1", collection)]
    for node in nodes:
        sched.add_node(node)
        sched.add_node_collection(node, collection)
    sched.schedule()
    first, second = nodes
    # the heaviest unit (the real clips' cache: analyze_clips, floors, hands, in collection order) to the
    # first worker; the next heaviest (the first run) to the second, then the rest
    assert first.sent[0] == [
        "tests/integration/test_analyze_clips.py::test_walk",
        "tests/integration/test_cue_quality_floors.py::test_floor[a]",
        "tests/integration/test_cue_quality_floors.py::test_floor[b]",
        "tests/integration/test_hands_analyze.py::test_thumb",
    ]
    assert second.sent[0] == ["tests/e2e/test_first_run.py::test_readme"]
    assert [t for node in nodes for batch in node.sent for t in batch].count(collection[0]) == 1


def test_other_modes_are_xdists_own() -> None:
    assert make_scheduler(config("load"), None) is None


PARALLEL = ["-n", "2", "--dist", "loadfile"]


@pytest.mark.parametrize(
    ("extra", "cores", "expected"),
    [
        # the whole suite: two workers, then the realtime tests alone
        ([], 2, [[*PARALLEL, "-m", "not realtime"], ["-m", "realtime"]]),
        (["-x", "--durations=30"], 8, [[*PARALLEL, "-m", "not realtime", "-x", "--durations=30"],
                                       ["-m", "realtime", "-x", "--durations=30"]]),
        # a selection: one run on two workers
        (["tests/unit", "-x"], 2, [[*PARALLEL, "tests/unit", "-x"]]),
        (["tests/unit/test_dev.py::test_next_steps_from_the_checkout"], 2,
         [[*PARALLEL, "tests/unit/test_dev.py::test_next_steps_from_the_checkout"]]),
        (["-m", "slow"], 2, [[*PARALLEL, "-m", "slow"]]),
        (["-k", "floor"], 2, [[*PARALLEL, "-k", "floor"]]),
        # one core, or the caller's own choice of workers: one plain run
        ([], 1, [[]]),
        (["-n", "0"], 2, [["-n", "0"]]),
        (["-n4"], 2, [["-n4"]]),
        (["-p", "no:xdist"], 2, [["-p", "no:xdist"]]),
        (["--dist", "load"], 2, [["--dist", "load"]]),
    ],
)  # fmt: skip
def test_dev_test_runs_two_workers_then_the_realtime_tests_alone(monkeypatch, extra, cores, expected) -> None:
    monkeypatch.setattr(dev.os, "cpu_count", lambda: cores)
    assert dev.pytest_runs(extra) == expected


def test_realtime_files_exist_and_stay_out_of_the_parallel_part() -> None:
    assert all((REPO / path).is_file() for path in REALTIME_FILES), REALTIME_FILES
    assert is_realtime("tests/integration/test_live_realtime.py::test_x")
    assert not is_realtime("tests/unit/live/test_clock.py::test_x")
    assert not set(REALTIME_FILES) & (set(WEIGHT_S) | set(SHARED_UNITS))  # not in the parallel part
