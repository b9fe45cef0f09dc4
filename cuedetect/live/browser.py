"""Live mode fed by a browser: the page's camera frames are POSTed to a small local server.

`BrowserSource` is a live source whose frames are pushed (JPEG bytes with the browser's capture time)
instead of read; `LiveServer` runs a `LiveSession` on it in a thread and serves, on 127.0.0.1 only:

    POST /frame?t=<ms>   body: a JPEG frame -> the newest overlay as a JPEG (or 204 before the first)
    POST /stop           ends the session (it is stored and analysed like any other)
    GET  /status         JSON: state, fps, latency, dropped, and at the end the session id and folder

Pushed frames wait in a short bounded queue for the capture thread (which records each one); when it
is full the newest frame is refused (HTTP 429), so nothing queues without bound.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import numpy as np

from cuedetect.live.engine import FrameReport
from cuedetect.live.session import LiveOptions, LiveResult, LiveSession
from cuedetect.live.sources import SourceLostError
from cuedetect.pose.sources import Frame, working_size

_END = object()


class BrowserSource:
    """Frames pushed from a browser (`push`), yielded in order to the capture thread."""

    paced_file = False

    def __init__(
        self, size: tuple[int, int], max_side: int | None = 960, idle_timeout_s: float = 10.0
    ) -> None:
        self.size = working_size(*size, max_side)
        self.name = "browser camera"
        self.idle_timeout_s = idle_timeout_s
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self._t0: float | None = None
        self.refused = 0

    def push(self, jpeg: bytes, t_ms: float | None = None) -> bool:
        """Queue one frame; False (refused) when the queue is full or the image cannot be read."""
        import cv2

        bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            return False
        if (bgr.shape[1], bgr.shape[0]) != self.size:
            bgr = cv2.resize(bgr, self.size, interpolation=cv2.INTER_LINEAR)
        t = (t_ms / 1000.0) if t_ms is not None else time.monotonic()
        if self._t0 is None:
            self._t0 = t
        try:
            self._queue.put_nowait((max(0.0, t - self._t0), cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
        except queue.Full:
            self.refused += 1
            return False
        return True

    def end(self) -> None:
        while True:
            try:
                self._queue.put_nowait(_END)
                return
            except queue.Full:
                self._queue.get_nowait()

    def __iter__(self) -> Iterator[Frame]:
        i = 0
        while True:
            try:
                item = self._queue.get(timeout=self.idle_timeout_s)
            except queue.Empty:
                raise SourceLostError(
                    f"the browser sent no frame for {self.idle_timeout_s:.0f} s (tab closed or camera "
                    "stopped); the recording up to then is kept"
                ) from None
            if item is _END:
                return
            t, rgb = item
            yield Frame(i, t, rgb)
            i += 1

    def close(self) -> None:
        self.end()


class LiveServer:
    """A `LiveSession` on a `BrowserSource`, driven over HTTP on 127.0.0.1 (see the module docstring)."""

    def __init__(self, options: LiveOptions, size: tuple[int, int] = (640, 480), port: int = 0) -> None:
        self.source = BrowserSource(size)
        self.options = options
        self.options.on_frame = self._on_frame
        self._overlay: bytes | None = None
        self._state: dict[str, Any] = {"state": "starting"}
        self.result: LiveResult | None = None
        self.error: str | None = None
        self.session = LiveSession(self.source, self.options)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = int(self.httpd.server_address[1])
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, daemon=True, name="live-http"),
            threading.Thread(target=self._run, daemon=True, name="live-session"),
        ]

    def start(self) -> LiveServer:
        for t in self._threads:
            t.start()
        return self

    def _run(self) -> None:
        try:
            self._state["state"] = "live"
            with self.session:
                self.result = self.session.run()
            self._state.update(
                state="stored",
                session_id=self.result.session_id,
                folder=str(self.result.folder),
                events=len(self.result.events),
                fault=self.result.fault,
            )
        except Exception as exc:  # shown in the page; the recording (if any) stays on disk
            self.error = f"{type(exc).__name__}: {exc}"
            self._state.update(state="failed", error=self.error)

    def _on_frame(self, report: FrameReport) -> None:
        import cv2

        ok, buf = cv2.imencode(".jpg", report.view, [cv2.IMWRITE_JPEG_QUALITY, 75])
        if ok:
            self._overlay = buf.tobytes()
        s = report.state
        self._state.update(
            fps=round(s.fps, 1),
            latency_ms=round(s.latency_ms, 1) if s.latency_ms == s.latency_ms else None,
            dropped=s.dropped,
            now=round(s.now, 1),
        )

    def stop(self, wait: float = 120.0) -> LiveResult | None:
        """End the session, wait for it to be stored, and shut the server down."""
        self.source.end()
        self.session.stop()
        self._threads[1].join(timeout=wait)
        self.httpd.shutdown()
        self.httpd.server_close()
        return self.result

    @property
    def status(self) -> dict[str, Any]:
        out = dict(self._state)
        if out["state"] == "live" and not self.session.started.is_set():
            out["state"] = "starting"  # loading the model: frames are refused until it is ready
        return out

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _send(self, code: int, body: bytes = b"", ctype: str = "application/json") -> None:
                self.send_response(code)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Cache-Control", "no-store")
                if body:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def do_OPTIONS(self) -> None:
                self._send(204)

            def do_GET(self) -> None:
                if urlparse(self.path).path == "/status":
                    self._send(200, json.dumps(server.status).encode())
                else:
                    self._send(404)

            def do_POST(self) -> None:
                url = urlparse(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                if url.path == "/stop":
                    threading.Thread(target=server.stop, daemon=True).start()
                    self._send(202, json.dumps({"state": "stopping"}).encode())
                elif url.path == "/frame":
                    t = parse_qs(url.query).get("t", [None])[0]
                    if not server.source.push(body, float(t) if t else None):
                        self._send(429)
                    elif server._overlay is None:
                        self._send(204)
                    else:
                        self._send(200, server._overlay, "image/jpeg")
                else:
                    self._send(404)

        return Handler


def default_options(record_dir: Path | None = None, store_path: Path | None = None) -> LiveOptions:
    return LiveOptions(record_dir=record_dir, store_path=store_path, source_fps=15.0)
