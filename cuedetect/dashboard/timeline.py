"""The review timeline as an altair (Vega-Lite) chart spec, built from plain data (pure, testable).

Top: one lane per person and cue, bars from start to end, colour = escalation / de-escalation / context,
opacity = the model's confidence, outline = review status. Bottom: the pair distance with its uncertainty
and the safe-distance band. Clicking a bar selects it (param `event`, field `key`); clicking the distance
chart picks a moment (param `moment`, field `t`). Dragging/scrolling on the lanes zooms and pans both
charts together (param `zoom`, bound to the x scale). Nothing is fetched from the internet: the data is
inline and Streamlit bundles Vega.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

KIND_DOMAIN = ["escalation", "de-escalation", "context"]
KIND_COLOURS = ["#d1495b", "#2e9e6b", "#8d8d99"]  # red-ish, green, grey: readable for most colour vision
STATUS_DOMAIN = ["unreviewed", "confirmed", "rejected"]
STATUS_STROKES = ["#ffffff", "#1f1f1f", "#b0b0b0"]
EVENT_PARAM = "event"
MOMENT_PARAM = "moment"
ZOOM_PARAM = "zoom"
LANE_HEIGHT = 22
# m:ss, with tenths when the ticks are closer than a second (short clips)
TIME_LABEL = (
    "format(floor(datum.value / 60), 'd') + ':' + format(datum.value % 60, datum.value % 1 ? '04.1f' : '02d')"
)


def timeline_chart(
    events: pd.DataFrame,
    lanes: list[str],
    distance: pd.DataFrame,
    duration: float,
    safe_m: float,
    too_close_m: float,
    cursor_t: float | None = None,
    selected: str | None = None,
    width: int = 760,
) -> alt.VConcatChart:
    """The whole timeline: lanes above, distance below, sharing one zoomable time axis."""
    domain = [0.0, max(float(duration), 0.1)]
    zoom = alt.selection_interval(name=ZOOM_PARAM, bind="scales", encodings=["x"])
    pick = alt.selection_point(name=EVENT_PARAM, fields=["key"], on="click", clear="dblclick")
    x = alt.X(
        "start:Q",
        title=None,
        scale=alt.Scale(domain=domain, nice=False),
        axis=alt.Axis(labels=False, ticks=False, title=None),
    )
    if len(events):
        # `aria` becomes each bar's aria-label: screen readers read it, and browser tests find bars by it.
        data = events.assign(
            selected=events["key"] == selected,
            aria="event "
            + events["key"]
            + " "
            + events["cue"]
            + " at "
            + events["start"].map("{:.1f} s".format)
            + ", "
            + events["status"],
        )
    else:
        data = events
    bars = (
        alt.Chart(data if len(data) else pd.DataFrame({"start": [], "end": [], "lane": []}))
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
            strokeWidth=alt.condition("datum.selected", alt.value(3.5), alt.value(1.5)),
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
        .add_params(pick, zoom)
        .properties(height=max(LANE_HEIGHT * max(len(lanes), 1), 60), width=width)
    )
    layers: list[alt.Chart] = [bars]
    if cursor_t is not None:
        layers.append(_cursor(cursor_t))
    top = alt.layer(*layers)
    bottom = distance_chart(distance, domain, safe_m, too_close_m, cursor_t, width)
    return (
        alt.vconcat(top, bottom, spacing=6)
        .resolve_scale(x="shared", color="independent")
        .configure_view(stroke=None)
    )


def _cursor(t: float) -> alt.Chart:
    return (
        alt.Chart(pd.DataFrame({"start": [t]})).mark_rule(color="#3b6fd6", strokeWidth=2).encode(x="start:Q")
    )


def distance_chart(
    distance: pd.DataFrame,
    domain: list[float],
    safe_m: float,
    too_close_m: float,
    cursor_t: float | None,
    width: int,
) -> alt.LayerChart:
    """Pair distance (m) over time, shaded below the safe distance; click picks a moment (`moment`)."""
    top_m = max(float(distance["hi"].max()) if len(distance) else 0.0, safe_m * 1.5, 2.0)
    # The x scale is shared with the lanes (vconcat resolve), so zooming the lanes zooms this too.
    x = alt.X("start:Q", title="time (m:ss)", axis=alt.Axis(labelExpr=TIME_LABEL))
    y_scale = alt.Scale(domain=[0, round(top_m, 1)])
    bands = pd.DataFrame(
        {"lo": [0.0, too_close_m], "hi": [too_close_m, safe_m], "zone": ["too close", "below safe distance"]}
    )
    band = (
        alt.Chart(bands)
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
        alt.Chart(pd.DataFrame({"y": [safe_m]}))
        .mark_rule(strokeDash=[4, 3], color="#b07a1a")
        .encode(y=alt.Y("y:Q", scale=y_scale))
    )
    layers: list[alt.Chart] = [band, safe_rule]
    if len(distance):
        d = distance.rename(columns={"t": "start"})
        moment = alt.selection_point(
            name=MOMENT_PARAM, fields=["start"], on="click", nearest=True, clear="dblclick"
        )
        base = alt.Chart(d).encode(x=x)
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
        layers.append(alt.Chart(pd.DataFrame({"start": domain})).mark_point(opacity=0).encode(x=x))
    if cursor_t is not None:
        layers.append(_cursor(cursor_t).encode(x=x))
    return alt.layer(*layers).properties(height=110, width=width)
