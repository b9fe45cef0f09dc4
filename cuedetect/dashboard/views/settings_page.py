"""Settings page: thresholds of the practice-based cues, model choice, upload limit."""

from __future__ import annotations

import streamlit as st

from cuedetect.dashboard.settings import (
    CUE_DETECTORS,
    MAX_UPLOAD_MB,
    POSE_MODELS,
    DashboardSettings,
    save_settings,
)
from cuedetect.dashboard.views.context import Ctx
from cuedetect.errors import InputError


def render(ctx: Ctx) -> None:
    s = ctx.settings
    st.title("Settings")
    st.caption("Thresholds apply to the timeline and summary now, and to cue detection of new analyses.")
    with st.form("settings"):
        c1, c2, c3 = st.columns(3)
        safe = c1.number_input("Safe distance (m)", 0.3, 6.0, s.safe_distance_m, 0.1, key="set_safe")
        close = c2.number_input("Too close below (m)", 0.3, 5.0, s.too_close_m, 0.1, key="set_close")
        speed = c3.number_input(
            "Rapid approach above (m/s)", 0.1, 5.0, s.closing_speed_mps, 0.1, key="set_speed"
        )
        c4, c5, c6 = st.columns(3)
        model = c4.selectbox(
            "Pose model",
            POSE_MODELS,
            index=POSE_MODELS.index(s.pose_model),
            key="set_model",
            help="lite is fastest, heavy most accurate (about 3x slower than full).",
        )
        detector = c5.selectbox(
            "Cue detector",
            CUE_DETECTORS,
            index=CUE_DETECTORS.index(s.cue_detector),
            key="set_detector",
            help="auto: the trained classifier when there is one, else the geometric baseline.",
        )
        fps = c6.number_input("Analysis rate (frames/s)", 1.0, 60.0, s.analysis_fps, 1.0, key="set_fps")
        limit = st.number_input("Upload limit (MB)", 1, MAX_UPLOAD_MB, s.max_upload_mb, key="set_limit")
        if st.form_submit_button("Save settings", type="primary"):
            new = DashboardSettings(
                float(safe), float(close), float(speed), model, detector, float(fps), int(limit)
            )
            try:
                path = save_settings(ctx.data_dir, new)
                st.success(f"Saved to {path}.")
            except InputError as exc:
                st.error(str(exc))
