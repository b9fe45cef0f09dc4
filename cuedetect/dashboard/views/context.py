"""What every dashboard page shares: the page context (`Ctx`), navigation (`go`) and one-shot messages.

Pages import these from here, and `app` imports the pages, so no page imports `app`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from cuedetect.dashboard.settings import DashboardSettings


@dataclass(frozen=True)
class Ctx:
    """What every page needs: where the data is, the settings, and who is looking."""

    data_dir: Path
    store_path: Path
    settings: DashboardSettings
    trainee_mode: bool
    me: str | None  # the trainee, in trainee mode
    reviewer: str

    @contextlib.contextmanager
    def store(self) -> Iterator[Any]:
        from cuedetect.store import SessionStore, StoreOptions

        with SessionStore.create_from_options(StoreOptions(path=self.store_path)) as store:
            yield store


def go(page: str, session: int | None = None) -> None:
    """Navigate (from a callback or the script): the address bar keeps page and session."""
    st.query_params["page"] = page
    if session is not None:
        st.query_params["session"] = str(session)


def flash(message: str, kind: str = "success") -> None:
    """A message shown once at the top of the next run (callbacks cannot draw)."""
    st.session_state["flash"] = (kind, message)


TOAST_ICONS = {"success": "✅", "error": "⚠️", "info": "ℹ️", "warning": "⚠️"}


def show_flash() -> None:
    """The last action's message as a toast: it takes no place in the page, so nothing below it moves
    (a message above the video used to shift it and reset the player)."""
    kind, message = st.session_state.pop("flash", (None, None))
    if message:
        st.toast(message, icon=TOAST_ICONS.get(kind, "ℹ️"), duration="long" if kind == "error" else "short")
