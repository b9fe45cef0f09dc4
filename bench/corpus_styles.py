"""What a style-split corpus holds: clips, events per cue and style, negatives, camera set-ups.

Counts come from each clip's `gt.json` (rendered clips) or, for clips not rendered yet, from compiling
its committed `scenario.yaml` (the same events the render would write). Prints Markdown tables.

    .venv/bin/python bench/corpus_styles.py corpus/style_heldout [corpus/style_train]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from cuedetect.studio.render import compile_scenario
from cuedetect.studio.scenario import load
from cuedetect.studio.styles import styles_for


def clip_truth(clip: Path) -> tuple[dict, bool]:
    """(gt-like dict, rendered?) for one clip folder."""
    if (clip / "gt.json").exists():
        return json.loads((clip / "gt.json").read_text()), True
    sc = load(clip / "scenario.yaml")
    c = compile_scenario(sc, frames=[0])
    return {
        "framing": sc.resolved.get("framing"),
        "duration": round(sc.duration * sc.fps) / sc.fps,
        "fps": sc.fps,
        "events": [e.to_json() for e in c.events],
        "negatives": c.negatives,
    }, False


def summarise(folder: Path) -> None:
    clips = sorted(p for p in folder.iterdir() if (p / "scenario.yaml").exists())
    events, negatives, framings = Counter(), Counter(), Counter()
    rendered = analysed = frames = 0
    seconds = 0.0
    for clip in clips:
        gt, done = clip_truth(clip)
        rendered += done
        analysed += (clip / "analysis" / "poses.parquet").exists()
        framings[gt["framing"]] += 1
        seconds += gt["duration"]
        frames += round(gt["duration"] * gt["fps"])
        for e in gt["events"]:
            classic = e["cue"] not in ("pacing", "rapid_approach", "too_close")
            events[(e["cue"], e.get("style", "classic" if classic else "-"))] += 1
        for n in gt["negatives"]:
            negatives[n["action"]] += 1
    print(f"\n### {folder.name}\n")
    minutes = seconds / 60
    made = f"{rendered} rendered, {analysed} with poses"
    print(f"{len(clips)} clips ({made}), {frames} frames, {minutes:.1f} min\n")
    print("| cue | events | by style |\n| --- | ---: | --- |")
    for cue in sorted({c for c, _ in events}):
        by = ", ".join(f"{s} {n}" for (c, s), n in sorted(events.items()) if c == cue)
        n_styles = len(styles_for(cue)) if by and "-" not in by else 0
        note = f" ({n_styles} styles in the catalogue)" if n_styles else ""
        print(f"| `{cue}` | {sum(n for (c, _), n in events.items() if c == cue)} | {by}{note} |")
    print("\n| everyday action (no cue) | performances |\n| --- | ---: |")
    for name, n in sorted(negatives.items()):
        print(f"| {name} | {n} |")
    print("\n| camera set-up | clips |\n| --- | ---: |")
    for name, n in sorted(framings.items()):
        print(f"| {name} | {n} |")


def main() -> None:
    for arg in sys.argv[1:] or ["corpus/style_heldout", "corpus/style_train"]:
        summarise(Path(arg))


if __name__ == "__main__":
    main()
