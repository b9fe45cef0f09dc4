"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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
