"""Fixtures shared by the whole suite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.scheduling import is_realtime, make_scheduler

# Timing is not what these properties are about: a shared 2-core machine can stall any example.
settings.register_profile("cuedetect", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cuedetect")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_videos"
# Real third-party clips live beside the checkout (never in it); CI gets the same folder.
CLIPS = REPO.parent / "shared" / "clips"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def clips_dir() -> Path:
    assert CLIPS.is_dir(), f"real clips expected in {CLIPS}"
    return CLIPS


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory) -> Path:
    """No test writes into the user's real data folder: the session store and uploads go to a tmp dir
    (subprocesses such as `cuedetect analyze` inherit it)."""
    path = tmp_path_factory.mktemp("cuedetect-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CUEDETECT_DATA_DIR", str(path))
        yield path


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Live mode paced at wall-clock speed is marked `realtime` (`tests/scheduling.py` says why)."""
    for item in items:
        if is_realtime(item.nodeid):
            item.add_marker(pytest.mark.realtime)


if importlib.util.find_spec("xdist") is not None:  # a hook pytest only knows with pytest-xdist installed

    def pytest_xdist_make_scheduler(config, log):
        """`--dist loadfile` (what `python3 dev.py test` asks for): test files kept whole, the files that
        share a cache kept together and in order, the longest started first (`tests/scheduling.py`)."""
        return make_scheduler(config, log)
