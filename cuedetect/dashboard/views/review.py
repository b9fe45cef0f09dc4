"""Session review page: video, timeline, event list with review actions, summary, roles, exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from cuedetect.dashboard import actions
from cuedetect.dashboard.player import parse_key_event, player_bridge, trigger_value
from cuedetect.dashboard.review_data import ReviewData, load_review
from cuedetect.dashboard.seek import Seek, seek_from_selection, step_event
from cuedetect.dashboard.timeline import EVENT_PARAM, MOMENT_PARAM, place, timeline_spec
from cuedetect.dashboard.views import review_panels
from cuedetect.dashboard.views.context import Ctx, flash, go
from cuedetect.errors import CuedetectError


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_review(
    store_path: str, sid: int, version: tuple[Any, ...], safe_m: float, close_m: float
) -> ReviewData:
    from cuedetect.store import SessionStore

    with SessionStore.open(store_path) as store:
        return load_review(store, sid, safe_m, close_m)


@st.cache_resource(max_entries=2, show_spinner=False)
def _video_bytes(path: str, size: int, mtime: float) -> bytes:
    """The video's bytes, read once per file version: st.video(path) reads the whole file on every rerun
    (0.5-1 s for a 300 MB recording on this machine), which every click on the page would pay."""
    return Path(path).read_bytes()


def _version(store: Any, sid: int) -> tuple[Any, ...]:
    """Changes whenever the session's facts, review log or analyses change (the cache key)."""
    s = store.session(sid)
    facts = (s.trainee_name, s.scenario, s.date, s.instructor, s.recording_path)
    return (len(store.review_log(sid)), tuple(a.id for a in store.analyses(sid)), facts)


def request_seek(t: float, key: str | None = None) -> None:
    st.session_state["seek"] = Seek(t, key)
    st.session_state["seek_nonce"] = st.session_state.get("seek_nonce", 0) + 1
    if key is not None:
        st.session_state["event_pick"] = key


def _seek_moment(t: float) -> None:
    """Play from a moment that is not an event (a note, the distance chart)."""
    request_seek(t)
    st.session_state["moment"] = t
    st.session_state.pop("event_pick", None)


def _select(key: str | None, data: ReviewData) -> None:
    if key is not None and key in data.by_key:
        request_seek(max(data.by_key[key].start, 0.0), key)


def _on_timeline(data: ReviewData) -> None:
    seek = seek_from_selection(
        st.session_state.get("timeline"), {e.key: e.start for e in data.events}, data.session.duration
    )
    if seek is not None and seek.key is None:
        _seek_moment(seek.t)
    elif seek is not None:
        request_seek(seek.t, seek.key)
        st.session_state["moment"] = seek.t


def _on_table(keys: list[str], data: ReviewData) -> None:
    sel = st.session_state.get("event_table")
    rows = sel.selection.rows if sel is not None else []
    if rows and rows[0] < len(keys):
        _select(keys[rows[0]], data)


def _step(data: ReviewData, direction: int) -> None:
    order = [(e.key, e.start) for e in data.events]
    seek = st.session_state.get("seek")
    key = step_event(order, st.session_state.get("event_pick"), seek.t if seek else None, direction)
    if key is None:
        flash("no further event that way", "info")
    _select(key, data)


def _do(ctx: Ctx, data: ReviewData, what: str, key: str | None, **kw: Any) -> None:
    """Run one review action and leave a message for the next run."""
    try:
        with ctx.store() as store:
            sid, who = data.session.id, ctx.reviewer
            if what in ("confirm", "reject", "adjust") and key is None:
                raise CuedetectError("select an event first")
            if what == "comment":  # on the selected event, else on the moment
                message = actions.comment(store, sid, who, kw["text"], key=key, t=None if key else kw["t"])
            elif what == "add":
                message = "added event " + actions.add(store, sid, reviewer=who, **kw)
            else:
                message = f"{what}: " + getattr(actions, what)(store, sid, key, reviewer=who, **kw)
        flash(message)
    except CuedetectError as exc:
        flash(str(exc), "error")


def _on_key(ctx: Ctx, data: ReviewData) -> None:
    parsed = parse_key_event(trigger_value(st.session_state.get("player_bridge")))
    if parsed is None:
        return
    action, t = parsed
    if t is not None:
        st.session_state["moment"] = t
    if action in ("next", "previous"):
        _step(data, 1 if action == "next" else -1)
    elif action in ("confirm", "reject") and not ctx.trainee_mode:
        _do(ctx, data, action, st.session_state.get("event_pick"))
    elif action == "mark" and t is not None:
        flash(f"current moment: {t:.2f} s (used for a new event or comment)", "info")


def _pick_session(ctx: Ctx) -> int | None:
    with ctx.store() as store:
        sessions = store.sessions(ctx.me) if ctx.trainee_mode and ctx.me else store.sessions()
    if ctx.trainee_mode and not ctx.me:
        return None
    if not sessions:
        st.info("No sessions yet: add a recording in the Library.")
        return None
    wanted = st.query_params.get("session")
    ids = [s.id for s in sessions]
    if wanted is not None and wanted.isdigit() and int(wanted) not in ids:
        st.error(f"Session {wanted} is not one of {'your' if ctx.trainee_mode else 'the'} sessions.")
        return None
    current = int(wanted) if wanted and wanted.isdigit() else ids[-1]
    label = {
        s.id: f"#{s.id} · {s.trainee_name or 'no trainee'} · {s.date} · {s.scenario or ''}" for s in sessions
    }
    pick = st.selectbox(
        "Session", ids, index=ids.index(current), format_func=label.get, key=f"session_pick_{current}"
    )
    if pick != current:
        go("review", pick)
        st.rerun()
    return current


def render(ctx: Ctx) -> None:
    sid = _pick_session(ctx)
    if sid is None:
        if ctx.trainee_mode and not ctx.me:
            st.info("Choose your name in the sidebar.")
        return
    if st.session_state.get("review_sid") != sid:  # a new session: forget the old one's selection
        for k in ("seek", "event_pick", "moment", "timeline", "event_table"):
            st.session_state.pop(k, None)
        st.session_state["review_sid"] = sid
    with ctx.store() as store:
        version = _version(store, sid)
    s = ctx.settings
    data = _cached_review(str(ctx.store_path), sid, version, s.safe_distance_m, s.too_close_m)
    _header(data)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _video(ctx, data)
    with right:
        _event_list(ctx, data)
    _timeline(data, _cached_spec(str(ctx.store_path), sid, version, s.safe_distance_m, s.too_close_m))
    review_panels.tabs(ctx, data, _do, _seek_moment)


def _header(data: ReviewData) -> None:
    s = data.session
    minutes, seconds = divmod(round(s.duration), 60)
    st.markdown(f"## {s.trainee_name or 'Session'} · {s.scenario or 'role-play'}")
    st.caption(
        f"session #{s.id} · {s.date} · {minutes}:{seconds:02d} · {len(data.events)} events · "
        f"recording {Path(s.recording_path).name}"
    )


def _video(ctx: Ctx, data: ReviewData) -> None:
    seek: Seek | None = st.session_state.get("seek")
    overlay = st.toggle(
        "Skeleton overlay",
        value=data.annotated is not None,
        key="overlay",
        disabled=data.annotated is None or data.video is None,
        help="The analysed video with skeletons, ids and distances drawn on it.",
    )
    path = data.annotated if (overlay and data.annotated) else (data.video or data.annotated)
    if path is None:
        st.warning("The recording is not on this computer any more (moved or deleted).")
    elif path.suffix.lower() in (".avi", ".mkv"):
        st.caption("Browsers cannot play this container: turn the skeleton overlay on (annotated.mp4).")
    if path is not None:
        stat = path.stat()
        st.video(
            _video_bytes(str(path), stat.st_size, stat.st_mtime),
            format="video/webm" if path.suffix.lower() == ".webm" else "video/mp4",
            start_time=seek.whole_s if seek else 0,
        )
    player_bridge(
        seek, st.session_state.get("seek_nonce", 0), key="player_bridge", on_key=lambda: _on_key(ctx, data)
    )


def _event_list(ctx: Ctx, data: ReviewData) -> None:
    st.markdown("#### Events")
    keys = list(data.frame["key"])
    if not keys:
        st.info("The model found no events. Add one at the current moment below.")
    else:
        table = data.frame[["start", "end", "lane", "status", "confidence", "comments"]].copy()
        st.dataframe(
            table,
            hide_index=True,
            height=230,
            key="event_table",
            selection_mode="single-row",
            on_select=lambda: _on_table(keys, data),
            width="stretch",
            column_config={
                "start": st.column_config.NumberColumn(format="%.1f"),
                "end": st.column_config.NumberColumn(format="%.1f"),
                "confidence": st.column_config.ProgressColumn(min_value=0, max_value=1, format="%.2f"),
            },
        )
        labels = {e.key: f"{e.start:6.1f}s  {e.cue} · P{e.person} · {e.status}" for e in data.events}
        if st.session_state.get("event_pick") not in labels:
            st.session_state.pop("event_pick", None)
        st.selectbox(
            "Selected event",
            keys,
            format_func=labels.get,
            key="event_pick",
            index=None,
            placeholder="click an event on the timeline or in the table",
            on_change=lambda: _select(st.session_state.get("event_pick"), data),
        )
    review_panels.event_actions(ctx, data, _do, _step, _select)


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_spec(store_path: str, sid: int, version: tuple[Any, ...], safe_m: float, close_m: float) -> dict:
    data = _cached_review(store_path, sid, version, safe_m, close_m)
    return timeline_spec(data.frame, data.lanes, data.distance, data.session.duration, safe_m, close_m)


def _timeline(data: ReviewData, spec: dict) -> None:
    s = st.session_state
    seek: Seek | None = s.get("seek")
    modes = [EVENT_PARAM, MOMENT_PARAM] if len(data.distance) else [EVENT_PARAM]
    st.vega_lite_chart(
        place(spec, seek.t if seek else None, s.get("event_pick")),
        on_select=lambda: _on_timeline(data),
        selection_mode=modes,
        key="timeline",
        width="content",
    )
    st.caption(
        "Click an event (or the distance line) to play from there; drag to pan, scroll to zoom, "
        "double-click to reset the selection."
    )
