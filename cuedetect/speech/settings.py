"""Every tunable number of the speech stage and the verbal cues, with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SpeechSettings:
    """Options of the speech stage. Times in seconds."""

    store_transcript: bool = True
    """Write words.parquet (the transcript). False: only the verbal cue events are kept (cues only)."""
    phrases_path: Path | None = None
    """A phrase list (TOML, the layout of the shipped `cuedetect/speech/phrases.toml`) replacing the
    shipped one, so a programme can add its own wording."""
    recogniser: str = "pocketsphinx"
    """"pocketsphinx" (embedded, nothing downloaded) or "faster-whisper" (optional extra; needs
    `model_path`)."""
    model_path: Path | None = None
    """The faster-whisper model folder (CTranslate2 format) on this machine."""
    pad_s: float = 0.3
    """Silence put before and after each speech stretch handed to the recogniser (its start-up)."""
    margin_s: float = 0.1
    """Recorded audio kept around each speech stretch of the voice stage (word edges the VAD cut)."""
    max_segment_s: float = 20.0
    """Longer speech stretches are cut at their quietest 10 ms near this length: audio is held in
    memory for at most about this long, whatever the recording's length."""
    merge_gap_s: float = 1.0
    """Spotted phrases of one cue by one speaker less than this apart are one event."""
    interruption_overlap_s: float = 0.4
    """`interruption`: one speaker starts while another is speaking and both go on for at least this."""
    foreign_confidence: float = 0.36
    """Language check, first test: when the recogniser's mean word confidence over the first
    `language_check_s` of speech is at least this, the speech is English (no further check). English
    espeak-ng dialogues of the tuning bank: 0.33-0.52 (mean lattice posterior), French, Polish, German,
    Spanish and Dutch lines 0.22-0.35."""
    foreign_mismatch: float = 0.69
    """Language check, second test (only when the words are unsure): the recognised words' pronunciations
    are compared with the phones a free phone loop hears; above this many edits per phone the speech does
    not sound like English: a note, the transcript kept, no phrase cues. English espeak-ng dialogues
    differed by 0.62-0.76 edits per phone (12 tuning dialogues), French, Polish, German, Spanish and Dutch
    lines by 0.70-0.77: alone it called half the English tuning dialogues foreign, hence the first test.
    Both together are still a weak check (thin margins, synthetic voices only): a programme working in
    another language should switch the stage off or bring its own recogniser."""
    language_check_s: float = 20.0
    """How much speech (the first stretches) the language check listens to; the phone loop costs about
    0.05x real time of that, and runs only when the first test is unsure."""
