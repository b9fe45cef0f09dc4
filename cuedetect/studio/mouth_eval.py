"""Score one-microphone speaker attribution by mouth motion on rendered studio clips.

Each clip is analysed as a user's would be (poses, then the voice stage on one mixed channel); a clip with
one lapel microphone per person is first downmixed to a single channel. An utterance is right when it goes
to the person whose scripted line overlaps it most (analysis ids are matched to the scenario's by their
joints, `training.labels.match_persons`); utterances left unattributed are counted apart, with the reason.
Nothing in `VoiceSettings` was tuned on these clips.

    cuedetect synth corpus/lipsync/talk_a.yaml --out corpus/lipsync/talk_a   (and talk_b)
    python -m cuedetect.studio.mouth_eval corpus/lipsync/talk_a corpus/lipsync/talk_b sample_videos/standoff
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED


@dataclass
class AttributionScore:
    utterances: int = 0
    attributed: int = 0
    right: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.attributed if self.attributed else float("nan")

    @property
    def coverage(self) -> float:
        return self.attributed / self.utterances if self.utterances else float("nan")


def downmix(video: Path, out: Path) -> Path:
    """`out`: `video` with its audio mixed down to one channel (the video stream copied unchanged)."""
    from cuedetect.studio.speech import mux_audio
    from cuedetect.voice.decode import decode_audio

    track = decode_audio(video)
    if track is None:
        raise ValueError(f"{video} has no audio")
    mux_audio(video, track.samples.mean(axis=0, keepdims=True), out, rate=track.rate)
    return out


def score_clip(folder: Path, score: AttributionScore, work: Path) -> None:
    """Analyse the clip in `folder` on one mixed channel and add its utterances to `score`."""
    from cuedetect.analysis.orchestrator import analyze
    from cuedetect.analysis.types import AnalyzeOptions
    from cuedetect.training.labels import match_persons

    gt = json.loads((folder / "gt.json").read_text())
    video = folder / gt["video"]
    if (gt.get("audio") or {}).get("channels") == "per_person":
        video = downmix(video, work / f"{folder.name}_mono.mp4")
    res = analyze(video, AnalyzeOptions(out=work / folder.name, cues=False, hands=False, overwrite=True))
    ids = match_persons(pd.read_parquet(work / folder.name / "poses.parquet"), gt)
    segs = [(s["person"], s["start"], s["end"]) for s in gt.get("speech", [])]
    for u in res.voice.utterances if res.voice is not None else []:
        overlap, who = max(((min(u.end, e) - max(u.start, s), p) for p, s, e in segs), default=(0.0, None))
        if overlap <= 0:
            continue
        score.utterances += 1
        got = ids.get(u.person) if u.person != UNATTRIBUTED else None
        if u.person == UNATTRIBUTED:
            reason = u.attribution.split(":")[0] or "not tried"
            score.reasons[reason] = score.reasons.get(reason, 0) + 1
        else:
            score.attributed += 1
            score.right += int(got == who)
        said = f"  {folder.name} {u.start:5.1f}-{u.end:5.1f} s  said by {who}"
        got_s = got or "unattributed"
        score.lines.append(f"{said}  ->  {got_s} ({u.attribution}, r={u.attribution_score:.2f})")


def report(score: AttributionScore) -> str:
    acc = f"{score.accuracy:.3f}" if np.isfinite(score.accuracy) else "n/a"
    head = (f"{score.utterances} speech stretches on one mixed channel: {score.attributed} attributed by "
            f"mouth motion, accuracy {acc} ({score.right} right), coverage {score.coverage:.3f}; "
            f"unattributed: {score.reasons or 'none'}")  # fmt: skip
    return "\n".join([head, *score.lines])


if __name__ == "__main__":
    total = AttributionScore()
    with tempfile.TemporaryDirectory(prefix="mouth_eval_") as tmp:
        for arg in sys.argv[1:]:
            score_clip(Path(arg), total, Path(tmp))
    print(report(total))
