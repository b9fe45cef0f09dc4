"""Interruptions found by the voice stage on studio dialogues with one microphone per person.

`eval_verbal.py` scores interruptions with the phrase cues, on the few dialogues of its banks that have a
lapel per person (a handful of cut-ins each). This scores only them, on many more dialogues: each seed's
script is drawn from `--bank` and spoken by `--engine`, but only the voice stage runs (no recogniser), so
a few dozen dialogues take minutes. The interruption rule (`SpeechSettings.interruption_overlap_s`, 0.4 s)
was set from the definition, not tuned on any of these. Also printed: how far the detector's utterances
start from the script's line starts (its onset lag), and how much of each true cut-in's overlap it reads.

    .venv/bin/python bench/eval_interruptions.py [--bank dev] [--engine flite|espeak-ng] [--seeds 100-159]

The default seeds (100-159 of the dev bank) are not among the phrase list's tuning seeds (0-11).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

from cuedetect.cues.evaluate import Counts
from cuedetect.speech.cues import interruption_events
from cuedetect.studio.dialogue import PERSON_IDS
from cuedetect.studio.verbal import BANK_SEEDS, ENGINE, ENGINE_VOICES, verbal_dialogue
from cuedetect.studio.verbal_eval import match_overlap, write_wav
from cuedetect.voice.stage import voice_stage


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bank", choices=tuple(BANK_SEEDS), default="dev")
    ap.add_argument("--engine", choices=tuple(ENGINE_VOICES), default=ENGINE)
    ap.add_argument("--seeds", default="100-159", help="first-last")
    args = ap.parse_args()
    a, _, b = args.seeds.partition("-")
    counts, lags, read, dialogues = Counts(), [], [], 0
    for seed in range(int(a), int(b or a) + 1):
        d = verbal_dialogue(seed, args.bank, engine=args.engine)
        if d.channels != "per_person":
            continue
        dialogues += 1
        mapping = {c: PERSON_IDS[p] for c, p in d.channel_persons.items()}
        with tempfile.TemporaryDirectory() as tmp:
            voice, _ = voice_stage(write_wav(Path(tmp) / "dialogue.wav", d.audio), None, mapping)
        assert voice is not None
        for seg in d.truth["speech"]:
            mine = [u for u in voice.utterances if u.person == PERSON_IDS[seg["person"]]
                    and u.start < seg["end"] and u.end > seg["start"]]  # fmt: skip
            if mine:
                lags.append(min(u.start for u in mine) - seg["start"])
        found = [e.to_dict() for e in interruption_events(voice.utterances)]
        truth = [{**e, "person": PERSON_IDS[e["person"]]} for e in d.truth["verbal_events"]
                 if e["cue"] == "interruption"]  # fmt: skip
        for t in truth:
            same = [f for f in found if f["person"] == t["person"]]
            hit = [f for f in same if f["start"] < t["end"] and t["start"] < f["end"]]
            read.append((t["end"] - t["start"], max((f["end"] - f["start"] for f in hit), default=0.0)))
        c = match_overlap(found, truth, "interruption")
        counts.add(c)
        print(f"dialogue {seed}: {len(truth)} cut-ins, found {c.tp}, false {c.fp}", flush=True)
    lag = np.asarray(lags)
    print(f"\n{args.bank} bank, {args.engine} voices, {dialogues} dialogues with a lapel per person, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}:")  # fmt: skip
    print(f"interruptions: {counts.tp} of {counts.tp + counts.fn} found, {counts.fp} false "
          f"(precision {counts.precision:.2f}, recall {counts.recall:.2f})")  # fmt: skip
    if len(lag):
        p10, p90 = np.percentile(lag, [10, 90])
        print(f"utterance onset minus line start over {len(lag)} lines: median {np.median(lag):+.3f} s "
              f"(10th-90th percentile {p10:+.3f} .. {p90:+.3f})")  # fmt: skip
    if read:
        true_s, read_s = np.asarray(read).T
        print(f"true cut-in overlaps {true_s.min():.2f}-{true_s.max():.2f} s "
              f"(median {np.median(true_s):.2f}); read by the detector: median "
              f"{np.median(read_s - true_s):+.2f} s off")  # fmt: skip


if __name__ == "__main__":
    main()
