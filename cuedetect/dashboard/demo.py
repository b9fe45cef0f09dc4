"""Analysis folders for dashboard tests, the benchmark and screenshots.

- `synthetic_analysis`: a small, instant one (a real H.264 video of two coloured figures from the
  store's demo, events, a pairs.parquet distance curve and an "annotated" video).
- `real_analysis`: `cuedetect analyze` + cue detection on a real video, as the dashboard's jobs do.
- `long_session`: a long session made by repeating an analysis' rows with time offsets (benchmark).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SYNTHETIC_EVENTS: tuple[dict[str, Any], ...] = (
    {"cue": "pointing", "person": 1, "start": 0.6, "end": 1.6, "confidence": 0.91},
    {"cue": "open_hands", "person": 0, "start": 1.2, "end": 3.0, "confidence": 0.84},
    {"cue": "fists_up", "person": 1, "start": 2.4, "end": 3.4, "confidence": 0.55},
    {"cue": "too_close", "person": 0, "other": 1, "start": 3.6, "end": 4.4, "confidence": 1.0},
    {"cue": "arms_crossed", "person": 0, "start": 4.6, "end": 5.6, "confidence": 0.7},
)


# What was said in the synthetic session (words.parquet's layout): (person, role, start, words, seconds/word)
SYNTHETIC_SPEECH: tuple[tuple[int, str, float, str, float], ...] = (
    (0, "trainee", 6.0, "i hear you that sounds really hard", 0.25),
    (1, "client", 8.0, "do not tell me to calm down", 0.22),
    (0, "trainee", 10.0, "what would help right now", 0.24),
)


def synthetic_words(speech: tuple[tuple[int, str, float, str, float], ...] = SYNTHETIC_SPEECH,
                    ) -> pd.DataFrame:  # fmt: skip
    """A words table as the speech stage writes it (one row per word, one stretch per line)."""
    rows = [
        (start + k * step, start + (k + 0.9) * step, w, 0.9, person, role, person, n)
        for n, (person, role, start, text, step) in enumerate(speech)
        for k, w in enumerate(text.split())
    ]
    cols = ["start_s", "end_s", "word", "confidence", "person_id", "role", "channel", "stretch"]
    return pd.DataFrame(rows, columns=cols).astype(
        {"confidence": "float32", "person_id": "int16", "channel": "int8", "stretch": "int32"}
    )


def _distance_rows(seconds: float, fps: float = 10.0) -> pd.DataFrame:
    t = np.arange(0, seconds, 1 / fps)
    d = 2.0 - 1.3 * np.clip((t - 2.5) / 2.0, 0, 1) + 0.05 * np.sin(t * 3)
    return pd.DataFrame({"frame": np.arange(len(t)), "t": t, "person": 0, "other": 1,
                         "distance_m": d, "distance_sd_m": np.full(len(t), 0.08)})  # fmt: skip


def synthetic_analysis(out_dir: Path, seconds: float = 6.0, seed: int = 0,
                       events: tuple[dict[str, Any], ...] = SYNTHETIC_EVENTS, words: bool = False,
                       ) -> Path:  # fmt: skip
    """A complete small analysis folder (video, annotated.mp4, pairs.parquet, analysis/events.json; with
    `words`, a words.parquet of `SYNTHETIC_SPEECH`)."""
    from cuedetect.store.demo import write_demo_analysis, write_video

    out = Path(out_dir)
    video = write_video(out / "recording.mp4", seconds=seconds, seed=seed)
    write_demo_analysis(out, video=video, events=events, seconds=seconds)
    write_video(out / "annotated.mp4", seconds=seconds, seed=seed + 1000)
    _distance_rows(seconds).to_parquet(out / "pairs.parquet", index=False)
    if words:
        synthetic_words().to_parquet(out / "words.parquet", index=False)
    return out


def real_analysis(video: Path, out_dir: Path, model: str = "full", fps: float = 12.0) -> Path:
    """Analyse a real video (annotated, cues detected) as a dashboard job does; the results folder."""
    from cuedetect.analysis import AnalyzeOptions, analyze

    out = Path(out_dir)
    analyze(Path(video), AnalyzeOptions(out, fps, model, annotate=True, overwrite=True))
    return out


def long_session(src: Path, dst: Path, minutes: float = 20.0) -> Path:
    """An analysis folder `minutes` long made of copies of `src`'s rows, each copy shifted in time.

    The video stays the source's (the page only reads its path); the session gets its own content hash.
    """
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    meta = json.loads((src / "analysis.json").read_text())
    doc = json.loads((src / "events.json").read_text())
    period = float(meta.get("duration_s") or meta.get("duration") or doc["duration"]) + 0.5
    copies = max(1, int(np.ceil(minutes * 60 / period)))
    for name in ("poses.parquet", "pairs.parquet"):
        if (src / name).exists():
            table = pd.read_parquet(src / name)
            parts = [table.assign(t=table["t"] + i * period, frame=table["frame"] + i * 100000)
                     for i in range(copies)]  # fmt: skip
            pd.concat(parts, ignore_index=True).to_parquet(dst / name, index=False)
    events = [{**e, "start": round(e["start"] + i * period, 3), "end": round(e["end"] + i * period, 3)}
              for i in range(copies) for e in doc["events"]]  # fmt: skip
    duration = round(copies * period, 3)
    sha = hashlib.sha256(f"long-{minutes}-{src.resolve()}".encode()).hexdigest()
    keep = ("source", "model", "versions")
    meta_out = {**{k: meta[k] for k in keep if k in meta}, "source_sha256": sha, "duration_s": duration}
    (dst / "analysis.json").write_text(json.dumps(meta_out))
    (dst / "events.json").write_text(json.dumps({**doc, "duration": duration, "events": events}))
    if (src / "annotated.mp4").exists() and not (dst / "annotated.mp4").exists():
        (dst / "annotated.mp4").symlink_to((src / "annotated.mp4").resolve())
    return dst
