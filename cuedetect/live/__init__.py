"""Live mode: camera (or a video file at real-time pace) -> pose -> cues shown as they happen.

A capture thread reads the source, records every frame (fragmented H.264 mp4, playable even after a
crash) and hands the newest frame to the processing loop through a single-slot buffer, so frames are
dropped, never queued, when the machine is slower than the camera. The loop finds and tracks people
(lite model), draws the overlay and asks a cue worker (another process) for the cues of the last few
seconds. When the session stops, the recording is stored as a session and analysed again at full
quality in the background.

Entry points: `LiveSession` (cuedetect.live.session), `cuedetect live` (cuedetect.cli.live).
"""
