"""The cue ids, in catalogue order: the one list every part of cuedetect shares.

What each cue means, why trainers care and how it is detected lives in `cuedetect.cues.catalogue`
(tests check that it describes exactly these ids, with the same kinds and scopes). This module imports
nothing, so the session store, the exports and the studio use the ids without loading the cue detector.
"""

from __future__ import annotations

CUES: tuple[str, ...] = (
    "pointing",
    "arms_crossed",
    "hands_on_hips",
    "hands_raised",
    "fists_up",
    "hands_hidden",
    "bladed_stance",
    "leaning_in",
    "pacing",
    "open_hands",
    "rapid_approach",
    "too_close",
    "raised_voice",
    "rapid_speech",
    "calm_voice",
    "validating",
    "open_question",
    "offering_choice",
    "command",
    "dismissing",
    "insult",
    "threat",
    "demand",
    "interruption",
)
PAIR_CUES: frozenset[str] = frozenset({"rapid_approach", "too_close"})
# Cues heard in the audio track, not seen (a person's voice; `UNATTRIBUTED` when it cannot be told whose).
VOICE_CUES: frozenset[str] = frozenset({"raised_voice", "rapid_speech", "calm_voice"})
# Cues in what was said (the words; `cuedetect.speech`): phrases spotted, and who talks over whom.
VERBAL_CUES: frozenset[str] = frozenset(
    {"validating", "open_question", "offering_choice", "command", "dismissing", "insult", "threat", "demand",
     "interruption"}
)  # fmt: skip
DEESCALATION_CUES: frozenset[str] = frozenset(
    {"open_hands", "calm_voice", "validating", "open_question", "offering_choice"}
)
# `too_close` is context: a state of the pair, not something one person does.
ESCALATION_CUES: frozenset[str] = frozenset(CUES) - DEESCALATION_CUES - {"too_close"}
# Cues a person shows by holding a posture (pacing is movement; pair cues come from distance).
POSTURE_CUES: tuple[str, ...] = tuple(
    c for c in CUES if c not in PAIR_CUES | VOICE_CUES | VERBAL_CUES and c != "pacing"
)
# The person of a voice event whose speaker cannot be told (one microphone, no mapping to a person).
UNATTRIBUTED: int = -1

# What screens, tables and the annotated video call each cue: the instructor's words, not code names.
CUE_LABELS: dict[str, str] = {
    "pointing": "pointing",
    "arms_crossed": "arms crossed",
    "hands_on_hips": "hands on hips",
    "hands_raised": "hands raised",
    "fists_up": "fists up",
    "hands_hidden": "hidden hands",
    "bladed_stance": "bladed stance",
    "leaning_in": "leaning in",
    "pacing": "pacing",
    "open_hands": "open hands",
    "rapid_approach": "rapid approach",
    "too_close": "too close",
    "raised_voice": "voice raised",
    "rapid_speech": "talking fast",
    "calm_voice": "calm, low voice",
    "validating": "validating feelings",
    "open_question": "open question",
    "offering_choice": "offering a choice",
    "command": "giving orders",
    "dismissing": "arguing or dismissing",
    "insult": "insult",
    "threat": "threat",
    "demand": "demand",
    "interruption": "interrupting",
}


def cue_kind(cue: str) -> str:
    """ "escalation", "de-escalation" or "context" (`too_close`, and any id not in `CUES`): what screens,
    exports and the live overlay colour and file a cue under (the catalogue's kinds)."""
    if cue in ESCALATION_CUES:
        return "escalation"
    if cue in DEESCALATION_CUES:
        return "de-escalation"
    return "context"


def cue_label(cue: str) -> str:
    """A cue's name in plain words ("fists_up" -> "fists up"); unknown ids lose their underscores."""
    return CUE_LABELS.get(cue, cue.replace("_", " "))
