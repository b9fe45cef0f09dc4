"""The review page's action panel (beside the event list) and its tabs: summary, roles, notes, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from cuedetect.dashboard import actions
from cuedetect.dashboard.exports import export_bytes, file_name, formats, mime
from cuedetect.dashboard.review_data import ReviewData, agreement_rows, person_name
from cuedetect.dashboard.seek import shortcut_for
from cuedetect.store.importer import ROLES
from cuedetect.store.models import CUES, PAIR_CUES

Do = Callable[..., None]


def event_actions(
    ctx: Any, data: ReviewData, do: Do, step: Callable[..., None], select: Callable[..., None]
) -> None:
    """Jump / next / previous / confirm / reject / adjust / comment for the selected event, and add."""
    ss = st.session_state
    key = ss.get("event_pick")
    ev = data.by_key.get(key) if key else None
    cols = st.columns(3)
    cols[0].button(
        "◀ Previous",
        key="btn_prev",
        shortcut=shortcut_for("previous"),
        on_click=step,
        args=(data, -1),
        width="stretch",
    )
    cols[1].button(
        "Jump to it",
        key="btn_jump",
        on_click=select,
        args=(key, data),
        disabled=ev is None,
        width="stretch",
    )
    cols[2].button(
        "Next ▶",
        key="btn_next",
        shortcut=shortcut_for("next"),
        on_click=step,
        args=(data, 1),
        width="stretch",
    )
    if not ctx.trainee_mode:
        cols = st.columns(2)
        cols[0].button(
            "✔ Confirm",
            key="btn_confirm",
            shortcut=shortcut_for("confirm"),
            on_click=do,
            args=(ctx, data, "confirm", key),
            disabled=ev is None,
            type="primary",
            width="stretch",
        )
        cols[1].button(
            "✖ Reject",
            key="btn_reject",
            shortcut=shortcut_for("reject"),
            on_click=do,
            args=(ctx, data, "reject", key),
            disabled=ev is None,
            width="stretch",
        )
    if ev is not None:
        by = f", reviewed by {', '.join(ev.reviewed_by)}" if ev.reviewed_by else ""
        st.caption(
            f"**{ev.cue}** · {person_name(ev.person, data.roles)} · {ev.start:.2f}-{ev.end:.2f} s · "
            f"{ev.status}{by}" + (f" · confidence {ev.confidence:.2f}" if ev.confidence else "")
        )
        for who, _at, text in ev.comments[-3:]:
            st.caption(f"💬 {who}: {text}")
    if ev is not None and not ctx.trainee_mode:
        with st.expander("Adjust start and end"):
            c1, c2 = st.columns(2)
            c1.number_input("start (s)", 0.0, data.session.duration, float(ev.start), 0.1, key=f"adj_s_{key}")
            c2.number_input("end (s)", 0.0, data.session.duration, float(ev.end), 0.1, key=f"adj_e_{key}")
            st.button(
                "Save bounds",
                key="btn_adjust",
                on_click=lambda: do(
                    ctx, data, "adjust", key, start=ss[f"adj_s_{key}"], end=ss[f"adj_e_{key}"]
                ),
            )
    _comment(ctx, data, do, key)
    if not ctx.trainee_mode:
        _add(ctx, data, do)


def _comment(ctx: Any, data: ReviewData, do: Do, key: str | None) -> None:
    moment = float(st.session_state.get("moment", 0.0))
    target = "the selected event" if key else f"the moment {moment:.1f} s"
    st.text_input(f"Comment on {target}", key="comment_text", placeholder="what you noticed")

    def submit() -> None:
        do(ctx, data, "comment", key, text=st.session_state.get("comment_text", ""), t=moment)
        st.session_state["comment_text"] = ""

    st.button("Save comment", key="btn_comment", on_click=submit)


def _add(ctx: Any, data: ReviewData, do: Do) -> None:
    ss = st.session_state
    moment = float(ss.get("moment", 0.0))
    persons = data.persons_ids or [0]
    with st.expander(f"Add an event at the current moment ({moment:.1f} s)"):
        start, end = actions.add_window(moment, data.session.duration)
        c1, c2 = st.columns(2)
        cue = c1.selectbox("cue", CUES, key="add_cue")
        c2.selectbox("person", persons, key="add_person", format_func=lambda p: person_name(p, data.roles))
        if cue in PAIR_CUES:
            st.selectbox(
                "other person",
                persons,
                key="add_other",
                index=min(1, len(persons) - 1),
                format_func=lambda p: person_name(p, data.roles),
            )
        c3, c4 = st.columns(2)
        c3.number_input("start (s)", 0.0, data.session.duration, start, 0.1, key=f"add_s_{moment}")
        c4.number_input("end (s)", 0.0, data.session.duration, end, 0.1, key=f"add_e_{moment}")

        def submit() -> None:
            ev = actions.NewEvent(
                ss["add_cue"],
                int(ss["add_person"]),
                ss.get("add_other") if ss["add_cue"] in PAIR_CUES else None,
                float(ss[f"add_s_{moment}"]),
                float(ss[f"add_e_{moment}"]),
            )
            do(ctx, data, "add", None, ev=ev, persons=persons, duration=data.session.duration)

        st.button("Add event", key="btn_add", on_click=submit)


def tabs(ctx: Any, data: ReviewData, do: Do, seek: Callable[[float], None]) -> None:
    names = ["Summary", "Notes"] + ([] if ctx.trainee_mode else ["Roles"]) + ["Exports"]
    parts = dict(zip(names, st.tabs(names), strict=True))
    with parts["Summary"]:
        summary(data)
    with parts["Notes"]:
        notes(data, seek)
    if "Roles" in parts:
        with parts["Roles"]:
            roles(ctx, data, do)
    with parts["Exports"]:
        exports(ctx, data)


def summary(data: ReviewData) -> None:
    m = data.metrics
    d = data.distance_stats
    c = st.columns(4)
    c[0].metric("events (not rejected)", m["events"])
    c[1].metric("interventions (open hands)", m["interventions"])
    c[2].metric("closest distance", f"{d['min_m']:.2f} m" if d else "–")
    c[3].metric("time below safe distance", f"{d['below_safe_pct']:.0f} %" if d else "–")
    rate_after = m["client_escalation_per_min_after_interventions"]
    rate_else = m["client_escalation_per_min_otherwise"]
    if rate_after is not None or rate_else is not None:
        st.caption(
            f"Client escalation cues per minute: {rate_after if rate_after is not None else '–'} in the "
            f"{m['window_s']:.0f} s after the trainee's interventions, "
            f"{rate_else if rate_else is not None else '–'} otherwise."
        )
    st.markdown("**Per person: events and time per cue**")
    st.dataframe(data.persons, hide_index=True, width="stretch")
    if d:
        st.caption(
            f"Distance: median {d['median_m']:.2f} m, below the safe distance ({d['safe_distance_m']} m) "
            f"{d['below_safe_pct']:.0f} % of the measured time, below {d['too_close_m']} m "
            f"{d['below_too_close_pct']:.0f} %."
        )
    st.markdown("**Agreement with the model**")
    if not data.agreement:
        st.caption("Shown once events are reviewed (confirmed, rejected, adjusted or added).")
    else:
        table = agreement_rows(data.agreement)
        st.dataframe(table, hide_index=True, width="stretch")


def notes(data: ReviewData, seek: Callable[[float], None]) -> None:
    """Comments on moments and bookmarks; selecting one plays from its moment."""
    if not data.notes:
        st.caption("No comments on moments yet: comment with no event selected to note a moment.")
        return
    times = [n.t for n in data.notes]

    def on_pick() -> None:
        rows = st.session_state["notes_table"].selection.rows
        if rows and rows[0] < len(times):
            seek(times[rows[0]])

    st.dataframe(
        pd.DataFrame(
            [{"t (s)": round(n.t, 1), "kind": n.kind, "by": n.reviewer, "text": n.text} for n in data.notes]
        ),
        hide_index=True,
        width="stretch",
        key="notes_table",
        on_select=on_pick,
        selection_mode="single-row",
    )
    st.caption("Select a note to play from its moment.")


def roles(ctx: Any, data: ReviewData, do: Do) -> None:
    st.caption("Who is the trainee and who plays the client: the debrief numbers follow these roles.")
    cols = st.columns(max(len(data.persons_ids), 1))
    for col, p in zip(cols, data.persons_ids, strict=False):
        col.selectbox(f"P{p}", ROLES, index=ROLES.index(data.roles.get(p, "unknown")), key=f"role_{p}")

    def save() -> None:
        wanted = {p: st.session_state[f"role_{p}"] for p in data.persons_ids}
        try:
            with ctx.store() as store:
                message = actions.set_roles(store, data.session.id, data.roles, wanted, ctx.reviewer)
            st.session_state["flash"] = ("success", message)
        except Exception as exc:  # InputError from the checks or the store
            st.session_state["flash"] = ("error", str(exc))

    st.button("Save roles", key="btn_roles", on_click=save)


def exports(ctx: Any, data: ReviewData) -> None:
    st.caption("Every format of `cuedetect export`, with the review state as it is now.")
    sid = data.session.id
    cols = st.columns(len(formats()))
    for col, fmt in zip(cols, formats(), strict=True):

        def make(fmt: str = fmt) -> bytes:
            with ctx.store() as store:
                return export_bytes(store, sid, fmt, ctx.data_dir)

        col.download_button(
            fmt.upper(),
            data=make,
            file_name=file_name(sid, fmt),
            mime=mime(fmt),
            key=f"dl_{fmt}",
            width="stretch",
            on_click="ignore",
        )
