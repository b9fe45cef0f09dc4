"""The review page's panels: the selected event with its buttons and comment box, adjust/add, and the tabs
(summary, notes, roles, exports). Every word on them is plain: cue names from the catalogue, roles by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from cuedetect.colours import person_colour
from cuedetect.cue_ids import cue_label
from cuedetect.dashboard import actions
from cuedetect.dashboard.exports import EXPORT_LABELS, download_name, export_bytes, formats, mime
from cuedetect.dashboard.review_data import (
    ReviewData,
    agreement_rows,
    enough_reviewed,
    person_name,
    review_counts,
)
from cuedetect.dashboard.seek import shortcut_for
from cuedetect.dashboard.stage import STATUS_WORDS, clock, pair_who
from cuedetect.dashboard.text import md_text
from cuedetect.store.importer import ROLES
from cuedetect.store.models import CUES, PAIR_CUES

Do = Callable[..., None]


def _evidence(value: Any) -> str:
    """The model's evidence as one plain line (a string, a mapping of measures, or a list)."""
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, dict):
        parts = [
            f"{str(k).replace('_', ' ')} {v:.2f}"
            if isinstance(v, float)
            else f"{str(k).replace('_', ' ')} {v}"
            for k, v in value.items()
        ]
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value).replace("_", " ")


def selected_event(ctx: Any, data: ReviewData, do: Do, step: Callable[..., None]) -> None:
    """The selected event (cue, who, when, status, the model's evidence) and the review buttons."""
    ss = st.session_state
    key = ss.get("event_pick")
    ev = data.by_key.get(key) if key else None
    with st.container(border=True, key="selected_event"):
        if ev is None:
            st.markdown("**No event selected**")
            st.caption("Click an event on the timeline or in the list, or press N for the next one.")
        else:
            pair = ev.cue in PAIR_CUES and ev.other is not None
            who_words = (
                pair_who(ev.person, ev.other, data.roles) if pair else person_name(ev.person, data.roles)
            )
            colour = (
                "gray" if pair else _streamlit_colour(person_colour(ev.person, data.roles.get(ev.person)))
            )
            status = STATUS_WORDS.get(ev.status, ev.status)
            badge = {"confirmed": ":green-badge[✔ confirmed]", "rejected": ":red-badge[✖ rejected]"}.get(
                ev.status, ":gray-badge[○ not reviewed]"
            )
            st.markdown(
                f"**{cue_label(ev.cue)}** · :{colour}[{who_words}] · "
                f"{clock(ev.start)}–{clock(ev.end)} · {badge}",
                help=f"status: {status}",
            )
            conf = "added by a reviewer" if ev.confidence is None else f"model confidence {ev.confidence:.2f}"
            by = f" · reviewed by {md_text(', '.join(ev.reviewed_by))}" if ev.reviewed_by else ""
            st.caption(f"{conf}{by}")
            evidence = _evidence(ev.evidence)
            if evidence:
                st.caption(f"Model's evidence: {md_text(evidence, 300)}")
            reviewed, total = review_counts(data.events).get(ev.cue, (0, 0))
            note = (
                ""
                if enough_reviewed(reviewed, total)
                else " (agreement with the model shown once enough are)"
            )
            st.caption(f"{cue_label(ev.cue)}: reviewed {reviewed} of {total}{note}")
            for reviewer, _at, text in ev.comments[-2:]:
                st.caption(f"💬 {md_text(reviewer)}: {md_text(text)}")
        with st.container(horizontal=True, gap="small"):
            st.button(
                "◀ Previous",
                key="btn_prev",
                shortcut=shortcut_for("previous"),
                on_click=step,
                args=(data, -1),
            )
            st.button("Next ▶", key="btn_next", shortcut=shortcut_for("next"), on_click=step, args=(data, 1))
            if not ctx.trainee_mode:
                st.button(
                    "✔ Confirm",
                    key="btn_confirm",
                    shortcut=shortcut_for("confirm"),
                    on_click=do,
                    args=(ctx, data, "confirm", key),
                    disabled=ev is None,
                    type="primary",
                )
                st.button(
                    "✖ Reject",
                    key="btn_reject",
                    shortcut=shortcut_for("reject"),
                    on_click=do,
                    args=(ctx, data, "reject", key),
                    disabled=ev is None,
                )
        _comment(ctx, data, do, key if ev else None)


def _streamlit_colour(hex_colour: str) -> str:
    """The nearest Streamlit Markdown colour name (blue for the trainee, orange for the client)."""
    return {"#56b4e9": "blue", "#e69f00": "orange", "#009e73": "green", "#cc79a7": "violet"}.get(
        hex_colour, "gray"
    )


def _comment(ctx: Any, data: ReviewData, do: Do, key: str | None) -> None:
    ss = st.session_state
    moment = float(ss.get("moment", 0.0))
    on_event = key is not None and ss.get("comment_on", "event") == "event"
    ev = data.by_key.get(key) if key else None
    target = f"{cue_label(ev.cue)} at {clock(ev.start)}" if on_event and ev else f"the moment {clock(moment)}"
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    c1.text_input(f"Comment on {target}", key="comment_text", placeholder="what you noticed")

    def submit() -> None:
        do(ctx, data, "comment", key if on_event else None, text=ss.get("comment_text", ""), t=moment)
        ss["comment_text"] = ""

    c2.button("Save", key="btn_comment", on_click=submit, help="Save the comment")
    if key is not None:
        other = "moment" if on_event else "event"
        st.button(
            f"comment on the moment {clock(moment)} instead"
            if on_event
            else "comment on the selected event instead",
            key="btn_comment_target",
            type="tertiary",
            on_click=lambda: ss.__setitem__("comment_on", other),
        )


def adjust_and_add(ctx: Any, data: ReviewData, do: Do) -> None:
    if ctx.trainee_mode:
        return
    ss = st.session_state
    key = ss.get("event_pick")
    ev = data.by_key.get(key) if key else None
    if ev is not None:
        with st.expander("Adjust start and end of the selected event"):
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
    _add(ctx, data, do)


def _add(ctx: Any, data: ReviewData, do: Do) -> None:
    ss = st.session_state
    moment = float(ss.get("moment", 0.0))
    persons = data.persons_ids or [0]
    with st.expander(f"Add an event at the current moment ({clock(moment)})"):
        start, end = actions.add_window(moment, data.session.duration)
        c1, c2 = st.columns(2)
        cue = c1.selectbox("cue", CUES, key="add_cue", format_func=cue_label)
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
    names += [] if ctx.trainee_mode else ["Delete"]
    parts = dict(zip(names, st.tabs(names, key="review_tabs"), strict=True))
    with parts["Summary"]:
        summary(data)
    with parts["Notes"]:
        notes(data, seek)
    if "Roles" in parts:
        with parts["Roles"]:
            roles(ctx, data, do)
    with parts["Exports"]:
        exports(ctx, data)
    if "Delete" in parts:
        with parts["Delete"]:
            delete(ctx, data)


def summary(data: ReviewData) -> None:
    m = data.metrics
    d = data.distance_stats
    c = st.columns(4)
    c[0].metric("events (not rejected)", m["events"])
    c[1].metric("trainee interventions (open hands)", m["interventions"])
    c[2].metric("closest distance", f"{d['min_m']:.2f} m" if d else "–")
    c[3].metric(
        "time at a safe distance",
        f"{d['safe_pct']:.0f} %" if d else "–",
        help=d["rule"] + "; share of the time the distance was measured" if d else None,
    )
    if d:
        st.caption(
            f"{d['rule'].capitalize()}. Median distance {d['median_m']:.2f} m; under {d['too_close_m']:g} m "
            f"(too close) {d['below_too_close_pct']:.0f} % of the measured time."
        )
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
    st.markdown("**Agreement with the model**")
    table = agreement_rows(data.agreement, review_counts(data.events))
    if table.empty:
        st.caption(
            "Shown per cue once enough of its events are reviewed (all of them, or half and at least 3)."
        )
    else:
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "kappa": st.column_config.NumberColumn("kappa", format="%.2f", help="Cohen's kappa")
            },
        )
        st.caption("Kappa and agreement appear for a cue once enough of its events are reviewed.")


def notes(data: ReviewData, seek: Callable[[float], None]) -> None:
    """Comments on moments and bookmarks; selecting one plays from its moment."""
    if not data.notes:
        st.caption("No comments on moments yet: press M (or click the timeline), then write a comment.")
        return
    times = [n.t for n in data.notes]

    def on_pick() -> None:
        rows = st.session_state["notes_table"].selection.rows
        if rows and rows[0] < len(times):
            seek(times[rows[0]])

    st.dataframe(
        pd.DataFrame(
            [{"time": clock(n.t), "kind": n.kind, "by": n.reviewer, "text": n.text} for n in data.notes]
        ),
        hide_index=True,
        width="stretch",
        key="notes_table",
        on_select=on_pick,
        selection_mode="single-row",
    )
    st.caption("Select a note to play from its moment.")


def roles(ctx: Any, data: ReviewData, do: Do) -> None:
    st.caption(
        "Who is the trainee and who plays the client: the debrief numbers and colours follow these roles."
    )
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
    st.caption("The review as it stands now, for a printout, ELAN, BORIS, a spreadsheet or subtitles.")
    sid = data.session.id
    with st.container(horizontal=True, gap="small"):
        for fmt in formats():

            def make(fmt: str = fmt) -> bytes:
                with ctx.store() as store:
                    return export_bytes(store, sid, fmt, ctx.data_dir, ctx.settings.safe_distance_m)

            label, help_text = EXPORT_LABELS.get(fmt, (fmt, None))
            st.download_button(
                label,
                data=make,
                file_name=download_name(data.session, fmt),
                mime=mime(fmt),
                key=f"dl_{fmt}",
                help=help_text,
                on_click="ignore",
            )


def delete(ctx: Any, data: ReviewData) -> None:
    """Erase the session (a trainee's request, a mistaken import) after its number is typed."""
    sid = data.session.id
    st.caption(
        "Deletes this session for good: its events, reviews, comments and notes. The recording and the "
        "analysis folder stay on disk; backups made earlier still hold the session."
    )
    st.text_input(f"Type the session number ({sid}) to confirm", key="erase_confirm")

    def erase() -> None:
        try:
            with ctx.store() as store:
                message = actions.erase_session(store, sid, st.session_state.get("erase_confirm", ""))
        except Exception as exc:  # InputError from the check or the store
            st.session_state["flash"] = ("error", str(exc))
            return
        st.session_state["flash"] = ("success", message)
        st.session_state.pop("erase_confirm", None)
        st.query_params.pop("session", None)
        st.query_params["page"] = "library"

    st.button("Delete this session", key="btn_erase", type="primary", on_click=erase)
