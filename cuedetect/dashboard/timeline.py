"""The review timeline as an altair (Vega-Lite) chart spec, built from plain data (pure, testable).

Top: one lane per person and cue, bars from start to end, colour = escalation / de-escalation / context,
opacity = the model's confidence, outline = review status. Bottom: the pair distance with its uncertainty
and the safe-distance band. Clicking a bar selects it (param `event`, field `key`); clicking the distance
chart picks a moment (param `moment`, field `start`). Dragging/scrolling on the lanes zooms and pans both
charts together (param `zoom`, bound to the x scale). Nothing is fetched from the internet: the data is
inline and Streamlit bundles Vega.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

KIND_DOMAIN = ["escalation", "de-escalation", "context"]
KIND_COLOURS = ["#d1495b", "#2e9e6b", "#8d8d99"]  # red-ish, green, grey: readable for most colour vision
STATUS_DOMAIN = ["unreviewed", "confirmed", "rejected"]
STATUS_STROKES = ["#ffffff", "#1f1f1f", "#b0b0b0"]
SELECTED_STROKE = "#1d4ed8"  # the selected bar: a thick blue outline, whatever its status
EVENT_PARAM = "event"
MOMENT_PARAM = "moment"
ZOOM_PARAM = "zoom"
SELECTED_PARAM = "selected_key"
LANE_HEIGHT = 22
# m:ss, with tenths when the ticks are closer than a second (short clips)
TIME_LABEL = (
    "format(floor(datum.value / 60), 'd') + ':' + format(datum.value % 60, datum.value % 1 ? '04.1f' : '02d')"
)


def timeline_chart(
    lanes: list[str],
    duration: float,
    safe_m: float,
    too_close_m: float,
    max_distance_m: float | None = None,
    width: int = 760,
) -> alt.VConcatChart:
    """The whole timeline: lanes above, distance below, sharing one zoomable time axis.

    The rows come from named datasets (`events`, `distance`, `cursor`) that `timeline_spec` fills, and the
    selected bar from the variable param `selected_key`, so a click only patches the spec (`place`).
    """
    domain = [0.0, max(float(duration), 0.1)]
    zoom = alt.selection_interval(name=ZOOM_PARAM, bind="scales", encodings=["x"])
    pick = alt.selection_point(name=EVENT_PARAM, fields=["key"], on="click", clear="dblclick")
    chosen = alt.param(name=SELECTED_PARAM, value="")
    x = alt.X(
        "start:Q",
        title=None,
        scale=alt.Scale(domain=domain, nice=False),
        axis=alt.Axis(labels=False, ticks=False, title=None),
    )
    bars = (
        alt.Chart(alt.NamedData(name="events"))
        .mark_bar(cornerRadius=3, height=LANE_HEIGHT - 6, strokeWidth=1.5)
        .encode(
            x=x,
            x2="end:Q",
            y=alt.Y("lane:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=240)),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=KIND_DOMAIN, range=KIND_COLOURS),
                legend=alt.Legend(orient="top", title=None, direction="horizontal"),
            ),
            opacity=alt.Opacity("confidence:Q", scale=alt.Scale(domain=[0, 1], range=[0.25, 1]), legend=None),
            stroke=alt.Stroke(
                "status:N",
                scale=alt.Scale(domain=STATUS_DOMAIN, range=STATUS_STROKES),
                legend=alt.Legend(orient="top", title="review", direction="horizontal"),
            ),
            strokeDash=alt.condition("datum.status == 'rejected'", alt.value([3, 2]), alt.value([1, 0])),
            description=alt.Description("aria:N"),
            tooltip=[
                alt.Tooltip("cue:N"),
                alt.Tooltip("lane:N", title="who"),
                alt.Tooltip("start:Q", format=".1f"),
                alt.Tooltip("end:Q", format=".1f"),
                alt.Tooltip("confidence:Q", format=".2f"),
                alt.Tooltip("status:N"),
            ],
        )
        .add_params(pick, zoom, chosen)
        .properties(height=max(LANE_HEIGHT * max(len(lanes), 1), 60), width=width)
    )
    # The selected bar: a thick blue outline drawn over it (a layer, so no legend picks the colour up).
    outline = (
        alt.Chart(alt.NamedData(name="events"))
        .transform_filter(f"datum.key == {SELECTED_PARAM}")
        .mark_bar(height=LANE_HEIGHT - 2, filled=False, stroke=SELECTED_STROKE, strokeWidth=3, cornerRadius=4)
        .encode(x=x, x2="end:Q", y=alt.Y("lane:N", sort=lanes))
    )
    top = alt.layer(bars, outline, _cursor())
    bottom = distance_chart(domain, safe_m, too_close_m, max_distance_m, width)
    return (
        alt.vconcat(top, bottom, spacing=6)
        .resolve_scale(x="shared", color="independent")
        .configure_view(stroke=None)
    )


def _aria(row: dict) -> str:
    """A bar's aria-label: screen readers read it, and browser tests find bars by it."""
    return f"event {row['key']} {row['cue']} at {row['start']:.1f} s, {row['status']}"


def timeline_spec(
    events: pd.DataFrame,
    lanes: list[str],
    distance: pd.DataFrame,
    duration: float,
    safe_m: float,
    too_close_m: float,
    width: int = 760,
) -> dict[str, Any]:
    """The Vega-Lite spec with its data inline (built once per session state; see `place`)."""
    max_m = float(distance["hi"].max()) if len(distance) else None
    chart = timeline_chart(lanes, duration, safe_m, too_close_m, max_m, width)
    spec = chart.to_dict(validate=False)  # validated in the unit tests; skipping it here saves ~0.2-1 s
    records = events.to_dict("records")
    for row in records:
        row["aria"] = _aria(row)
        if row.get("other") is not None and row["other"] != row["other"]:  # NaN from pandas
            row["other"] = None
    spec["datasets"] = {
        **spec.get("datasets", {}),
        "events": records,
        "distance": distance.rename(columns={"t": "start"}).to_dict("records"),
        "cursor": [],
    }
    return spec


def place(spec: dict[str, Any], cursor_t: float | None, selected: str | None) -> dict[str, Any]:
    """A copy of `spec` with the time cursor at `cursor_t` and the bar `selected` outlined."""
    out = dict(spec)
    out["datasets"] = {**spec["datasets"], "cursor": [] if cursor_t is None else [{"start": float(cursor_t)}]}
    out["params"] = [
        {**p, "value": selected or ""} if p.get("name") == SELECTED_PARAM else p
        for p in spec.get("params", [])
    ]
    return out


def _cursor() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="cursor")).mark_rule(color="#3b6fd6", strokeWidth=2).encode(x="start:Q")
    )


def distance_chart(
    domain: list[float], safe_m: float, too_close_m: float, max_m: float | None, width: int
) -> alt.LayerChart:
    """Pair distance (m, dataset `distance`) over time, shaded below the safe distance; a click picks a
    moment (`moment`). `max_m` is the largest distance shown, None when there is no distance."""
    top_m = max(max_m or 0.0, safe_m * 1.5, 2.0)
    # The x scale is shared with the lanes (vconcat resolve), so zooming the lanes zooms this too.
    x = alt.X("start:Q", title="time (m:ss)", axis=alt.Axis(labelExpr=TIME_LABEL))
    y_scale = alt.Scale(domain=[0, round(top_m, 1)])
    bands = [
        {"lo": 0.0, "hi": too_close_m, "zone": "too close"},
        {"lo": too_close_m, "hi": safe_m, "zone": "below safe distance"},
    ]
    band = (
        alt.Chart(alt.Data(values=bands))
        .mark_rect(opacity=0.16)
        .encode(
            y=alt.Y("lo:Q", scale=y_scale, title="distance (m)"),
            y2="hi:Q",
            color=alt.Color(
                "zone:N",
                scale=alt.Scale(domain=["too close", "below safe distance"], range=["#d1495b", "#f2a541"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
        )
    )
    safe_rule = (
        alt.Chart(alt.Data(values=[{"y": safe_m}]))
        .mark_rule(strokeDash=[4, 3], color="#b07a1a")
        .encode(y=alt.Y("y:Q", scale=y_scale))
    )
    layers: list[alt.Chart] = [band, safe_rule]
    if max_m is not None:
        moment = alt.selection_point(
            name=MOMENT_PARAM, fields=["start"], on="click", nearest=True, clear="dblclick"
        )
        base = alt.Chart(alt.NamedData(name="distance")).encode(x=x)
        layers += [
            base.mark_area(opacity=0.18, color="#3b6fd6").encode(
                y=alt.Y("lo:Q", scale=y_scale), y2="hi:Q", detail="pair:N"
            ),
            base.mark_line(color="#3b6fd6", strokeWidth=1.6).encode(
                y=alt.Y("distance_m:Q", scale=y_scale),
                detail="pair:N",
                tooltip=[
                    alt.Tooltip("start:Q", title="t (s)", format=".1f"),
                    "pair:N",
                    alt.Tooltip("distance_m:Q", title="distance (m)", format=".2f"),
                ],
            ),
            base.mark_point(opacity=0, size=60)
            .encode(y=alt.Y("distance_m:Q", scale=y_scale))
            .add_params(moment),
        ]
    else:
        layers.append(
            alt.Chart(alt.Data(values=[{"start": t} for t in domain])).mark_point(opacity=0).encode(x=x)
        )
    layers.append(_cursor().encode(x=x))
    return alt.layer(*layers).properties(height=110, width=width)
