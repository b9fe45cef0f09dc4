"""Pose: frames -> poses -> tracks -> floor (frame sources, multi-person pose, tracking, filters, floor).

Nothing here imports the cue package: cues are computed from what this package produces.
"""
