// The transcript panel: utterances with their speaker, each word a button-like span that reports its
// seek time (`seek` trigger); cue phrases marked, search hits outlined, the first hit scrolled into view.
// Everything is set with textContent (recognised words are never markup); nothing is fetched.
export default function transcript(component) {
  const { data, setTriggerValue, parentElement } = component;
  const root = parentElement.querySelector('.cd-said');
  root.querySelector('.cd-said-note').textContent = data.note || '';
  const list = root.querySelector('.cd-said-list');
  const kept = list.scrollTop, newQuery = root.dataset.q !== (data.query || '');
  root.dataset.q = data.query || '';
  list.replaceChildren();
  let nonce = 0;
  const seek = (t) => setTriggerValue('seek', { t, n: ++nonce + Math.random() });
  let first = null;
  (data.utterances || []).forEach((u, i) => {
    const p = document.createElement('p');
    p.className = 'cd-utt';
    const at = document.createElement('span');
    at.className = 'cd-at';
    at.textContent = u.at;
    const who = document.createElement('span');
    who.className = `cd-who ${u.kind}`;
    who.textContent = `${u.speaker}:`;
    who.title = 'Play from the start of this';
    who.onclick = () => seek(u.t);
    p.append(at, who);
    u.words.forEach((w, j) => {
      const s = document.createElement('span');
      s.className = 'cd-w' + (w.cue ? ' cue' : '') + (w.hit ? ' hit' : '') + (w.unsure ? ' unsure' : '');
      s.textContent = w.w;
      s.dataset.t = String(w.t);
      s.dataset.s = String(w.s);
      s.dataset.e = String(w.e);
      s.title = (w.cue ? `${w.cue} · ` : '') + (w.unsure ? 'not sure of this word · ' : '') + 'play from here';
      s.onclick = () => seek(w.t);
      if (data.first_hit && data.first_hit[0] === i && data.first_hit[1] === j) first = s;
      p.append(s, document.createTextNode(' '));
    });
    list.append(p);
  });
  // the word being spoken, underlined as the stage's video plays (one timer for the page)
  const spans = [...list.querySelectorAll('.cd-w')];
  let current = null;
  if (window.__cdSaidTimer) clearInterval(window.__cdSaidTimer);
  window.__cdSaidTimer = setInterval(() => {
    const v = window.__cdStage && window.__cdStage.video;
    if (!v || !list.isConnected) return;
    const t = v.currentTime;
    const now = spans.find((s) => t >= Number(s.dataset.s) && t <= Number(s.dataset.e)) || null;
    if (now === current) return;
    if (current) current.classList.remove('now');
    if (now) now.classList.add('now');
    current = now;
  }, 200);
  // a new search shows its first match; any other rerun (a review action) keeps the reader's place
  if (first && newQuery) list.scrollTop = Math.max(first.offsetTop - list.offsetTop - 20, 0);
  else list.scrollTop = kept;
}
