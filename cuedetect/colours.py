"""One colour per role and per kind of cue: the dashboard, the live view, the report and the overlay.

Okabe-Ito colours (readable with the common colour-vision deficiencies), the same as the annotated video's
(`cuedetect.overlay.ROLE_COLORS`; a unit test holds them together): the trainee is always reddish purple and
the client always orange, on every page, in the live view and in the video; a person whose role is not
known yet takes a colour by id from the rest of the palette. Escalation is red and de-escalation blue
everywhere (timeline, live view, overlay).
"""

from __future__ import annotations

ROLE_COLOURS: dict[str, str] = {"trainee": "#cc79a7", "client": "#e69f00"}
OTHER_COLOURS: tuple[str, ...] = ("#009e73", "#56b4e9", "#0072b2", "#d55e00", "#8d8d99")
KIND_COLOURS: dict[str, str] = {"escalation": "#f44336", "de-escalation": "#2196f3", "context": "#8d8d99"}


def person_colour(person: int, role: str | None = None) -> str:
    """`#rrggbb` for a person: the role's colour when the role is trainee or client, else one by id."""
    if role in ROLE_COLOURS:
        return ROLE_COLOURS[str(role)]
    return OTHER_COLOURS[int(person) % len(OTHER_COLOURS)]


def bgr(hex_colour: str) -> tuple[int, int, int]:
    """`#rrggbb` as an OpenCV BGR tuple (for the overlay)."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return (b, g, r)
