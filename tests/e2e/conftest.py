"""One headless Chromium for every browser test of the session (helpers: tests/e2e/helpers.py)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import ARGS, CHROMIUM


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
