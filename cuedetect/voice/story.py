"""The voice part of a debrief in words: when voices rose, and who calmed it (pure; for reports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cuedetect.cue_ids import UNATTRIBUTED

CALM_AFTER_S = 10.0  # a calm answer up to this long after a raised voice is "calming it"


def _clock(t: float) -> str:
    m, s = divmod(max(float(t), 0.0), 60.0)
    return f"{int(m)}:{s:04.1f}"


def _who(person: int, roles: Mapping[int, str]) -> str:
    if person == UNATTRIBUTED:
        return "a voice (speaker not known)"
    role = roles.get(person, "unknown")
    return f"the {role}" if role in ("trainee", "client") else f"person {person}"


def voice_story(events: Sequence[Any], roles: Mapping[int, str]) -> list[str]:
    """One sentence per raised voice, saying who raised it and how the trainee answered.

    `events` are objects or mappings with cue, person, start, end (rejected events already left out).
    """

    def get(e: Any, k: str) -> Any:
        return e[k] if isinstance(e, Mapping) else getattr(e, k)

    raised = sorted((e for e in events if get(e, "cue") == "raised_voice"), key=lambda e: get(e, "start"))
    calm = [e for e in events if get(e, "cue") == "calm_voice"]
    trainee = {p for p, r in roles.items() if r == "trainee"}
    out = []
    for e in raised:
        t0, t1, who = get(e, "start"), get(e, "end"), get(e, "person")
        line = f"{_clock(t0)}-{_clock(t1)}: {_who(who, roles)} raised their voice"
        if who in trainee:
            line += " (the trainee's voice rose: a moment to discuss)"
        else:
            answers = [c for c in calm if t0 <= get(c, "start") <= t1 + CALM_AFTER_S]
            echoed = [
                r
                for r in raised
                if get(r, "person") in trainee and t0 <= get(r, "start") <= t1 + CALM_AFTER_S
            ]
            if answers:
                line += f"; the trainee answered in a calm, low voice at {_clock(get(answers[0], 'start'))}"
            elif echoed:
                line += f"; the trainee's voice rose too at {_clock(get(echoed[0], 'start'))}"
        out.append(line + ".")
    return out
