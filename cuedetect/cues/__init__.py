"""Cue detection: catalogue, features, classifier and rules, events, roles, summary, event scoring.

The pipeline calls `detect_cues(poses, pairs, settings)` after pose analysis and writes the result
with `write_events_json(path, result, video)`. Heavy imports (scikit-learn, skops) happen only when a
model is trained or loaded.
"""

from cuedetect.cues.catalogue import CATALOGUE, CUE_IDS
from cuedetect.cues.detect import EventsResult, detect_cues, write_events_json
from cuedetect.cues.settings import CueSettings

__all__ = ["CATALOGUE", "CUE_IDS", "CueSettings", "EventsResult", "detect_cues", "write_events_json"]
