"""cuedetect: escalation and de-escalation cues in role-play recordings of de-escalation training."""

__version__ = "0.1.0"
