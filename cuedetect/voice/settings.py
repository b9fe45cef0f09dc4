"""Every tunable number of the voice stage and the voice cues, with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceSettings:
    """Thresholds of voice analysis and voice cues. Levels in dB, rates in syllables/s, times in seconds."""

    raised_db: float = 6.0
    """`raised_voice`: speech at least this far above the speaker's median speech loudness ..."""
    raised_min_s: float = 0.5
    """... for at least this long ..."""
    unattributed_min_semitones: float = 1.5
    """With one microphone for everyone (unattributed speech), a raised voice must also rise in pitch by
    this much: a speaker nearer the microphone is louder without raising their voice."""
    raised_merge_s: float = 1.0
    """... raised stretches of one speaker less than this apart are one event (a shout has pauses)."""
    voice_group_semitones: float = 5.0
    """Unattributed speech is split into two voices by pitch (each with its own reference loudness) when
    the utterances' median pitches fall into two groups at least this many semitones apart."""
    rapid_ratio: float = 1.4
    """`rapid_speech`: an utterance at least this many times the recording's median articulation rate ..."""
    rapid_sps: float = 6.5
    """... or faster than this (syllables per second of phonation). Set when phonation was still counted
    from voice activity, which read ordinary lines at 4.4-6 syllables/s; measured by `phonation`, the
    tuning dialogues' (seeds 0-99) ordinary lines articulate 2.6-5.4 (95% below 4.7) and their fast lines
    6.2-7.8 (true syllables over the clean line's phonation), so with a median near 3.8 the 1.4x arm
    usually decides. The studio's truth uses the same definition."""
    rapid_min_s: float = 2.0
    """... lasting at least this long."""
    calm_max_db: float = 2.0
    """`calm_voice`: the trainee's loudness at most this far above their own median ..."""
    calm_max_ratio: float = 1.15
    """... their rate at most this many times their own median ..."""
    calm_max_semitones: float = 2.0
    """... their pitch at most this many semitones above their own median ..."""
    calm_window_s: float = 6.0
    """... while the client's voice is raised or within this many seconds after it."""
    calm_min_s: float = 1.0
    """Shortest trainee utterance that counts as `calm_voice`."""
    utterance_gap_s: float = 0.5
    """Speech separated by a shorter silence is one utterance (a pause inside it)."""
    pause_min_s: float = 0.25
    """A silence between two stretches of one speaker's speech this long or longer is a pause."""
    silence_db: float = 25.0
    """Articulation rate's phonation time: inside an utterance, frames more than this below its
    99th-percentile level are silent (de Jong & Wempe 2009's threshold) ..."""
    silence_above_floor_db: float = 6.0
    """... as are frames less than this above the channel's noise floor (its 10th-percentile level)."""
    speech_gap_s: float = 0.15
    """Voice-activity gaps shorter than this are closed (stop consonants, short dips)."""
    speech_min_s: float = 0.1
    """Voice activity shorter than this is dropped (clicks)."""
    vad_aggressiveness: int = 2
    """WebRTC VAD mode, 0 (keeps most) to 3 (drops most)."""
    own_share: float = 0.5
    """With one microphone per person, a channel's speech is its wearer's when the wearer's voice (after
    removing the crosstalk the other microphones explain) is at least this share of the channel's power."""
    nucleus_dip_db: float = 2.0
    """Syllable nuclei: an intensity peak must rise this far above the dip before it (de Jong & Wempe)."""
    nucleus_window_s: float = 0.03
    """Syllable nuclei are peaks of the intensity measured over this window ..."""
    nucleus_band_hz: tuple[float, float] | None = (300.0, 3000.0)
    """... of the signal band-passed to this band (vowel formants; None: the whole signal) ..."""
    nucleus_aperiodicity: float = 0.5
    """... that are voiced: YIN's aperiodicity below this within 20 ms of the peak. Chosen together on
    `cuedetect.studio.rate_eval.TUNING_SENTENCES` (6 voices, 130-280 words/min): counted/true syllables
    went from 1.02 (130 wpm) .. 0.875 (280 wpm) with the whole band, 40 ms and YIN's pitch threshold (0.3)
    as the voicing test, to 1.02 .. 0.98. Fast speech's short vowels are voiced but less periodic."""
    nucleus_floor_db: float = 25.0
    """... and be no more than this far below the utterance's loudest frame."""
    pitch_fmin: float = 65.0
    pitch_fmax: float = 450.0
    """Pitch range searched (Hz): low men to high women and children."""
    pitch_threshold: float = 0.3
    """YIN's threshold on the normalised difference: frames with a clearer period than this are voiced
    (0.3 keeps the voicing of fast speech, whose periods are short-lived)."""
    mouth_context_s: float = 0.5
    """One microphone for everyone: an utterance's voice envelope is compared with each visible person's
    mouth motion over the utterance and this long before and after it (a listener's mouth is still)."""
    mouth_min_r: float = 0.3
    """... it goes to the person whose mouth motion correlates with the envelope at least this well ..."""
    mouth_margin: float = 0.15
    """... and by this much better than anyone else's; otherwise it stays unattributed."""
    mouth_min_visible: float = 0.6
    """A person's mouth counts only when it is visible on at least this share of the utterance's frames."""
    mouth_min_visibility: float = 0.5
    """Pose-landmark visibility (nose, mouth corners) below which a mouth counts as not visible."""
