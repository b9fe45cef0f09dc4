"""Score the voice stage on scripted studio dialogues: event F1 per voice cue and speaker attribution.

Seeds 0-99 (`TUNING`) were used for tuning. Seeds 1000-1029 were scored three times while the thresholds
were still being changed, so they are no longer clean. Seeds 2000-2039 (`HELD_OUT`) were scored after the
first version and after the syllable counter was retuned (on sentences of its own,
`cuedetect.studio.rate_eval`); seeds 3000-3039 (`FRESH`) once after that. Then the studio's truth moved
from words/min to the unit the detector measures (a line's true syllables over its phonation time,
`studio.speech.line_rate`) and the detector's phonation time from voice activity to de Jong & Wempe's
silence rule (`voice.analysis.phonation`, its noise-floor margin chosen on `TUNING`); seeds 4000-4039
(`FRESH_SYLLABLE_TRUTH`) were scored once after that. Then `calm_voice`'s truth moved from the script's
level to the clean line's loudness (`studio.speech.line_loudness`); seeds 5000-5039 (`FRESH_LOUDNESS_TRUTH`)
were scored once after that, and 2000-2039, 3000-3039 and 4000-4039 again.
`python -m cuedetect.studio.voice_eval [FIRST LAST]` prints the scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED, VOICE_CUES
from cuedetect.cues.evaluate import Counts, match_events
from cuedetect.studio.dialogue import PERSON_IDS, Dialogue, dialogue
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.cues import voice_events
from cuedetect.voice.decode import track_from_array
from cuedetect.voice.settings import VoiceSettings

TUNING = range(0, 100)
HELD_OUT = range(2000, 2040)
FRESH = range(3000, 3040)
FRESH_SYLLABLE_TRUTH = range(4000, 4040)
FRESH_LOUDNESS_TRUTH = range(5000, 5040)


@dataclass
class VoiceScore:
    counts: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in sorted(VOICE_CUES)})
    attributed: int = 0
    attributed_right: int = 0
    calm_clips: int = 0
    calm_clips_with_raised: int = 0
    clips: int = 0

    @property
    def attribution_accuracy(self) -> float:
        return self.attributed_right / self.attributed if self.attributed else float("nan")


def score_dialogue(d: Dialogue, score: VoiceScore, settings: VoiceSettings | None = None) -> list[dict]:
    """Analyse one dialogue as the pipeline would and add its counts to `score`; returns the events."""
    mapping = {c: PERSON_IDS[p] for c, p in d.channel_persons.items()}
    from cuedetect.studio.speech import RATE

    res = analyze_voice(track_from_array(d.audio, RATE, separate_channels=d.channels == "per_person"),
                        settings, mapping)  # fmt: skip
    roles = {PERSON_IDS[k]: v for k, v in d.roles.items()} if mapping else {}
    found = [e.to_dict() for e in voice_events(res, roles, settings)]
    truth = [{**e, "person": PERSON_IDS[e["person"]]} for e in d.truth["voice_events"]]
    if not mapping:  # one room microphone: voices are unattributed, so match on time alone
        truth = [{**e, "person": UNATTRIBUTED} for e in truth if e["cue"] != "calm_voice"]
    for cue in score.counts:
        if cue == "calm_voice" and not mapping:
            continue
        score.counts[cue].add(match_events(found, truth, cue))
    if mapping:
        segs = [(PERSON_IDS[s["person"]], s["start"], s["end"]) for s in d.truth["speech"]]
        for u in res.utterances:
            overlap = [(min(u.end, e) - max(u.start, s), p) for p, s, e in segs]
            best, who = max(overlap)
            if best > 0:
                score.attributed += 1
                score.attributed_right += int(who == u.person)
    score.clips += 1
    if d.calm:
        score.calm_clips += 1
        score.calm_clips_with_raised += int(any(e["cue"] == "raised_voice" for e in found))
    return found


def evaluate(seeds: Iterable[int] = HELD_OUT, settings: VoiceSettings | None = None) -> VoiceScore:
    score = VoiceScore()
    for seed in seeds:
        score_dialogue(dialogue(seed), score, settings)
    return score


def report(score: VoiceScore) -> str:
    lines = [f"{score.clips} scripted dialogues ({score.calm_clips} calm throughout)"]
    for cue, c in score.counts.items():
        lines.append(f"  {cue:13s} event F1 {c.f1:.3f}  (P {c.precision:.3f} R {c.recall:.3f}; "
                     f"tp {c.tp} fp {c.fp} fn {c.fn})")  # fmt: skip
    lines.append(f"  calm clips with a raised_voice: {score.calm_clips_with_raised} of {score.calm_clips}")
    acc = score.attribution_accuracy
    lines.append(f"  attribution on two-channel clips: {acc:.3f} of {score.attributed} utterances"
                 if np.isfinite(acc) else "  no two-channel clips")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    seeds = range(int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else HELD_OUT
    print(report(evaluate(seeds)))
