"""Logic behind `dashboard.py`, the Streamlit debrief dashboard.

Pure, unit-tested modules (no Streamlit import at module level):

- `settings`: the dashboard's settings (cue thresholds, model choice, upload limit), saved atomically.
- `uploads`: checks of uploaded files and paths; every write stays inside the data directory.
- `jobs`, `worker`: background analysis jobs whose status file survives a page reload.
- `library`: session rows with headline numbers, search and filter.
- `review_data`: everything the review page shows, prepared once per store change.
- `timeline`: the altair timeline (lanes per person and cue, distance line, safe-distance band).
- `seek`: timeline selection -> exact seek time, next/previous event, keyboard shortcuts.
- `actions`: review actions from the page (confirm, reject, adjust, comment, add, roles).
- `progress`: a trainee's progress charts across sessions, linked to the sessions.
- `exports`: every export format as bytes for a download button.

`views/` holds the Streamlit layout of each page; `player` the small in-page component that seeks the
video to the exact moment (st.video's own start_time is whole seconds) and listens for shortcut keys.
"""
