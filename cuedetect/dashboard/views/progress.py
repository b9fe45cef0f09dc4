"""Trainee progress page: the debrief numbers across a trainee's sessions, each linked to its review."""

from __future__ import annotations

import streamlit as st

from cuedetect.dashboard.progress import (
    MEASURES,
    picked_session,
    progress_chart,
    progress_frame,
    table_columns,
)
from cuedetect.dashboard.text import md_text
from cuedetect.dashboard.views.context import Ctx, go
from cuedetect.safe_distance import safe_distance_rule


def render(ctx: Ctx) -> None:
    from cuedetect.store.summary import progress as store_progress

    st.title("My progress" if ctx.trainee_mode else "Trainee progress")
    with ctx.store() as store:
        names = [t.name for t in store.trainees()]
        if ctx.trainee_mode:
            name = ctx.me
        elif names:
            name = st.selectbox("Trainee", names, key="progress_trainee")
        else:
            name = None
        if not name:
            st.info("No trainees yet." if not ctx.trainee_mode else "Choose your name in the sidebar.")
            return
        rows = store_progress(store, name, ctx.settings.safe_distance_m)
    df = progress_frame(rows, ctx.trainee_mode)
    if df.empty:
        st.info(f"{md_text(name)} has no sessions yet.")
        return
    st.markdown(f"**{md_text(name)}** · {len(df)} sessions, oldest first")
    rule = safe_distance_rule(ctx.settings.safe_distance_m).capitalize()
    st.caption(
        f"Click a point to open that session's review. {rule}; client escalation counts the client's "
        "escalation cues that start in the 10 s after one of the trainee's interventions (open hands)."
    )

    def on_pick() -> None:
        sid = picked_session(st.session_state.get("progress_chart"))
        if sid is not None:
            go("review", sid)

    st.altair_chart(progress_chart(df), on_select=on_pick, key="progress_chart", selection_mode=["session"])
    st.dataframe(
        table_columns(df),
        hide_index=True,
        width="stretch",
        column_config={
            "open": st.column_config.LinkColumn("open", display_text="review ▶"),
            **{label: st.column_config.NumberColumn(label, format="%.1f") for label in MEASURES.values()},
        },
    )
    ids = list(df["session"])
    pick = st.selectbox(
        "Session",
        ids,
        index=len(ids) - 1,
        key="progress_open",
        format_func=lambda s: f"#{s} {df.loc[df.session == s, 'date'].iloc[0]}",
    )
    if st.button("Open review", key="progress_open_btn"):
        go("review", pick)
        st.rerun()
