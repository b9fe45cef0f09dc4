"""The dashboard's frame: page config, sidebar (mode, reviewer, pages) and the page dispatch."""

from __future__ import annotations

from typing import Any

import streamlit as st

from cuedetect.dashboard.settings import load_settings
from cuedetect.dashboard.views.context import Ctx, go, show_flash
from cuedetect.errors import CuedetectError

# Portrait recordings must not push the timeline off the screen.
CSS = (
    ".block-container { padding-top: 3.2rem; padding-bottom: 1rem; padding-left: 2rem; padding-right: 2rem; }"
)
PAGES = {
    "library": "Library",
    "review": "Session review",
    "progress": "Trainee progress",
    "live": "Live practice",
    "settings": "Settings",
}
TRAINEE_PAGES = {
    "library": "My sessions",
    "review": "Review",
    "progress": "My progress",
    "live": "Live practice",
}


def _sidebar(ctx_base: dict[str, Any]) -> tuple[bool, str | None, str]:
    with st.sidebar:
        st.markdown("### cuedetect debrief")
        trainee_mode = st.toggle(
            "Trainee mode",
            key="trainee_mode",
            value=st.query_params.get("mode") == "trainee",
            help="A simpler self-review view showing one's own sessions only.",
        )
        if trainee_mode:
            st.query_params["mode"] = "trainee"
        else:
            for name in ("mode", "me"):
                if name in st.query_params:
                    del st.query_params[name]
        me, reviewer = None, st.session_state.get("reviewer", "instructor")
        if trainee_mode:
            names = ctx_base["trainees"]
            if names:
                wanted = st.query_params.get("me")
                me = st.selectbox(
                    "Who are you?",
                    names,
                    index=names.index(wanted) if wanted in names else None,
                    key="me",
                    placeholder="choose your name",
                )
                if me:
                    st.query_params["me"] = me
                elif "me" in st.query_params:
                    del st.query_params["me"]
                reviewer = me or "trainee"
            else:
                st.info("No trainees yet: an instructor adds sessions with a trainee's name.")
        else:
            reviewer = (
                st.text_input(
                    "Reviewer", value="instructor", key="reviewer", help="Your name in the review history."
                ).strip()
                or "instructor"
            )
        pages = TRAINEE_PAGES if trainee_mode else PAGES
        current = st.query_params.get("page", "library")
        current = current if current in pages else "library"
        choice = st.radio(
            "Page",
            list(pages),
            index=list(pages).index(current),
            format_func=pages.get,
            key=f"nav_{current}_{trainee_mode}",
        )
        if choice != current:
            go(choice)
            st.rerun()
        st.caption("Everything runs on this computer; nothing is uploaded anywhere.")
    return trainee_mode, me, reviewer


def main() -> None:
    from cuedetect.dashboard.views import library, live, progress, review, settings_page
    from cuedetect.paths import data_dir
    from cuedetect.store.db import default_store_path

    # The review page needs the whole width at 1280 px: its sidebar starts folded (the arrow opens it).
    folded = st.query_params.get("page") == "review"
    st.set_page_config(
        page_title="cuedetect debrief",
        page_icon="🎯",
        layout="wide",
        initial_sidebar_state="collapsed" if folded else "auto",
    )
    st.html(f"<style>{CSS}</style>")
    root = data_dir()
    store_path = default_store_path()
    base = Ctx(root, store_path, load_settings(root), False, None, "instructor")
    try:
        with base.store() as store:
            trainees = [t.name for t in store.trainees()]
    except CuedetectError as exc:
        st.error(str(exc))
        return
    trainee_mode, me, reviewer = _sidebar({"trainees": trainees})
    ctx = Ctx(root, store_path, base.settings, trainee_mode, me, reviewer)
    show_flash()
    if trainee_mode:
        from cuedetect.dashboard.text import md_text

        st.caption(
            f"Trainee mode · you are **{md_text(me)}** (not you? change it in the sidebar)"
            if me
            else "Trainee mode · choose your name in the sidebar: you will see your own sessions only."
        )
    page = st.query_params.get("page", "library")
    renderers = {
        "library": library.render,
        "review": review.render,
        "progress": progress.render,
        "live": live.render,
        "settings": settings_page.render,
    }
    if trainee_mode and page == "settings":
        page = "library"
    try:
        renderers.get(page, library.render)(ctx)
    except CuedetectError as exc:
        st.error(str(exc))
