"""Verbal cue events from the speech stage, interruptions from the voice stage, and talk-time share.

A phrase event is one speaker's spotted phrases of one cue, merged when less than `merge_gap_s` apart;
its evidence is what was said. A phrase whose cue is about the other role (`by` in the phrase list) is
dropped when the speaker's role is known: the client shouting "don't tell me to calm down" is not the
trainee commanding. With one microphone for everyone the speaker is unknown (`UNATTRIBUTED`) and every
phrase counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.cues.events import CueEvent
from cuedetect.speech.phrases import PhraseList
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stage import SpeechResult, SpokenPhrase


def _evidence(group: Sequence[SpokenPhrase]) -> str:
    said = ", ".join(dict.fromkeys(f'"{p.phrase}"' for p in group))
    heard = group[0].heard
    return f'said {said} (heard: "{heard}")' if heard else f"said {said}"


def phrase_events(result: SpeechResult, phrases: PhraseList, settings: SpeechSettings | None = None,
                  ) -> list[CueEvent]:  # fmt: skip
    """The verbal cue events of the spotted phrases (none when the speech is not English)."""
    s = settings or SpeechSettings()
    if result.foreign:
        return []
    by = {p.text: p.by for p in phrases.phrases}
    groups: dict[tuple[str, int], list[list[SpokenPhrase]]] = {}
    for p in sorted(result.phrases, key=lambda p: p.start):
        wanted = by.get(p.phrase, "anyone")
        if p.role in ("trainee", "client") and wanted != "anyone" and p.role != wanted:
            continue
        runs = groups.setdefault((p.cue, p.person), [])
        if runs and p.start - max(q.end for q in runs[-1]) < s.merge_gap_s:
            runs[-1].append(p)
        else:
            runs.append([p])
    events = []
    for (cue, person), runs in groups.items():
        for g in runs:
            conf = max(p.confidence for p in g)
            if any(p.by_search for p in g) and any(not p.by_search for p in g):
                conf = max(conf, 0.9)  # heard by the keyword search and in the transcript
            conf = float(np.clip(0.5 + conf / 2, 0.5, 0.99))
            events.append(CueEvent(cue, person, None, min(p.start for p in g), max(p.end for p in g), conf,
                                   _evidence(g)))  # fmt: skip
    return sorted(events, key=lambda e: (e.start, e.cue))


def interruption_events(utterances: Sequence[Any], settings: SpeechSettings | None = None) -> list[CueEvent]:
    """A speaker starts while another known speaker is talking, and both talk on for `interruption_overlap_s`.

    Needs each utterance's speaker (one microphone per person): unattributed speech is never an
    interruption, because one microphone cannot tell overlapping voices apart.
    """
    s = settings or SpeechSettings()
    known = sorted((u for u in utterances if u.person != UNATTRIBUTED), key=lambda u: u.start)
    events = []
    for v in known:
        for u in known:
            if u.person == v.person or not u.start < v.start:
                continue
            overlap = min(u.end, v.end) - v.start
            if overlap >= s.interruption_overlap_s:
                conf = float(np.clip(0.5 + overlap / 4, 0.5, 0.95))
                events.append(CueEvent("interruption", int(v.person), None, float(v.start),
                                       float(min(u.end, v.end)), conf,
                                       f"started speaking while person {u.person} was still speaking "
                                       f"({overlap:.1f} s of overlap)"))  # fmt: skip
                break
    return events


def talk_share(utterances: Sequence[Any]) -> dict[int, float]:
    """Each speaker's share of all speaking time (UNATTRIBUTED: speech no one could be named for)."""
    total: dict[int, float] = {}
    for u in utterances:
        total[int(u.person)] = total.get(int(u.person), 0.0) + float(u.speech_s)
    whole = sum(total.values())
    return {p: round(v / whole, 3) for p, v in sorted(total.items())} if whole > 0 else {}


def verbal_events(result: SpeechResult, utterances: Sequence[Any], phrases: PhraseList,
                  settings: SpeechSettings | None = None) -> list[CueEvent]:  # fmt: skip
    """Every verbal cue event, sorted by start."""
    found = phrase_events(result, phrases, settings) + interruption_events(utterances, settings)
    return sorted(found, key=lambda e: (e.start, e.cue))
