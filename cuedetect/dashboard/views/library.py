"""Library page: sessions with headline numbers, search/filter, adding recordings, analysis jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import pandas as pd
import streamlit as st

from cuedetect.dashboard import jobs as jobs_mod
from cuedetect.dashboard.library import REVIEW_STATUSES, filter_rows, fmt_length, load_rows
from cuedetect.dashboard.progress import review_link
from cuedetect.dashboard.uploads import check_local_path, server_upload_limit, store_upload
from cuedetect.dashboard.views.context import Ctx, flash, go
from cuedetect.errors import InputError
from cuedetect.safe_distance import safe_distance_rule


def _open_selected(ids: list[int]) -> None:
    sel = st.session_state.get("library_table")
    rows = sel.selection.rows if sel is not None else []
    if rows and rows[0] < len(ids):
        go("review", ids[rows[0]])


def _sessions(ctx: Ctx) -> None:
    with ctx.store() as store:
        rows = load_rows(store, ctx.settings.safe_distance_m)
    if ctx.trainee_mode:
        rows = [r for r in rows if ctx.me and r.trainee == ctx.me]
    c1, c2, c3 = st.columns([3, 2, 2])
    query = c1.text_input("Search", key="lib_query", placeholder="trainee, scenario, date or #id")
    trainees = (
        []
        if ctx.trainee_mode
        else c2.multiselect("Trainee", sorted({r.trainee for r in rows if r.trainee}), key="lib_trainees")
    )
    statuses = c3.multiselect("Review status", REVIEW_STATUSES, key="lib_status")
    shown = filter_rows(rows, query, trainees, statuses)
    st.caption(f"{len(shown)} of {len(rows)} sessions")
    if not shown:
        st.info("No sessions match." if rows else "No sessions yet: add a recording below.")
        return
    df = pd.DataFrame([r.as_dict() for r in shown])
    df["length"] = df["length_s"].map(fmt_length)
    df["open"] = [review_link(s, ctx.trainee_mode) for s in df["session"]]
    cols = [
        "session",
        "trainee",
        "date",
        "scenario",
        "length",
        "review_status",
        "events",
        "escalation",
        "deescalation",
        "confirmed",
        "rejected",
        "safe_distance_pct",
        "open",
    ]
    st.dataframe(
        df[cols],
        hide_index=True,
        key="library_table",
        on_select=lambda: _open_selected(list(df["session"])),
        selection_mode="single-row",
        width="stretch",
        column_config={
            "session": st.column_config.NumberColumn("#", format="%d"),
            "review_status": "review",
            "deescalation": "de-escalation",
            "safe_distance_pct": st.column_config.ProgressColumn(
                "at a safe distance",
                format="%.0f%%",
                min_value=0,
                max_value=100,
                help=safe_distance_rule(ctx.settings.safe_distance_m) + ", share of the measured time",
            ),
            "open": st.column_config.LinkColumn("open", display_text="review ▶"),
        },
    )
    pick = st.selectbox(
        "Open a session",
        [r.session for r in shown],
        key="lib_open",
        format_func=lambda s: next(
            f"#{r.session} {r.trainee} {r.date} {r.scenario}" for r in shown if r.session == s
        ),
    )
    if st.button("Open review", key="lib_open_btn", type="primary"):
        go("review", pick)
        st.rerun()


def _start(ctx: Ctx, video: str, trainee: str, scenario: str, date: dt.date | None) -> None:
    request = jobs_mod.JobRequest(
        video=video,
        trainee=trainee.strip() or None,
        scenario=scenario.strip() or None,
        instructor=ctx.reviewer,
        date=date.isoformat() if date else None,
        settings=asdict(ctx.settings),
    )
    job = jobs_mod.start_job(ctx.data_dir, request)
    flash(f"Analysing {jobs_mod.read_status(job).video} in the background (job {job.name}).", "info")


def _add(ctx: Ctx) -> None:
    with st.expander("Add a recording", expanded=False):
        c1, c2, c3 = st.columns(3)
        trainee = c1.text_input("Trainee", key="add_trainee")
        scenario = c2.text_input("Scenario", key="add_scenario")
        date = c3.date_input("Date", value=dt.date.today(), key="add_date")
        up, path_tab = st.tabs(["Upload", "Path on this computer"])
        with up:
            limit = ctx.settings.max_upload_mb
            st.caption(f"mp4, mov, mkv, webm or avi, up to {limit} MB. Bigger recordings: give their path.")
            server_upload_limit()  # the server's cap, also under a plain `streamlit run dashboard.py`
            file = st.file_uploader(
                "Recording", key="add_file", label_visibility="collapsed", max_upload_size=limit
            )
            if st.button("Upload and analyse", key="add_upload", disabled=file is None):
                try:
                    saved = store_upload(ctx.data_dir, file, file.name, file.size, limit)
                    _start(ctx, str(saved), trainee, scenario, date)
                    st.rerun()
                except InputError as exc:
                    st.error(str(exc))
        with path_tab:
            text = st.text_input("Video path", key="add_path", placeholder="/path/to/recording.mp4")
            if st.button("Analyse", key="add_path_btn"):
                try:
                    _start(ctx, str(check_local_path(text)), trainee, scenario, date)
                    st.rerun()
                except InputError as exc:
                    st.error(str(exc))


@st.fragment(run_every=2.0)
def _jobs(ctx: Ctx) -> None:
    jobs = jobs_mod.list_jobs(ctx.data_dir)
    if not jobs:
        return
    st.markdown("#### Analyses")
    for job in jobs[:10]:
        c1, c2 = st.columns([5, 1])
        with c1:
            if job.state == "failed":
                st.error(f"**{job.video}** failed: {job.error}")
            elif job.state == "done":
                st.success(f"**{job.video}**: done, {job.message}")
            else:
                st.progress(
                    min(max(job.progress, 0.0), 1.0),
                    text=f"**{job.video}**: {job.stage} {job.message}".strip(),
                )
        with c2:
            if (
                job.state == "done"
                and job.session_id is not None
                and st.button("Open", key=f"job_open_{job.id}")
            ):
                go("review", job.session_id)
                st.rerun(scope="app")
            if job.finished and st.button("Dismiss", key=f"job_dismiss_{job.id}"):
                jobs_mod.dismiss(ctx.data_dir, job.id)
                st.rerun(scope="app")


def render(ctx: Ctx) -> None:
    st.title("My sessions" if ctx.trainee_mode else "Library")
    if ctx.trainee_mode and not ctx.me:
        st.info("Choose your name in the sidebar.")
        return
    _sessions(ctx)
    if not ctx.trainee_mode:
        _add(ctx)
        _jobs(ctx)
