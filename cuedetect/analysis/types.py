"""The data of one analysis: its options, what each stage adds (`Analysis`), and the progress contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cuedetect.hands import DEFAULT_HAND_STATES

if TYPE_CHECKING:
    import pandas as pd

    from cuedetect.cues.detect import EventsResult
    from cuedetect.cues.settings import CueSettings
    from cuedetect.models.provision import Provisioned
    from cuedetect.pose.floor import FloorCalibration, PairDistance
    from cuedetect.pose.sources import VideoInfo
    from cuedetect.pose.tracked import Tracks
    from cuedetect.speech.settings import SpeechSettings
    from cuedetect.speech.stage import SpeechResult
    from cuedetect.voice.analysis import VoiceResult

# Stage names, in the order the orchestrator runs them, and how a screen may call them.
STAGES: dict[str, str] = {
    "probe": "reading the video",
    "poses": "finding and tracking people",
    "clean": "cleaning the poses",
    "floor": "placing people on the floor",
    "hands": "reading hands",
    "cues": "detecting cues",
    "voice": "listening to the voices",
    "speech": "transcribing what was said",
    "outputs": "writing the results",
    "register": "registering the session",
}


class Progress(Protocol):
    """`progress(stage, done, total)`: the one progress callback.

    Every stage reports `(stage, 0, total)` when it starts and `(stage, total, total)` when it ends;
    a stage that works in steps (poses: analysed frames) reports each step in between. `stage` is a key
    of `STAGES`; `total` is at least 1. Calls come from the thread that called `analyze`.
    """

    def __call__(self, stage: str, done: int, total: int) -> None: ...


@dataclass
class AnalyzeOptions:
    """Options of `analyze` (the flags of `cuedetect analyze`).

    Attributes:
        out: the folder for the results (written atomically at the end).
        fps: analysis rate in frames per second (None: every frame).
        model: pose model variant: "lite", "full" or "heavy".
        jobs: pose worker processes (None: all cores).
        annotate: also write annotated.mp4.
        overwrite: replace an earlier analysis in `out`.
        max_persons: most people looked for at once.
        max_side: frames are scaled so their longer side is at most this.
        still_poses: reuse a person's last pose reading while their crop has not changed since
            (`cuedetect.pose.still_gate`; cheaper on people standing still).
        cues: detect cues into events.json.
        cue_detector: "auto" (the trained model, or the geometric baseline without one) or "baseline".
        cue_model: a cue classifier already loaded for `cue_detector` (None: load it); a batch worker
            loads it once for all its recordings.
        cue_settings: cue thresholds (None: the defaults).
        roles: person id -> "trainee" / "client", overriding the guess.
        calibration: known camera/person facts for the floor geometry.
        hands: read each person's hands (hands.parquet; hand states gate the hand cues).
        hand_states: what reads each hand's state: "rules" (the hand-written rules), "learned" (the
            committed hand-state model, `cuedetect.hands.state_model`) or "learned-thumb" (the model with
            the rules' thumb test deciding thumbs-up); analysis.json says which.
        voice: analyse the audio track (voice.parquet, voice cues; a note when there is none).
        voice_channels: one microphone per person: audio channel -> person id or role ("trainee").
        speech: transcribe the speech the voice stage found and spot the phrase list (words.parquet,
            verbal cues); needs `voice`.
        speech_settings: the speech stage's settings (None: defaults), e.g. `store_transcript=False` for
            cues only, or a user's `phrases_path`.
        trainee, scenario, instructor, date: what the session store records with the session.
    """

    out: Path
    fps: float | None = 15.0
    model: str = "full"
    jobs: int | None = None
    annotate: bool = False
    overwrite: bool = False
    max_persons: int = 4
    max_side: int = 1280
    still_poses: bool = False
    cues: bool = True
    cue_detector: str = "auto"
    cue_model: Any = None
    cue_settings: CueSettings | None = None
    roles: dict[int, str] | None = None
    calibration: FloorCalibration | None = None
    hands: bool = True
    hand_states: str = DEFAULT_HAND_STATES
    voice: bool = True
    voice_channels: dict[int, int | str] | None = None
    speech: bool = True
    speech_settings: SpeechSettings | None = None
    trainee: str | None = None
    scenario: str | None = None
    instructor: str | None = None
    date: str | None = None


@dataclass
class Analysis:
    """Everything one analysis produced; each stage fills its own field.

    Attributes:
        video: the input video.
        out: the results folder.
        info: probe -> what the video is (size, rotation, frame times).
        pose_model: poses -> the pose bundle used.
        tracks: poses -> every tracked person in every analysed frame; clean fills short gaps and
            smooths (`tracks.interpolated`), floor adds `tracks.floor`. The one track container.
        tracking: poses -> how the tracking ran (chunks, per-stage worker seconds, model calls).
        cleaning_log: clean -> each person's processing steps.
        pairs: floor -> the floor distance of every pair of people in every frame.
        camera: floor -> the fitted camera.
        hands: hands -> the hands.parquet table: each person's hands per frame (None with `hands=False`).
        hand_states: hands -> which classifier read the hand states, in words (analysis.json).
        events: cues -> cue events, roles and summary (None with `cues=False`); voice adds its events.
        voice: voice -> the audio stage's frames and utterances (None without sound or with `voice=False`).
        audio: voice -> analysis.json's `audio` section (what was decoded, notes such as "no audio track").
        speech: speech -> words, spotted phrases and notes (None without sound or with `speech=False`);
            its verbal cues join `events`.
        speech_section: speech -> analysis.json's `speech` section.
        record: outputs -> the content of analysis.json.
        files: outputs -> the files written into `out`.
        session_id: register -> the session in the store (None without a store).
        timings: seconds per stage.
        cpu: CPU seconds per stage, in this process and in the worker processes the stage ran (pose and
            hand workers, their start-up included); analysis.json's `cpu_s` (the stages before `outputs`).
    """

    video: Path
    out: Path
    info: VideoInfo | None = None
    pose_model: Provisioned | None = None
    tracks: Tracks | None = None
    tracking: dict[str, Any] = field(default_factory=dict)
    cleaning_log: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pairs: list[PairDistance] = field(default_factory=list)
    camera: dict[str, Any] = field(default_factory=dict)
    hands: pd.DataFrame | None = None
    hand_states: str | None = None
    events: EventsResult | None = None
    voice: VoiceResult | None = None
    audio: dict[str, Any] = field(default_factory=dict)
    speech: SpeechResult | None = None
    speech_section: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    session_id: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.info.duration if self.info is not None else 0.0

    @property
    def aspect(self) -> float:
        """Width / height of the analysed picture (rotation applied), 16:9 if unknown."""
        if self.tracks is None or not self.tracks.size[1]:
            return 16 / 9
        return self.tracks.size[0] / self.tracks.size[1]
