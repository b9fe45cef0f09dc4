"""Session review page, laid out for one screen (1280x800 and up).

Top: who and what, then the key moments. Left: the stage (video with its height capped, controls, the
timeline directly under it). Right: the selected event with the model's evidence, the review buttons, the
comment box and the events list. Below: summary, notes, roles and exports in tabs.

The video lives in the browser (`cuedetect.dashboard.player`): review actions rerun the script but never
touch the player; only an explicit jump (next/previous, a key moment, a row of the list, a note) sends a
seek. The selected event is a plain session-state value (`event_pick`), not a widget, so it survives the
reruns and shows its new status at once. Messages are toasts, so nothing above the stage moves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from cuedetect.dashboard import actions
from cuedetect.dashboard.moments import key_moments
from cuedetect.dashboard.player import media_url, parse_time, stage, trigger_value
from cuedetect.dashboard.review_data import ReviewData, event_table, load_review
from cuedetect.dashboard.seek import Seek, step_event
from cuedetect.dashboard.stage import StageData, distance_lane, event_lanes, note_markers
from cuedetect.dashboard.text import md_text
from cuedetect.dashboard.transcript import panel, transcript_data
from cuedetect.dashboard.views import review_panels
from cuedetect.dashboard.views.context import Ctx, flash, go
from cuedetect.dashboard.voice_lanes import voice_series
from cuedetect.errors import CuedetectError
from cuedetect.store.models import CUES


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_review(
    store_path: str, sid: int, version: tuple[Any, ...], safe_m: float, close_m: float
) -> ReviewData:
    from cuedetect.store import SessionStore

    with SessionStore.open(store_path) as store:
        return load_review(store, sid, safe_m, close_m)


@st.cache_resource(max_entries=2, show_spinner=False)
def _video_bytes(path: str, size: int, mtime: float) -> bytes:
    """The video's bytes, read once per file version (not on every click)."""
    return Path(path).read_bytes()


@st.cache_data(max_entries=16, show_spinner=False)
def _video_fps(path: str, mtime: float) -> float:
    """The recording's frame rate (for the frame-step buttons); 30 when it cannot be read."""
    try:
        import av

        with av.open(path) as container:
            rate = container.streams.video[0].average_rate
            return float(rate) if rate else 30.0
    except Exception:  # any unreadable file: frame step still works at 1/30 s
        return 30.0


def _version(store: Any, sid: int) -> tuple[Any, ...]:
    """Changes whenever the session's facts, review log or analyses change (the cache key)."""
    s = store.session(sid)
    facts = (s.trainee_name, s.scenario, s.date, s.instructor, s.recording_path)
    return (len(store.review_log(sid)), tuple(a.id for a in store.analyses(sid)), facts)


def request_seek(t: float, key: str | None = None) -> None:
    """Send the player to `t` (and select `key`, when it is an event)."""
    st.session_state["seek"] = Seek(t, key)
    st.session_state["seek_nonce"] = st.session_state.get("seek_nonce", 0) + 1
    st.session_state["moment"] = t
    if key is not None:
        st.session_state["event_pick"] = key


def _seek_moment(t: float) -> None:
    """Play from a moment that is not an event (a note, the closest approach)."""
    request_seek(t)
    st.session_state["comment_on"] = "moment"


def _select(key: str | None, data: ReviewData) -> None:
    if key is not None and key in data.by_key:
        request_seek(max(data.by_key[key].start, 0.0), key)
        st.session_state["comment_on"] = "event"


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
            sid, reviewer = data.session.id, ctx.reviewer
            if what in ("confirm", "reject", "adjust") and key is None:
                raise CuedetectError("select an event first")
            if what == "comment":  # on the selected event, else on the moment
                message = actions.comment(
                    store, sid, reviewer, kw["text"], key=key, t=None if key else kw["t"]
                )
            elif what == "add":
                message = "added event " + actions.add(store, sid, reviewer=reviewer, **kw)
            else:
                message = f"{what}: " + getattr(actions, what)(store, sid, key, reviewer=reviewer, **kw)
        flash(message)
    except CuedetectError as exc:
        flash(str(exc), "error")


# ---- what the stage reports ----
def _on_stage_select(data: ReviewData) -> None:
    value = trigger_value(st.session_state.get("stage"), "select")
    key = value.get("key") if isinstance(value, dict) else None
    if isinstance(key, str) and key in data.by_key:  # the video is already there: no seek back
        st.session_state["event_pick"] = key
        st.session_state["comment_on"] = "event"
        t = parse_time(value)
        if t is not None:
            st.session_state["moment"] = t


def _on_stage_moment() -> None:
    t = parse_time(trigger_value(st.session_state.get("stage"), "moment"))
    if t is not None:
        st.session_state["moment"] = t
        st.session_state["comment_on"] = "moment"


def _on_stage_mark() -> None:
    t = parse_time(trigger_value(st.session_state.get("stage"), "mark"))
    if t is not None:
        st.session_state["moment"] = t
        st.session_state["comment_on"] = "moment"
        flash(f"moment {t:.2f} s taken: a comment or a new event will use it", "info")


def _on_transcript_seek() -> None:
    t = parse_time(trigger_value(st.session_state.get("transcript"), "seek"))
    if t is not None:
        _seek_moment(t)


def _transcript(data: ReviewData) -> None:
    """What was said, beside the video: a search box and the words, each a jump to its moment."""
    said = data.said()
    with st.container(key="transcript_box", gap="small"):
        st.markdown("**What was said**")
        query = st.text_input(
            "Search what was said",
            key="transcript_query",
            placeholder="search what was said, e.g. calm down",
            label_visibility="collapsed",
            disabled=not said,
        )
        panel(
            transcript_data(said, data.session.duration, query or "", data.transcript_note),
            on_seek=_on_transcript_seek,
        )


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
        if ctx.trainee_mode:
            st.error(f"Session {wanted} is not one of your sessions (you are {md_text(ctx.me)}).")
        else:
            st.error(f"There is no session {wanted}.")
        return None
    current = int(wanted) if wanted and wanted.isdigit() else ids[-1]
    label = {
        s.id: f"#{s.id} · {s.trainee_name or 'no trainee'} · {s.date} · {s.scenario or ''}" for s in sessions
    }
    pick = st.selectbox(
        "Session",
        ids,
        index=ids.index(current),
        format_func=label.get,
        key=f"session_pick_{current}",
        label_visibility="collapsed",
    )
    if pick != current:
        go("review", pick)
        st.rerun()
    return current


def render(ctx: Ctx) -> None:
    head, picker = st.columns([3, 2], vertical_alignment="center")
    with picker:
        sid = _pick_session(ctx)
    if sid is None:
        if ctx.trainee_mode and not ctx.me:
            st.info("Choose your name in the sidebar.")
        return
    if st.session_state.get("review_sid") != sid:  # a new session: forget the old one's selection
        for k in ("seek", "event_pick", "moment", "comment_on", "transcript_query"):
            st.session_state.pop(k, None)
        st.session_state["review_sid"] = sid
    with ctx.store() as store:
        version = _version(store, sid)
    s = ctx.settings
    data = _cached_review(str(ctx.store_path), sid, version, s.safe_distance_m, s.too_close_m)
    with head:
        _header(data)
    _key_moments(data)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _stage(ctx, data)
    with right:
        review_panels.selected_event(ctx, data, _do, _step)
        _event_list(data)
        _transcript(data)
        review_panels.adjust_and_add(ctx, data, _do)
    review_panels.tabs(ctx, data, _do, _seek_moment)


def _header(data: ReviewData) -> None:
    s = data.session
    minutes, seconds = divmod(round(s.duration), 60)
    st.markdown(f"#### {md_text(s.trainee_name or 'Session')} · {md_text(s.scenario or 'role-play')}")
    st.caption(
        f"session \\#{s.id} · {md_text(s.date)} · {minutes}:{seconds:02d} long · {len(data.events)} events · "
        f"recording {md_text(Path(s.recording_path).name)}"
    )


def _key_moments(data: ReviewData) -> None:
    moments = key_moments(data.events, data.roles, data.distance)
    with st.container(horizontal=True, gap="small", key="key_moments"):
        st.markdown("**Key moments**")
        if not moments:
            st.caption("none yet: no escalation, distance or intervention found")
        for i, m in enumerate(moments):
            st.button(
                m.label,
                icon=m.icon,
                key=f"km_{i}",
                type="tertiary",
                on_click=(lambda m=m: _select(m.key, data)) if m.key else (lambda m=m: _seek_moment(m.t)),
            )
        if not any(m.kind == "intervention" for m in moments) and "trainee" not in data.roles.values():
            st.caption("(say who the trainee is in Roles to see their interventions)")


def _stage(ctx: Ctx, data: ReviewData) -> None:
    overlay = st.session_state.get("overlay", True)
    path = data.annotated if (overlay and data.annotated) else (data.video or data.annotated)
    message, video = None, None
    if path is None:
        message = "The recording is not on this computer any more (moved or deleted)."
    elif path.suffix.lower() in (".avi", ".mkv"):
        message = "Browsers cannot play this container: turn the skeleton overlay on (annotated.mp4)."
    else:
        stat = path.stat()
        mime = "video/webm" if path.suffix.lower() == ".webm" else "video/mp4"
        url = media_url(_video_bytes(str(path), stat.st_size, stat.st_mtime), mime)
        fps = _video_fps(str(path), stat.st_mtime)
        video = {"url": url, "fps": fps, "group": data.session.id} if url else None
    ss = st.session_state
    key = ss.get("event_pick")
    ev = data.by_key.get(key) if key else None
    seek: Seek | None = ss.get("seek")
    lane = distance_lane(data.distance, data.roles, ctx.settings.safe_distance_m, ctx.settings.too_close_m)
    stage_data = StageData(
        duration=data.session.duration,
        lanes=event_lanes(data.events, data.roles, CUES),
        series=[*([lane] if lane else []), *voice_series(data.voice, data.roles)],
        markers=note_markers(data.notes),
        selected={"key": ev.key, "start": ev.start, "end": ev.end} if ev else None,
        seek={"t": round(seek.t, 3), "nonce": ss.get("seek_nonce", 0)} if seek else None,
        video=video,
        message=message,
    )
    stage(
        stage_data.as_dict(),
        on_select=lambda: _on_stage_select(data),
        on_moment=_on_stage_moment,
        on_mark=_on_stage_mark,
    )
    st.toggle(
        "Skeleton overlay",
        value=data.annotated is not None,
        key="overlay",
        disabled=data.annotated is None or data.video is None,
        help="The analysed video: skeletons, roles, cues and distances (trainee purple, client orange)",
    )


def _event_list(data: ReviewData) -> None:
    if not data.events:
        st.info("The model found no events. Add one at the current moment below.")
        return
    keys = [e.key for e in data.events]
    table = event_table(data.events, data.roles)
    picked = st.session_state.get("event_pick")
    styled = table.style.apply(
        lambda row: [
            "background-color: rgba(29,78,216,.16)" if keys[row.name] == picked else "" for _ in row
        ],
        axis=1,
    )

    def on_pick() -> None:
        sel = st.session_state.get("event_table")
        rows = sel.selection.rows if sel is not None else []
        if rows and rows[0] < len(keys):
            _select(keys[rows[0]], data)

    st.dataframe(
        styled,
        hide_index=True,
        height=min(36 + 35 * len(keys), 250),
        key="event_table",
        selection_mode="single-row",
        on_select=on_pick,
        width="stretch",
        column_config={
            "time": st.column_config.TextColumn("time", width=52),
            "cue": st.column_config.TextColumn("cue", width=100),
            "who": st.column_config.TextColumn("who", width=96),
            "status": st.column_config.TextColumn("review", width=108),
            "confidence": st.column_config.NumberColumn(
                "conf.", format="%.2f", width=48, help="model confidence"
            ),
            "notes": st.column_config.NumberColumn("notes", width=46, help="comments on the event"),
        },
    )
