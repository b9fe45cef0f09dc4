// The review stage: the video, its controls and the timeline under it, in the page itself (no iframe).
//
// The <video> element is created once per recording and kept in `window.__cdStage`: a Streamlit rerun
// (confirm, reject, comment, mark, a role change) re-calls this function with new data, and the same
// element is moved back into place, so its time, speed and play/pause state are never reset. Python asks
// for a seek only by sending a new `seek.nonce`. Everything user-written is set with textContent.
const SVGNS = 'http://www.w3.org/2000/svg';
const LABEL_W = 170, AXIS_H = 20, LANE_H = 18, SERIES_H = 64, PAD_R = 8;

function el(name, attrs, parent) {
  const node = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function clock(t, tenths) {
  if (!isFinite(t)) return '–';
  const m = Math.floor(t / 60), s = t - 60 * m;
  const ss = tenths ? s.toFixed(2).padStart(5, '0') : String(Math.floor(s)).padStart(2, '0');
  return `${m}:${ss}`;
}

function niceStep(span, px) {
  const target = span / Math.max(px / 80, 1);
  for (const s of [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800]) if (s >= target) return s;
  return 3600;
}

export default function stage(component) {
  const { data, setTriggerValue, parentElement } = component;
  const S = window.__cdStage || (window.__cdStage = {
    view: null, rate: 1, loop: false, drawHead() {}, paintControls() {}, runTicker() {},
  });
  S.data = data;
  S.trigger = setTriggerValue;
  S.component = component;
  const root = parentElement.querySelector('.cd-stage');
  S.root = root;
  const wrap = root.querySelector('.cd-video');
  const note = root.querySelector('.cd-note');
  note.textContent = data.message || '';
  note.style.display = data.message ? 'block' : 'none';
  const duration = Math.max(data.duration || 0, 0.1);
  if (!S.view || S.duration !== duration) S.view = [0, duration];
  S.duration = duration;

  // ---- the video: one element per recording, moved back into place on every rerun ----
  let v = null;
  if (data.video) {
    if (!S.video || S.url !== data.video.url) {
      // the overlay switched on or off (same recording): carry the time and play state over
      const carry = S.video && S.group === data.video.group
        ? { t: S.video.currentTime, play: !S.video.paused } : null;
      if (S.video) { S.video.pause(); S.video.remove(); }
      v = document.createElement('video');
      v.controls = true; v.preload = 'auto'; v.playsInline = true; v.muted = false;
      v.src = data.video.url;
      v.dataset.cdPlayer = '1';
      S.video = v; S.url = data.video.url; S.group = data.video.group; S.wantPlay = false;
      if (!carry) S.seekNonce = null;
      if (carry) {
        v.addEventListener('loadedmetadata', () => {
          v.currentTime = carry.t;
          if (carry.play) v.play().catch(() => {});
        }, { once: true });
      }
      v.addEventListener('play', () => { S.wantPlay = true; S.runTicker(); });
      // a pause because the element left the page (a rerun moved it) is not the user's pause
      v.addEventListener('pause', () => { if (v.isConnected) S.wantPlay = false; S.detachedAt = Date.now(); });
      v.addEventListener('seeked', () => S.drawHead());
      v.addEventListener('timeupdate', () => S.drawHead());
      v.addEventListener('pause', () => S.paintControls());
      v.addEventListener('ratechange', () => { S.rate = v.playbackRate; S.paintControls(); });
      v.addEventListener('loadedmetadata', () => { v.playbackRate = S.rate; S.drawHead(); });
    }
    v = S.video;
    if (v.parentNode !== wrap) {
      wrap.appendChild(v);
      if (S.wantPlay && v.paused && Date.now() - (S.detachedAt || 0) < 5000) v.play().catch(() => {});
    }
  } else if (S.video) {
    S.video.pause(); S.video.remove(); S.video = null; S.url = null;
  }
  const video = () => S.video;

  const seekTo = (t) => {
    const vv = video();
    if (!vv) return;
    const go = () => { vv.currentTime = Math.min(Math.max(t, 0), vv.duration || t); S.drawHead(); };
    if (vv.readyState < 1) vv.addEventListener('loadedmetadata', go, { once: true }); else go();
  };
  if (data.seek && S.seekNonce !== data.seek.nonce) {
    S.seekNonce = data.seek.nonce;
    seekTo(data.seek.t);
  }

  // ---- controls: play, frame step, speed, loop the selected event, take the moment ----
  const controls = root.querySelector('.cd-controls');
  const frame = 1 / ((data.video && data.video.fps) || 30);
  const act = {
    play: () => { const vv = video(); if (vv) { if (vv.paused) vv.play().catch(() => {}); else vv.pause(); } },
    back: () => { const vv = video(); if (vv) { vv.pause(); seekTo(vv.currentTime - frame); } },
    fwd: () => { const vv = video(); if (vv) { vv.pause(); seekTo(vv.currentTime + frame); } },
    loop: () => { S.loop = !S.loop; if (S.loop) enterLoop(); paintControls(); },
    mark: () => { const vv = video(); S.trigger('mark', { t: vv ? vv.currentTime : null, at: Date.now() }); },
  };
  controls.querySelectorAll('button[data-act]').forEach((b) => { b.onclick = () => act[b.dataset.act](); });
  controls.querySelectorAll('button[data-rate]').forEach((b) => {
    b.onclick = () => { S.rate = Number(b.dataset.rate); if (video()) video().playbackRate = S.rate; paintControls(); };
  });
  function paintControls() {
    controls.querySelectorAll('button[data-rate]').forEach((b) => {
      b.classList.toggle('on', Math.abs(Number(b.dataset.rate) - S.rate) < 1e-6);
    });
    const lb = controls.querySelector('button[data-act="loop"]');
    lb.disabled = !S.data.selected;
    lb.classList.toggle('on', S.loop && !!S.data.selected);
    const vv = video();
    const pb = controls.querySelector('button[data-act="play"]');
    pb.textContent = vv && !vv.paused ? '❚❚ Pause' : '▶ Play';
  }
  function enterLoop() {
    const sel = S.data.selected, vv = video();
    if (sel && vv && (vv.currentTime < sel.start - 0.05 || vv.currentTime > sel.end)) seekTo(sel.start);
  }
  if (video() && Math.abs(video().playbackRate - S.rate) > 1e-6) video().playbackRate = S.rate;

  // ---- the timeline: axis with note markers, one lane per person and cue, then the series lanes ----
  const host = root.querySelector('.cd-timeline');
  const lanes = data.lanes || [], series = data.series || [];
  const H = AXIS_H + LANE_H * lanes.length + SERIES_H * series.length + (series.length ? 22 : 6);
  const W = Math.max(host.clientWidth || root.clientWidth || 700, 320);
  host.replaceChildren();
  const svg = el('svg', { width: W, height: H, class: 'cd-svg', role: 'img' }, host);
  el('title', {}, svg).textContent = 'Timeline: click an event or a moment to play from there';
  const x0 = LABEL_W, x1 = W - PAD_R;
  const X = (t) => x0 + ((t - S.view[0]) / (S.view[1] - S.view[0])) * (x1 - x0);
  const T = (x) => S.view[0] + ((x - x0) / (x1 - x0)) * (S.view[1] - S.view[0]);
  svg.dataset.x0 = x0; svg.dataset.x1 = x1; svg.dataset.t0 = S.view[0]; svg.dataset.t1 = S.view[1];
  const clipId = 'cd-clip';
  el('rect', { x: x0, y: 0, width: x1 - x0, height: H }, el('clipPath', { id: clipId }, el('defs', {}, svg)));
  // axis
  const step = niceStep(S.view[1] - S.view[0], x1 - x0);
  const axis = el('g', { class: 'cd-axis' }, svg);
  for (let t = Math.ceil(S.view[0] / step) * step; t <= S.view[1] + 1e-9; t += step) {
    el('line', { x1: X(t), x2: X(t), y1: AXIS_H - 5, y2: H, class: 'cd-grid' }, axis);
    const lab = el('text', { x: X(t), y: AXIS_H - 8, 'text-anchor': 'middle' }, axis);
    lab.textContent = clock(t, step < 1);
  }
  const axisLabel = el('text', { x: 4, y: AXIS_H - 8, class: 'cd-dim' }, axis);
  axisLabel.textContent = 'time (m:ss)';
  // event lanes
  const g = el('g', { 'clip-path': `url(#${clipId})` }, svg);
  const selKey = S.data.selected ? S.data.selected.key : null;
  svg.dataset.selected = selKey || '';
  lanes.forEach((lane, i) => {
    const y = AXIS_H + i * LANE_H;
    if (i % 2 === 0) el('rect', { x: 0, y, width: W, height: LANE_H, class: 'cd-band' }, svg).style.pointerEvents = 'none';
    const label = el('text', { x: 6, y: y + LANE_H - 5, class: 'cd-lane' }, svg);
    label.style.fill = lane.colour;  // a style: the sheet's text colour would win over an attribute
    label.textContent = lane.label;
    for (const ev of lane.events) {
      const x = X(ev.start), w = Math.max(X(ev.end) - x, 3);
      const colour = (data.kind_colours || {})[ev.kind] || '#888';
      const r = el('rect', { x, y: y + 2, width: w, height: LANE_H - 4, rx: 3, class: `cd-ev cd-${ev.status}` }, g);
      if (ev.status === 'rejected') {
        r.setAttribute('fill', '#ffffff'); r.setAttribute('stroke', colour); r.setAttribute('stroke-dasharray', '3 2');
      } else {
        r.setAttribute('fill', colour);
        r.setAttribute('fill-opacity', String(0.35 + 0.65 * (ev.confidence == null ? 1 : ev.confidence)));
        if (ev.status === 'confirmed') { r.setAttribute('stroke', '#1f1f1f'); r.setAttribute('stroke-width', '1.5'); }
      }
      if (ev.key === selKey) { r.setAttribute('stroke', '#1d4ed8'); r.setAttribute('stroke-width', '3'); r.removeAttribute('stroke-dasharray'); }
      r.setAttribute('aria-label', `event ${ev.key} ${ev.text}`);
      r.dataset.key = ev.key;
      el('title', {}, r).textContent = ev.text;
      r.addEventListener('click', (e) => {
        e.stopPropagation();
        seekTo(ev.start);
        S.trigger('select', { key: ev.key, t: ev.start, at: Date.now() });
      });
      if (ev.comments) {
        const dot = el('text', { x: x + 2, y: y + LANE_H - 5, class: 'cd-dot' }, g);
        dot.textContent = '💬';
      }
    }
  });
  // series lanes (distance; later voice): a line with its uncertainty, bands and reference lines
  series.forEach((s, i) => {
    const top = AXIS_H + LANE_H * lanes.length + 8 + i * SERIES_H, h = SERIES_H - 10;
    const Y = (val) => top + h - (Math.min(Math.max(val, 0), s.ymax) / s.ymax) * h;
    const label = el('text', { x: 6, y: top + 12, class: 'cd-lane' }, svg);
    label.textContent = s.label;
    const unit = el('text', { x: 6, y: top + 26, class: 'cd-dim' }, svg);
    unit.textContent = `0–${s.ymax} ${s.unit}`;
    for (const b of s.bands || []) {
      const rect = el('rect', { x: x0, y: Y(b.hi), width: x1 - x0, height: Math.max(Y(b.lo) - Y(b.hi), 0), fill: b.colour, 'fill-opacity': 0.16 }, svg);
      el('title', {}, rect).textContent = b.label;
    }
    for (const r of s.rules || []) {
      el('line', { x1: x0, x2: x1, y1: Y(r.y), y2: Y(r.y), class: 'cd-rule' }, svg);
      const t = el('text', { x: x1 - 4, y: Y(r.y) - 2, 'text-anchor': 'end', class: 'cd-dim' }, svg);
      t.textContent = r.label;
    }
    for (const line of s.lines || []) {
      const pts = line.points;
      let band = '', path = '', lower = '';
      let pen = false;
      for (const [t, val, lo, hi] of pts) {
        if (val == null) { pen = false; continue; }
        path += `${pen ? 'L' : 'M'}${X(t).toFixed(1)},${Y(val).toFixed(1)}`;
        pen = true;
      }
      const up = pts.filter((p) => p[3] != null), down = [...up].reverse();
      if (up.length > 1) {
        band = up.map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[3]).toFixed(1)}`).join('');
        lower = down.map((p) => `L${X(p[0]).toFixed(1)},${Y(p[2]).toFixed(1)}`).join('');
        el('path', { d: band + lower + 'Z', fill: line.colour, 'fill-opacity': 0.15, stroke: 'none' }, g);
      }
      const p = el('path', { d: path, fill: 'none', stroke: line.colour, 'stroke-width': 1.6 }, g);
      el('title', {}, p).textContent = line.name;
    }
  });
  // markers: comments on moments and bookmarks, on the axis
  for (const m of data.markers || []) {
    if (m.t < S.view[0] || m.t > S.view[1]) continue;
    const x = X(m.t);
    const mk = el('path', { d: `M${x - 5},2 L${x + 5},2 L${x},11 Z`, class: `cd-marker cd-${m.kind}` }, svg);
    mk.setAttribute('aria-label', `${m.kind} at ${clock(m.t, true)}`);
    el('title', {}, mk).textContent = `${m.kind} ${clock(m.t, true)}: ${m.text}`;
    mk.addEventListener('click', (e) => { e.stopPropagation(); seekTo(m.t); });
  }
  // the play line
  const head = el('line', { y1: 0, y2: H, class: 'cd-head' }, svg);
  head.style.pointerEvents = 'none';
  S.head = head; S.X = X;
  function drawHead() {
    const vv = video();
    if (!S.head || !vv) return;
    const t = vv.currentTime;
    if (!vv.paused && (t > S.view[1] || t < S.view[0])) {  // follow the video when it leaves the view
      const span = S.view[1] - S.view[0];
      const start = Math.min(Math.max(t - 0.1 * span, 0), Math.max(S.duration - span, 0));
      S.view = [start, start + span];
      render();
      return;
    }
    const x = S.X(t);
    S.head.setAttribute('x1', x); S.head.setAttribute('x2', x);
    S.head.dataset.t = String(t);
    S.head.style.display = t >= S.view[0] && t <= S.view[1] ? '' : 'none';
    const tl = S.root.querySelector('.cd-time');
    if (tl) tl.textContent = `${clock(t, true)} / ${clock(vv.duration || S.duration, true)}`;
    const sel = S.data.selected;
    if (S.loop && sel && !vv.paused && t >= sel.end) vv.currentTime = sel.start;
  }
  function runTicker() {
    if (S.ticking) return;
    S.ticking = true;
    const tick = () => {
      drawHead();
      const vv = video();
      if (vv && !vv.paused && !vv.ended) requestAnimationFrame(tick); else { S.ticking = false; paintControls(); }
    };
    paintControls();
    requestAnimationFrame(tick);
  }
  S.drawHead = drawHead;
  S.runTicker = runTicker;
  S.paintControls = paintControls;
  const render = () => redraw();
  // clicks, zoom and pan on the timeline
  let drag = null;
  svg.addEventListener('mousedown', (e) => { drag = { x: e.clientX, view: [...S.view], moved: false }; });
  svg.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const span = drag.view[1] - drag.view[0], dt = (-dx / (x1 - x0)) * span;
    const start = Math.min(Math.max(drag.view[0] + dt, 0), duration - span);
    S.view = [start, start + span];
    redraw();
  });
  svg.addEventListener('mouseup', (e) => {
    const moved = drag && drag.moved;
    drag = null;
    if (moved) return;
    const rect = svg.getBoundingClientRect(), x = e.clientX - rect.left;
    if (x < x0 || x > x1 || e.target.classList.contains('cd-ev')) return;
    const t = Math.min(Math.max(T(x), 0), duration);
    seekTo(t);
    S.trigger('moment', { t, at: Date.now() });
  });
  svg.addEventListener('mouseleave', () => { drag = null; });
  svg.addEventListener('wheel', (e) => {
    const rect = svg.getBoundingClientRect(), x = e.clientX - rect.left;
    if (x < x0 || !(e.ctrlKey || e.shiftKey || e.altKey)) return;  // a plain wheel scrolls the page
    e.preventDefault();
    const t = T(x), span = S.view[1] - S.view[0];
    const next = Math.min(Math.max(span * (e.deltaY > 0 ? 1.25 : 0.8), 1), duration);
    let start = t - ((t - S.view[0]) / span) * next;
    start = Math.min(Math.max(start, 0), duration - next);
    S.view = [start, start + next];
    redraw();
  }, { passive: false });
  svg.addEventListener('dblclick', () => { S.view = [0, duration]; redraw(); });
  function redraw() {
    S.redrawPending = S.redrawPending || requestAnimationFrame(() => { S.redrawPending = 0; stage(S.component); });
  }

  // ---- keys that need the video: K play/pause, M take the moment, comma/period frame step ----
  if (S.onKey) document.removeEventListener('keydown', S.onKey);
  S.onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const path = e.composedPath ? e.composedPath() : [e.target];
    for (const node of path) {
      const tag = ((node && node.tagName) || '').toLowerCase();
      if (tag === 'input' || tag === 'textarea' || tag === 'select' || (node && node.isContentEditable)) return;
    }
    const a = (S.data.keys || {})[(e.key || '').toLowerCase()];
    if (!a) return;
    e.preventDefault();
    ({ play_pause: act.play, mark: act.mark, frame_back: act.back, frame_forward: act.fwd, loop: act.loop })[a]?.();
  };
  document.addEventListener('keydown', S.onKey);
  if (S.onResize) window.removeEventListener('resize', S.onResize);
  S.onResize = () => redraw();
  window.addEventListener('resize', S.onResize);
  paintControls();
  drawHead();
}

