"""One headless Chromium per browser test module (helpers: tests/e2e/helpers.py).

Module scope, not session scope: Playwright's sync API keeps its event loop running while it is open, and
other test folders (the HTML report, the live page) start their own `sync_playwright()` later in the same
run, which refuses to start inside a running loop.
"""

from __future__ import annotations

import pytest

from tests.e2e.helpers import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
