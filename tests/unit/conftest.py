"""Store and export test fixtures: a real small analysis folder (H.264 video + JSON), a fresh store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cuedetect.store import SessionStore, StoreOptions
from cuedetect.store.demo import write_demo_analysis


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_analysis(tmp_path_factory.mktemp("analysis") / "out")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "cuedetect.sqlite"


@pytest.fixture
def store(store_path: Path) -> Iterator[SessionStore]:
    with SessionStore.create_from_options(StoreOptions(path=store_path)) as st:
        yield st
