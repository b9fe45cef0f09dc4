"""A trainee's progress across sessions: the table and altair charts, each point linked to its session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

MEASURES: dict[str, str] = {
    "client_escalation_per_min_after_interventions": "client escalation after interventions (per min)",
    "client_escalation_per_min_otherwise": "client escalation at other times (per min)",
    "safe_distance_pct": "time at a safe distance (%)",
    "open_hands_pct": "time with open hands (%)",
    "confirmed": "events confirmed (count)",
}
# Each chart's unit (its y axis) and number format: no "0.000000" axes.
UNITS: dict[str, tuple[str, str, list[float] | None]] = {
    "client_escalation_per_min_after_interventions": ("cues per minute", ".1f", None),
    "client_escalation_per_min_otherwise": ("cues per minute", ".1f", None),
    "safe_distance_pct": ("% of measured time", "d", [0, 100]),
    "open_hands_pct": ("% of the session", "d", [0, 100]),
    "confirmed": ("events", "d", None),
}


def table_columns(df: pd.DataFrame) -> pd.DataFrame:
    """The progress table with the measures under their plain names (session, date and open stay)."""
    return df.rename(columns=MEASURES)


SESSION_PARAM = "session"


def review_link(session_id: int, trainee_mode: bool = False) -> str:
    """The page address of a session's review (works as a link from any page)."""
    return f"?page=review&session={int(session_id)}" + ("&mode=trainee" if trainee_mode else "")


def progress_frame(rows: Sequence[dict[str, Any]], trainee_mode: bool = False) -> pd.DataFrame:
    """`store.summary.progress` rows as a table with a link to each session, oldest first."""
    cols = ["session", "date", "scenario", *MEASURES, "open"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame([{k: r.get(k) for k in cols if k != "open"} for r in rows])
    df["open"] = [review_link(s, trainee_mode) for s in df["session"]]
    return df[cols]


def long_frame(df: pd.DataFrame) -> pd.DataFrame:
    """One row per session and measure (measures without a value are left out)."""
    if df.empty:
        return pd.DataFrame(columns=["session", "date", "label", "measure", "value", "open"])
    long = df.melt(
        id_vars=["session", "date", "open"], value_vars=list(MEASURES), var_name="measure", value_name="value"
    ).dropna(subset=["value"])
    long["measure"] = long["measure"].map(MEASURES)
    long["label"] = long["date"].astype(str) + " #" + long["session"].astype(str)
    return long.reset_index(drop=True)


def progress_chart(df: pd.DataFrame, width: int | str = "container") -> alt.ConcatChart:
    """Small multiples: one chart per measure across sessions, each with its unit on the y axis; click a
    point to select its session."""
    long = long_frame(df)
    pick = alt.selection_point(name=SESSION_PARAM, fields=["session"], on="click")
    views: list[str] = []
    order = long["label"].drop_duplicates().tolist()
    charts = []
    for k, (measure, title) in enumerate(MEASURES.items()):
        unit, fmt, domain = UNITS[measure]
        rows = long[long["measure"] == title]
        top = float(rows["value"].max()) if len(rows) else 0.0
        scale = alt.Scale(domain=domain) if domain else alt.Scale(domainMin=0, domainMax=max(top * 1.15, 1.0))
        base = alt.Chart(rows).encode(
            x=alt.X("label:N", sort=order, title="session", axis=alt.Axis(labelAngle=-30)),
            y=alt.Y(
                "value:Q",
                title=unit,
                scale=scale,
                axis=alt.Axis(format=fmt, tickMinStep=1 if fmt == "d" else 0.1),
            ),
            tooltip=["label:N", alt.Tooltip("value:Q", title=unit, format=".1f")],
        )
        line = base.mark_line(color="#3b6fd6")
        views.append(f"points_{k}")
        points = (
            base.mark_point(filled=True, size=90, color="#3b6fd6")
            .encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)))
            .properties(name=views[-1])
        )
        charts.append(
            alt.layer(line, points).properties(
                title=alt.TitleParams(title, anchor="start", fontSize=13),
                width=width if width != "container" else 320,
                height=140,
            )
        )
    # One click selection shared by every measure's points, declared once at the top (adding it to each
    # chart makes Altair deduplicate it with a warning).
    shared = alt.TopLevelSelectionParameter(
        name=SESSION_PARAM,
        select=alt.PointSelectionConfig(type="point", fields=["session"], on="click"),
        views=views,
    )
    return alt.concat(*charts, columns=2, params=[shared])


def picked_session(state: Any) -> int | None:
    """The session a click on the progress chart selected, or None."""
    if not isinstance(state, dict):
        try:
            state = dict(state)
        except (TypeError, ValueError):
            return None
    sel = (state.get("selection") or {}).get(SESSION_PARAM)
    if isinstance(sel, list) and sel and isinstance(sel[0], dict) and "session" in sel[0]:
        try:
            return int(sel[0]["session"])
        except (TypeError, ValueError):
            return None
    return None
