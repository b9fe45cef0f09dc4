"""A self-contained HTML debrief report: facts, numbers, a timeline, confirmed moments, comments.

When the analysis kept a transcript, each confirmed moment shows what was said around it (`SAID_AROUND_S`
either side), cue phrases marked, and a "What was said" section lists the whole transcript.

One file with everything inline (CSS, an SVG timeline, JPEG thumbnails as data URIs), no scripts and
no network: it opens anywhere, and prints to PDF from the browser (print styles included).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import cue_kind, cue_label
from cuedetect.export.rows import SessionExport, person_label
from cuedetect.export.thumbnails import data_uri, grab_jpegs
from cuedetect.io_atomic import atomic_open
from cuedetect.safe_distance import DEFAULT_SAFE_M, safe_distance_rule

COLOURS = {"escalation": "#c0392b", "de-escalation": "#1e8449", "context": "#7f8c8d"}
CSS = """
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
body { max-width: 960px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.92em; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th { background: #f5f5f5; }
.facts th { width: 28%; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 10px 12px; }
.card .num { font-size: 1.6em; font-weight: 600; } .card .lbl { color: #555; font-size: 0.85em; }
.event { display: grid; grid-template-columns: 240px 1fr; gap: 12px; border: 1px solid #e5e5e5;
         border-radius: 8px; padding: 8px; margin-bottom: 10px; }
.event img { width: 240px; border-radius: 4px; } .noimg { width: 240px; height: 135px; background: #eee;
         display: flex; align-items: center; justify-content: center; color: #777; font-size: 0.85em; }
.tag { display: inline-block; padding: 0 6px; border-radius: 4px; color: #fff; font-size: 0.8em; }
.said { margin: 4px 0 0; padding-left: 0; list-style: none; font-size: 0.92em; }
.said li { margin: 2px 0; } .said .who { font-weight: 600; } .said .t { color: #666; }
mark { background: #fde68a; padding: 0 2px; border-radius: 3px; }
.unsure { color: #666; font-style: italic; }
.muted { color: #666; } footer { margin-top: 32px; color: #777; font-size: 0.8em; }
svg text { font-family: inherit; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; }
  .event, .card, table, svg { break-inside: avoid; } h2 { break-after: avoid; }
}
"""


def _fmt_t(t: float) -> str:
    m, s = divmod(max(t, 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def _num(value: Any, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def timeline_svg(data: SessionExport, width: int = 920) -> str:
    """Rows per person and cue, bars per event (solid: confirmed, pale: unreviewed), bookmarks on top."""
    events = data.present()
    rows = sorted({(e.person, e.cue) for e in events})
    label_w, row_h, top = 190, 20, 22
    duration = max(data.session.duration, 1e-6)
    plot_w = width - label_w - 10
    height = top + row_h * max(len(rows), 1) + 24

    def x(t: float) -> float:
        return label_w + plot_w * min(max(t, 0.0), duration) / duration

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="timeline of cues"><rect width="{width}" height="{height}" fill="#fff"/>'
    ]
    step = next(s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1e9) if duration / s <= 12)
    t = 0.0
    while t <= duration + 1e-9:
        anchor = "end" if x(t) > width - 30 else "middle"
        parts.append(
            f'<line x1="{x(t):.1f}" y1="{top - 4}" x2="{x(t):.1f}" y2="{height - 20}" stroke="#eee"/>'
            f'<text x="{x(t):.1f}" y="{height - 6}" font-size="11" text-anchor="{anchor}" fill="#666">'
            f"{_fmt_t(t)}</text>"
        )
        t += step
    for i, (person, cue) in enumerate(rows):
        y = top + i * row_h
        role = data.state.roles.get(person, "unknown")
        parts.append(
            f'<text x="4" y="{y + 14}" font-size="12" fill="#333">{escape(person_label(person))} '
            f"({escape(role)}) {escape(cue_label(cue))}</text>"
        )
        for e in (e for e in events if (e.person, e.cue) == (person, cue)):
            w = max(x(e.end) - x(e.start), 2.0)
            opacity = "1" if e.status == "confirmed" else "0.35"
            parts.append(
                f'<rect x="{x(e.start):.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" rx="3" '
                f'fill="{COLOURS[cue_kind(e.cue)]}" fill-opacity="{opacity}">'
                f"<title>{escape(cue_label(e.cue))} {_fmt_t(e.start)}-{_fmt_t(e.end)} "
                f"({e.status})</title></rect>"
            )
    for note in data.state.notes:
        parts.append(
            f'<path d="M{x(note.t):.1f},{top - 4} l-5,-8 h10 z" fill="#2e86c1">'
            f"<title>{escape(note.kind)} {_fmt_t(note.t)}: {escape(note.text)}</title></path>"
        )
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 14}" font-size="12" fill="#777">no events</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cards(data: SessionExport) -> str:
    m = data.summary.get("metrics", {})
    counts = {"confirmed": 0, "unreviewed": 0, "rejected": 0}
    for e in data.state.events:
        counts[e.status] += 1
    cards = [
        (
            f"{counts['confirmed']} / {counts['unreviewed']} / {counts['rejected']}",
            "events confirmed / unreviewed / rejected",
        ),
        (
            _num(m.get("client_escalation_per_min_after_interventions"), "/min"),
            f"client escalation cues per minute within {_num(m.get('window_s'), ' s', 0)} after the "
            "trainee's "
            "de-escalation cues",
        ),
        (
            _num(m.get("client_escalation_per_min_otherwise"), "/min"),
            "client escalation cues per minute otherwise",
        ),
        (
            _num(m.get("safe_distance_pct"), " %", 0),
            escape(safe_distance_rule(m.get("safe_distance_m") or DEFAULT_SAFE_M))
            + ": share of the measured time at it",
        ),
        (_num(m.get("open_hands_s"), " s"), "trainee's time with open hands"),
    ]
    for pair in data.summary.get("agreement", {}).get("pairs", []):
        overall = pair["per_cue"].get("overall", {})
        cards.append(
            (
                _num(overall.get("kappa"), "", 2),
                f"Cohen's kappa, {escape(pair['a'])} vs {escape(pair['b'])} "
                f"({_num(overall.get('percent'), '%')})",
            )
        )
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="num">{escape(str(n))}</div><div class="lbl">{lbl}</div></div>'
            for n, lbl in cards
        )
        + "</div>"
    )


def _agreement_table(data: SessionExport) -> str:
    pairs = data.summary.get("agreement", {}).get("pairs", [])
    if not pairs:
        return '<p class="muted">No reviewer has confirmed, adjusted or added events yet.</p>'
    rows = "".join(
        f"<tr><td>{escape(p['a'])} vs {escape(p['b'])}</td><td>{escape(cue_label(cue))}</td>"
        f"<td>{_num(a['kappa'], '', 2)}</td>"
        f"<td>{_num(a['percent'], '%')}</td>"
        f"<td>{a['positive_a']} / {a['positive_b']} of {a['bins']}</td></tr>"
        for p in pairs
        for cue, a in p["per_cue"].items()
    )
    bin_s = data.summary.get("agreement", {}).get("bin_s", 0.5)
    return (
        f'<p class="muted">On a {bin_s} s grid, per person: presence or absence of each cue.</p>'
        "<table><tr><th>codings</th><th>cue</th><th>kappa</th><th>agreement</th>"
        f"<th>bins with the cue (a / b)</th></tr>{rows}</table>"
    )


def _voice_section(data: SessionExport) -> str:
    """When voices rose and who calmed it (from the events not rejected)."""
    from cuedetect.voice.story import voice_story

    lines = voice_story(data.present(), data.state.roles)
    if not lines:
        return ""
    items = "".join(f"<li>{escape(x)}</li>" for x in lines)
    return f"<section><h2>Tone of voice</h2><ul>{items}</ul></section>"


SAID_AROUND_S = 4.0
UNSURE = "the recogniser was unsure of this word"


def said_html(said: list[Any]) -> str:
    """Utterances as a list: time, speaker, the words; words of a verbal cue in <mark> (cue as title)."""
    from cuedetect.export.transcript import Utterance

    def word(w: Any) -> str:
        text = escape(w.text)
        if w.uncertain:
            text = f'<span class="unsure" title="{UNSURE}">{escape(w.marked)}</span>'
        return f'<mark title="{escape(cue_label(w.cue))}">{text}</mark>' if w.cue else text

    def words(u: Utterance) -> str:
        return " ".join(word(w) for w in u.words)

    items = "".join(
        f'<li><span class="t">{_fmt_t(u.start)}</span> <span class="who">{escape(u.speaker)}</span>: '
        f"{words(u)}</li>"
        for u in said
    )
    return f'<ul class="said">{items}</ul>' if items else ""


def _transcript_section(data: SessionExport, said: list[Any]) -> str:
    if not said:
        note = data.transcript_note or "No transcript."
        return f'<section><h2>What was said</h2><p class="muted">{escape(note)}</p></section>'
    return (
        '<section><h2>What was said</h2><p class="muted">The recogniser\'s words (they can be wrong); '
        f"marked: words of a verbal cue.</p>{said_html(said)}</section>"
    )


def render_html(data: SessionExport, thumbnails: bool = True) -> str:
    s = data.session
    confirmed = [e for e in data.state.events if e.status == "confirmed"]
    mids = {e.key: round((e.start + e.end) / 2, 3) for e in confirmed}
    jpegs = grab_jpegs(Path(s.recording_path), mids.values()) if thumbnails else {}
    roles = ", ".join(f"{person_label(p)}: {r}" for p, r in sorted(data.state.roles.items())) or "n/a"
    facts = [
        ("Date", s.date),
        ("Scenario", s.scenario or "n/a"),
        ("Trainee", s.trainee_name or "n/a"),
        ("Instructor", s.instructor or "n/a"),
        ("Recording", Path(s.recording_path).name),
        ("Duration", _fmt_t(s.duration)),
        ("Persons", roles),
        ("Model", str(data.summary.get("model_version") or "n/a")),
        ("Reviewers", ", ".join(data.summary.get("reviewers", [])) or "none yet"),
    ]
    facts_html = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in facts)
    from cuedetect.export.transcript import said_between

    said = data.said()
    items = []
    for e in confirmed:
        around = said_html(said_between(said, e.start - SAID_AROUND_S, e.end + SAID_AROUND_S))
        around = f"<div class='muted'>Said around then:</div>{around}" if around else ""
        jpeg = jpegs.get(mids[e.key])
        img = (
            f'<img src="{data_uri(jpeg)}" alt="frame at {_fmt_t(mids[e.key])}">'
            if jpeg
            else '<div class="noimg">video not available</div>'
        )
        comments = "".join(f"<li><b>{escape(r)}</b>: {escape(t)}</li>" for r, _, t in e.comments)
        other = f" with {person_label(e.other)}" if e.other is not None else ""
        items.append(
            f'<div class="event">{img}<div><span class="tag" style="background:{COLOURS[cue_kind(e.cue)]}">'
            f"{escape(cue_kind(e.cue))}</span> <b>{escape(cue_label(e.cue))}</b> by "
            f"{escape(person_label(e.person))} ({escape(data.state.roles.get(e.person, 'unknown'))})"
            f"{other}<br>"
            f"{_fmt_t(e.start)} to {_fmt_t(e.end)} ({e.end - e.start:.1f} s)"
            f"{' · adjusted' if e.adjusted else ''}"
            f"{' · added by a reviewer' if e.origin == 'reviewer' else ''}"
            f"<br><span class='muted'>confirmed by {escape(', '.join(e.reviewed_by))}</span>"
            f"{'<ul>' + comments + '</ul>' if comments else ''}{around}</div></div>"
        )
    if not items:
        items.append(
            '<p class="muted">No event has been confirmed yet: the timeline shows the model\'s '
            "unreviewed events pale.</p>"
        )
    notes = [(n.t, n.reviewer, f"{n.kind}: {n.text}") for n in data.state.notes]
    notes += [
        ((e.start + e.end) / 2, r, f"on {cue_label(e.cue)} ({person_label(e.person)}): {t}")
        for e in data.state.events
        for r, _, t in e.comments
    ]
    notes_html = "".join(
        f"<tr><td>{_fmt_t(t)}</td><td>{escape(r)}</td><td>{escape(x)}</td></tr>" for t, r, x in sorted(notes)
    )
    title = f"Debrief: {s.scenario or 'session'} {s.id}" + (f", {s.trainee_name}" if s.trainee_name else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>{escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>{escape(title)}</h1><p class="muted">Session {s.id}, {escape(s.date)}</p></header>
<section><h2>Session</h2><table class="facts">{facts_html}</table></section>
<section><h2>Summary</h2>{_cards(data)}</section>
<section><h2>Timeline</h2>{timeline_svg(data)}
<p class="muted">Red: escalation, green: de-escalation, grey: context. Solid: confirmed by a reviewer; pale:
not reviewed yet. Blue marks: comments and bookmarks.</p></section>
{_voice_section(data)}
<section><h2>Confirmed moments</h2>{"".join(items)}</section>
{_transcript_section(data, said)}
<section><h2>Reviewer comments and bookmarks</h2>
{
        ("<table><tr><th>time</th><th>by</th><th>note</th></tr>" + notes_html + "</table>")
        if notes
        else '<p class="muted">No comments yet.</p>'
    }</section>
<section><h2>Agreement</h2>{_agreement_table(data)}</section>
<footer>Made by cuedetect on this machine; the recording and this report were not uploaded anywhere.</footer>
</body></html>
"""


def write_html(data: SessionExport, path: Path) -> Path:
    text = render_html(data)
    with atomic_open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
