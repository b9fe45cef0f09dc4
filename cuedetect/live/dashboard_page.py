"""The live view inside the dashboard: the trainee's browser camera, cues as they happen, then review.

For the dashboard engineer: call `render_live_page()` from a page of the dashboard, e.g.

    from cuedetect.live.dashboard_page import render_live_page
    render_live_page(store_path=ctx.store_path, record_dir=ctx.data_dir / "live",
                     trainee=ctx.me, open_review=lambda sid: go("review", sid))

The page captures the camera with getUserMedia inside a component iframe (Streamlit allows `camera` in
component iframes), posts ~15 JPEG frames/s to a `LiveServer` on 127.0.0.1 (one per Streamlit server
process, kept in `st.session_state`), and draws the overlay it gets back. Stopping stores the session
and starts the full-quality analysis in the background, like `cuedetect live`. getUserMedia needs a
secure context: open the dashboard as http://localhost or http://127.0.0.1 (or over https).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

PAGE_FPS = 15
CAPTURE_SIZE = (640, 480)

_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><style>
 body { margin: 0; font: 14px sans-serif; background: #111; color: #eee; }
 #view { width: 100%; max-width: __W__px; display: block; background: #000; }
 #bar { padding: 6px; } button { font-size: 14px; margin-right: 8px; }
</style></head><body>
<div id="bar"><button id="start">Start camera</button><button id="stop" disabled>Stop and store</button>
<span id="msg">Camera off.</span></div>
<canvas id="view" width="__W__" height="__H__"></canvas>
<video id="cam" playsinline muted style="display:none"></video>
<script>
const SERVER = "http://127.0.0.1:__PORT__", FPS = __FPS__, W = __W__, H = __H__;
const cam = document.getElementById("cam"), view = document.getElementById("view");
const msg = document.getElementById("msg"), ctx = view.getContext("2d");
const grab = document.createElement("canvas"); grab.width = W; grab.height = H;
let running = false, busy = false, stream = null, sent = 0;
function say(text) { msg.textContent = text; }
async function start() {
  try {
    stream = await navigator.mediaDevices.getUserMedia({video: {width: W, height: H}, audio: false});
  } catch (e) {
    const why = {NotFoundError: "no camera found: is one plugged in?",
                 NotAllowedError: "camera permission was refused: allow it in the browser",
                 NotReadableError: "the camera is busy in another program: close it and retry"}[e.name];
    say("Camera problem: " + (why || e.name + " " + e.message)); return;
  }
  cam.srcObject = stream; await cam.play(); running = true;
  document.getElementById("start").disabled = true; document.getElementById("stop").disabled = false;
  stream.getVideoTracks()[0].addEventListener("ended", () => { say("Camera unplugged: stopping."); stop(); });
  setInterval(tick, 1000 / FPS);
}
function tick() {
  if (!running || busy || cam.readyState < 2) return;   // never queue frames: skip while one is out
  busy = true;
  grab.getContext("2d").drawImage(cam, 0, 0, W, H);
  grab.toBlob(async (blob) => {
    try {
      const r = await fetch(SERVER + "/frame?t=" + performance.now(), {method: "POST", body: blob});
      sent++;
      if (r.status === 200) {
        const img = await createImageBitmap(await r.blob()); ctx.drawImage(img, 0, 0, W, H);
        say("Live: " + sent + " frames sent.");
      } else { ctx.drawImage(grab, 0, 0); say("Starting (loading the pose model)..."); }
    } catch (e) { say("Lost the live server: " + e); running = false; }
    busy = false;
  }, "image/jpeg", 0.8);
}
async function stop() {
  running = false; if (stream) stream.getTracks().forEach(t => t.stop());
  document.getElementById("stop").disabled = true;
  try { await fetch(SERVER + "/stop", {method: "POST"}); } catch (e) {}
  say("Stopped: storing the session...");
}
document.getElementById("start").onclick = start;
document.getElementById("stop").onclick = stop;
</script></body></html>"""


def live_page_html(port: int, fps: int = PAGE_FPS, size: tuple[int, int] = CAPTURE_SIZE) -> str:
    """The component page: camera capture, frame posting to 127.0.0.1:`port`, overlay drawing."""
    w, h = size
    return (
        _HTML.replace("__PORT__", str(int(port)))
        .replace("__FPS__", str(int(fps)))
        .replace("__W__", str(int(w)))
        .replace("__H__", str(int(h)))
    )


def status_lines(status: dict[str, Any], review_url: str | None) -> list[str]:
    """What the page says about the session (pure, for tests)."""
    state = status.get("state", "starting")
    if state == "failed":
        return [f"The live session failed: {status.get('error')}"]
    if state != "stored":
        fps, lat = status.get("fps"), status.get("latency_ms")
        return [
            f"Live: {fps or 0:.1f} fps, latency {lat if lat is not None else '-'} ms, "
            f"{status.get('dropped', 0)} frames dropped"
        ]
    lines = [
        f"Stored: {status.get('events', 0)} cue events seen live; the full-quality analysis runs in "
        "the background."
    ]
    if status.get("fault"):
        lines.append(f"Camera problem: {status['fault']} (the recording up to then is kept).")
    sid = status.get("session_id")
    if sid is not None:
        lines.append(
            f"Session {sid}"
            + (f": [open it in the review page]({review_url.format(session_id=sid)})" if review_url else "")
        )
    return lines


def render_live_page(
    store_path: Path | None = None,
    record_dir: Path | None = None,
    review_url: str | None = None,
    st: Any = None,
    full_analysis: bool = True,
    trainee: str | None = None,
    open_review: Callable[[int], None] | None = None,
) -> None:
    """Draw the live page (call inside a Streamlit script).

    Args:
        store_path: the session store (default data_dir()/cuedetect.sqlite).
        record_dir: where recordings go (default data_dir()/live).
        review_url: a link to the review page, with `{session_id}` to fill in.
        st: the streamlit module (injectable for tests).
        full_analysis: start the full-quality analysis in the background after a session.
        trainee: the trainee the stored session belongs to (e.g. the dashboard's trainee mode user).
        open_review: called with the session id by an "Open in the review page" button (e.g. the
            dashboard's `lambda sid: go("review", sid)`); used as a button's on_click callback.
    """
    if st is None:
        import streamlit as st
    from streamlit.components.v1 import html

    from cuedetect.dashboard.text import md_text
    from cuedetect.live.browser import LiveServer, default_options

    st.header("Live practice")
    st.caption(
        "Practise in front of the camera: skeletons, distance and cues appear as they happen "
        "(escalation red, de-escalation blue, as on the review page). Stop to store the session for "
        "review; its full analysis then adds the skeleton overlay video."
    )
    server: LiveServer | None = st.session_state.get("cuedetect_live_server")
    if server is None or server.status.get("state") in ("stored", "failed"):
        if server is not None:
            for line in status_lines(server.status, review_url):
                st.markdown(line)
            sid = server.status.get("session_id")
            if sid is not None and open_review is not None:
                st.button("Open in the review page", on_click=open_review, args=(sid,))
        if trainee:
            name = trainee
            st.caption(f"Practising as {md_text(trainee)}.")
        else:
            name = (
                st.text_input(
                    "Trainee's name",
                    key="live_trainee_name",
                    placeholder="who practises now (the session is stored under this name)",
                )
                or ""
            ).strip()
        if st.button("New live session", type="primary", disabled=not name):
            options = default_options(record_dir, store_path)
            options.full_analysis = full_analysis
            options.trainee = trainee or name
            server = LiveServer(options, CAPTURE_SIZE).start()
            st.session_state["cuedetect_live_server"] = server
            st.rerun()
        return
    html(live_page_html(server.port), height=CAPTURE_SIZE[1] + 60)

    @st.fragment(run_every=2.0)
    def _status() -> None:  # refreshes itself; once the session is stored the whole page reruns
        now = server.status
        for line in status_lines(now, review_url):
            st.markdown(line)
        if now.get("state") in ("stored", "failed"):
            st.rerun(scope="app")

    _status()
