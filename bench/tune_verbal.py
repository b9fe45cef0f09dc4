"""Tune the phrase list on the studio's TUNING dialogues (the dev bank) only, and say how it scores there.

Per phrase: the keyword-search threshold (laxest level whose false alarms stay at most 15% of its hits,
at that level and every stricter one) and the `heard_as` variants (what pocketsphinx's transcript holds
where the phrase was said, at least twice, and never in a line without that cue). The held-out bank is
never read here: `bench/eval_verbal.py` scores the result on it.

    .venv/bin/python bench/tune_verbal.py [--seeds 0-11] [--engine flite|espeak-ng] [--cache DIR] [--write]

The dialogues are spoken by `--engine`'s voices (default Flite's, made from recorded people).

`--write` rewrites cuedetect/speech/phrases.toml (its header comment and cue tables kept, thresholds and
variants replaced); without it the tuned list goes to a temporary file and only the scores are printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from cuedetect.cues.evaluate import Counts
from cuedetect.speech.cues import verbal_events
from cuedetect.speech.phrases import PhraseList, load_phrases
from cuedetect.speech.recognisers import PocketsphinxOptions, PocketsphinxRecogniser, edit_distance
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stage import transcribe
from cuedetect.studio.verbal import DEV_SEEDS, ENGINE, ENGINE_VOICES
from cuedetect.studio.verbal_eval import match_overlap, words_of
from cuedetect.studio.verbal_tune import (
    LEVELS,
    Prepared,
    SweepHit,
    choose_thresholds,
    heard_for,
    heard_variants,
    ngrams,
    phrase_said,
    prepare,
    said_at,
)

SHIPPED = Path(__file__).resolve().parents[1] / "cuedetect" / "speech" / "phrases.toml"
# Variants the tuner learns that are not kept: everyday words a real speaker says without the cue (a
# trainee's "how can I help you" is no threat). Learned on espeak-ng voices: "the week" (give me), "you on"
# (you are wrong), "can meet" and "can read" (tell me); on Flite's: "help you" (hurt you), "i've had my"
# (how can i), "i'm really" (sounds really).
EVERYDAY_VARIANTS = frozenset({"the week", "you on", "can meet", "can read", "help you", "i've had my",
                               "i'm really"})  # fmt: skip


def _seeds(text: str | None) -> list[int]:
    if not text:
        return list(DEV_SEEDS)
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


def _pad(x, settings: SpeechSettings):  # type: ignore[no-untyped-def]
    from cuedetect.speech.stage import _pad as pad

    return pad(x, settings.pad_s)


def sweep(preps: list[Prepared], phrases: PhraseList, settings: SpeechSettings) -> list[SweepHit]:
    """Every phrase's keyword-search hits at each level of LEVELS, each marked right or wrong."""
    out = []
    texts = tuple(p.text for p in phrases.phrases)
    for level in LEVELS:
        with PocketsphinxRecogniser(PocketsphinxOptions(tuple((t, level) for t in texts))) as rec:
            for p in preps:
                for s, x, t0 in p.pieces:
                    for h in rec.spot(_pad(x, settings), t0 - settings.pad_s):
                        if not s.start <= (h.start + h.end) / 2 <= s.end:
                            continue
                        lines = said_at(p, s.person, h.start, h.end)
                        right = any(phrase_said(h.phrase, ln["text"]) for ln in lines)
                        out.append(SweepHit(h.phrase, level, p.seed, s.person, h.start, h.end, right))
    return out


def words_per_line(p: Prepared, words) -> list[tuple[dict, list]]:  # type: ignore[no-untyped-def]
    """Each spoken line with the transcript words heard in it (by that person's channel, or any)."""
    out = []
    for ln in p.lines:
        person = ln["person"] if p.per_person else -1
        got = words[(words["start_s"] + words["end_s"]) / 2 >= ln["start"] - 0.1]
        got = got[(got["start_s"] + got["end_s"]) / 2 <= ln["end"] + 0.1]
        if p.per_person:
            got = got[got["person_id"] == person]
        out.append((ln, list(got.itertuples())))
    return out


def write_list(phrases: PhraseList, thresholds: dict, variants: dict, path: Path, header: str) -> None:
    """The phrase list as TOML: the header, then per cue its `by` and phrases."""
    lines = [header.rstrip(), ""]
    cues: dict[str, list] = {}
    for p in phrases.phrases:
        cues.setdefault(p.cue, []).append(p)
    for cue, items in cues.items():
        lines += [f"[cues.{cue}]", f'by = "{items[0].by}"', "phrases = ["]
        for p in items:
            t = thresholds.get(p.text, p.threshold if p.spot else None)
            parts = [f'text = "{p.text}"', f"threshold = {t:.0e}" if t is not None else "spot = false"]
            heard = variants.get(p.text, [])
            if heard:
                parts.append("heard_as = [" + ", ".join(f'"{v}"' for v in heard) + "]")
            lines.append("  { " + ", ".join(parts) + " },")
        lines += ["]", ""]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def score(preps: list[Prepared], phrases_path: Path, label: str) -> None:
    s = SpeechSettings(phrases_path=phrases_path)
    phrases = load_phrases(phrases_path)
    counts: dict[str, Counts] = {}
    errors = refs = 0
    unsure = [0, 0]
    sure = [0, 0]
    cpu = speech = 0.0
    with PocketsphinxRecogniser(PocketsphinxOptions(phrases.keyphrases())) as rec:
        for p in preps:
            c0 = time.process_time()
            res = transcribe(p.pieces, rec, phrases, p.roles, s)
            cpu += time.process_time() - c0
            speech += res.speech_s
            found = [e.to_dict() for e in verbal_events(res, p.utterances, phrases, s)]
            for cue in {e["cue"] for e in p.truth} | {e["cue"] for e in found}:
                if cue == "interruption" and not p.per_person:
                    continue
                counts.setdefault(cue, Counts()).add(match_overlap(found, p.truth, cue))
            hyp = list(res.words.sort_values("start_s")["word"])
            errors += edit_distance(p.ref, hyp)
            refs += len(p.ref)
            for ln, heard in words_per_line(p, res.words):
                said = set(words_of(ln["text"]))
                for w in heard:
                    bucket = unsure if w.confidence < 0.5 else sure
                    bucket[0] += w.word not in said
                    bucket[1] += 1
    total = Counts()
    print(f"\n{label}: {len(preps)} tuning dialogues, {speech:.0f} s of speech")
    print(f"{'cue':<16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    for cue, c in sorted(counts.items()):
        total.add(c)
        print(f"{cue:<16} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>9.2f} {c.recall:>7.2f}")
    print(f"{'all verbal cues':<16} {total.tp:>4} {total.fp:>4} {total.fn:>4} {total.precision:>9.2f} "
          f"{total.recall:>7.2f} (F1 {total.f1:.2f})")  # fmt: skip
    print(f"word error rate {errors / max(refs, 1):.3f}; words under confidence 0.5 not in their line: "
          f"{unsure[0]} of {unsure[1]} ({unsure[0] / max(unsure[1], 1):.0%}), the others {sure[0]} of "
          f"{sure[1]} ({sure[0] / max(sure[1], 1):.0%}); {cpu / max(speech, 1e-9):.3f}x real time "
          "(CPU)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", help="first-last tuning dialogues of the dev bank (default 0-11)")
    ap.add_argument("--engine", choices=tuple(ENGINE_VOICES), default=ENGINE, help="whose voices speak")
    ap.add_argument("--cache", type=Path, help="keep prepared dialogues here (reruns skip the voice stage)")
    ap.add_argument("--write", action="store_true", help="rewrite cuedetect/speech/phrases.toml")
    args = ap.parse_args()
    settings = SpeechSettings()
    preps = [prepare(seed, "dev", args.cache, settings, args.engine) for seed in _seeds(args.seeds)]
    print(f"{len(preps)} tuning dialogues prepared ({args.engine} voices)", flush=True)
    shipped = load_phrases(SHIPPED)
    score(preps, SHIPPED, "the phrase list before tuning")
    hits = sweep(preps, shipped, settings)
    thresholds = choose_thresholds(hits, shipped)
    # what the transcript holds where each phrase was said, and every word run heard in lines without the cue
    found: dict[str, list[tuple[str, str | None]]] = {}
    never: dict[str, Counter[str]] = {c: Counter() for c in {p.cue for p in shipped.phrases}}
    with PocketsphinxRecogniser(PocketsphinxOptions()) as rec:
        for p in preps:
            res = transcribe(p.pieces, rec, shipped, p.roles, settings)
            for ln, heard in words_per_line(p, res.words):
                from cuedetect.speech.recognisers import Word

                ws = [Word(w.start_s, w.end_s, w.word, w.confidence) for w in heard]
                grams = ngrams([w.word for w in ws])
                for cue, c in never.items():
                    if cue not in ln["cues"]:
                        c.update(grams)
                for ph in shipped.phrases:
                    if ph.cue in ln["cues"] and phrase_said(ph.text, ln["text"]):
                        found.setdefault(ph.cue, []).append((ph.text, heard_for(ph.text, ln["text"], ws)))
    variants: dict[str, list[str]] = {}
    for cue, pairs in found.items():
        variants.update(heard_variants(pairs, never[cue]))
    variants = {k: [v for v in vs if (len(v.split()) > 1 or len(v) >= 5) and v not in EVERYDAY_VARIANTS
                    and not phrase_said(k, v)]  # "right now and" adds nothing to "right now"
                for k, vs in variants.items()}  # fmt: skip
    print("\nthresholds:", {k: (f"{v:.0e}" if v else "transcript only") for k, v in thresholds.items()})
    print("variants:", {k: v for k, v in variants.items() if v})
    header = SHIPPED.read_text(encoding="utf-8").split("\n[cues.")[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = SHIPPED if args.write else Path(tmp) / "phrases.toml"
        write_list(shipped, thresholds, variants, out, header)
        score(preps, out, "the tuned phrase list")


if __name__ == "__main__":
    main()
