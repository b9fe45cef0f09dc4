"""Speed of the speech stage against a naive baseline, timed in the same run on the same recordings.

The stage transcribes only the speech stretches the voice stage found (streamed from the file in pieces);
the naive baseline decodes each whole recording's audio at once and hands every channel, silences
included, to the same recogniser (transcript + phrase search). Both are timed in CPU seconds of this
process (the fair measure on a shared machine) and wall seconds. Target (issue 18): the stage costs at
most 0.3x real time of speech.

    .venv/bin/python bench/bench_speech.py [--dialogues 4] [--engine flite|espeak-ng]

The dialogues are the dev bank's seeds 100.. spoken by `--engine`'s voices (default Flite's).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.recognisers import create_recogniser
from cuedetect.speech.stage import speech_stage
from cuedetect.studio.dialogue import PERSON_IDS as IDS
from cuedetect.studio.verbal import ENGINE, ENGINE_VOICES, verbal_dialogue
from cuedetect.studio.verbal_eval import write_wav
from cuedetect.voice.decode import decode_audio
from cuedetect.voice.stage import voice_stage


def naive(wav: Path) -> tuple[float, float, int]:
    """(cpu s, wall s, words): the whole recording, every channel, to the recogniser at once."""
    t0, c0 = time.perf_counter(), time.process_time()
    track = decode_audio(wav)
    assert track is not None
    words = 0
    with create_recogniser("pocketsphinx", load_phrases().keyphrases()) as rec:  # type: ignore[attr-defined]
        for ch in track.samples:
            words += len(rec.transcribe(ch, track.start))
            rec.spot(ch, track.start)
    return time.process_time() - c0, time.perf_counter() - t0, words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dialogues", type=int, default=4)
    ap.add_argument("--engine", choices=tuple(ENGINE_VOICES), default=ENGINE, help="whose voices speak")
    args = ap.parse_args()
    tot = {"speech_s": 0.0, "audio_s": 0.0, "cpu": 0.0, "wall": 0.0, "ncpu": 0.0, "nwall": 0.0, "load": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(100, 100 + args.dialogues):
            d = verbal_dialogue(seed, "dev", engine=args.engine)
            wav = write_wav(Path(tmp) / f"d{seed}.wav", d.audio)
            mapping = {c: IDS[p] for c, p in d.channel_persons.items()}
            voice, _ = voice_stage(wav, None, mapping)
            t0, c0 = time.perf_counter(), time.process_time()
            result, section = speech_stage(wav, voice, {0: "trainee", 1: "client"} if mapping else {})
            cpu, wall = time.process_time() - c0, time.perf_counter() - t0
            ncpu, nwall, nwords = naive(wav)
            assert result is not None
            audio_s = d.audio.shape[1] / 22050
            print(f"dialogue {seed} ({d.channels}, {audio_s:.0f} s, {result.speech_s:.0f} s of speech): "
                  f"stage {cpu:.1f} s CPU / {wall:.1f} s wall, {len(result.words)} words; "
                  f"naive {ncpu:.1f} s CPU / {nwall:.1f} s wall, {nwords} words", flush=True)  # fmt: skip
            for k, v in (("speech_s", result.speech_s), ("audio_s", audio_s), ("cpu", cpu), ("wall", wall),
                         ("ncpu", ncpu), ("nwall", nwall), ("load", section["load_cpu_s"])):  # fmt: skip
                tot[k] += v
    sp = tot["speech_s"]
    print(
        f"\n{args.dialogues} dialogues ({args.engine} voices), {tot['audio_s']:.0f} s of recording, "
        f"{sp:.0f} s of speech, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"speech stage : {tot['cpu'] / sp:.3f}x real time of speech (CPU), {tot['wall'] / sp:.3f}x (wall); "
        f"without loading the recogniser ({tot['load'] / args.dialogues:.1f} s CPU once per recording): "
        f"{(tot['cpu'] - tot['load']) / sp:.3f}x"
    )
    print(
        f"naive (whole recording, every channel): {tot['ncpu'] / sp:.3f}x real time of speech (CPU), "
        f"{tot['nwall'] / sp:.3f}x (wall)"
    )
    holds = tot["cpu"] / sp <= 0.3
    print(f"target <= 0.3x real time of speech (CPU): {'holds' if holds else 'does NOT hold'}")


if __name__ == "__main__":
    main()
