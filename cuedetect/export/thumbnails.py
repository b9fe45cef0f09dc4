"""Still frames of moments in a video, as small JPEGs (for the HTML report)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path


def grab_jpegs(
    video: Path, times: Iterable[float], width: int = 240, quality: int = 80
) -> dict[float, bytes]:
    """JPEG bytes of the first frame at or after each time (PyAV timestamps). Missing video -> {}."""
    import av
    import cv2

    wanted = sorted(set(times))
    out: dict[float, bytes] = {}
    if not wanted or not Path(video).is_file():
        return out
    try:
        container = av.open(str(video))
    except Exception:
        return out
    with container:
        stream = container.streams.video[0]
        for t in wanted:
            frame_img = None
            try:
                container.seek(int(max(t, 0) / stream.time_base), stream=stream, backward=True)
                for frame in container.decode(stream):
                    frame_img = frame.to_ndarray(format="bgr24")
                    if frame.time is not None and frame.time >= t - 1e-3:
                        break
            except Exception:
                frame_img = None
            if frame_img is None:
                continue
            h, w = frame_img.shape[:2]
            small = cv2.resize(frame_img, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
            ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok:
                out[t] = buf.tobytes()
    return out


def data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
