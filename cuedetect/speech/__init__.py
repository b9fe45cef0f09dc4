"""What was said: speech-to-text on the voice stage's speech stretches, phrase spotting, verbal cues.

`speech_stage` (stage.py) is what the analysis runs; `recognisers` holds the speech recognisers (the
embedded default pocketsphinx, faster-whisper as an optional extra); `phrases` the phrase list (data,
`phrases.toml`) and its spotting; `cues` the verbal cue events and talk-time share.
"""
