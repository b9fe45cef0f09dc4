"""Hand-made mutations (issue 20's ten and later ones): apply each, run its tests, restore.

    .venv/bin/python tests/mutation/known_mutations.py            # all of them
    .venv/bin/python tests/mutation/known_mutations.py merge_gap  # one, by name

Not collected by pytest (no `test_` prefix) and not in CI: it edits the source files in place (restored
in a `finally`, also on Ctrl-C or a kill), so run it on a clean checkout. Prints one line per mutation:
killed (a test failed) or SURVIVED; exits 1 if any survived.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


CUES = "tests/unit/cues"
SHAPE = "tests/unit/hands/test_shape.py"
SHAPE_RULES = "tests/unit/hands/test_shape_rules.py"
ERASE, ERASURE = "tests/unit/store/test_store_erasure.py", "cuedetect/store/erasure.py"
RECALIBRATE = "tests/unit/training/test_recalibrate.py"
TRACKING = ("tests/unit/pose/test_tracking.py", "tests/unit/pose/test_tracking_identical.py")
PALM, PALM_DETECTOR = "tests/unit/hands/test_palm.py", "tests/unit/hands/test_palm_detector.py"

MUTATIONS = (
    Mutation("hysteresis_off", "hysteresis switches off at `on` instead of `off`", "cuedetect/cues/events.py",
             "elif active and v < off:", "elif active and v < on:", (CUES,)),
    Mutation("no_smoothing", "per-frame probability smoothing disabled (k = 1)", "cuedetect/cues/events.py",
             "k = round(settings.prob_smooth_s * fps)", "k = 1", (CUES,)),
    Mutation("merge_gap", "event merge gap `<` -> `<=`", "cuedetect/cues/events.py",
             "return gap_s < allowed", "return gap_s <= allowed", (CUES,)),
    Mutation("kappa", "kappa denominator changed", "cuedetect/store/agreement.py",
             "return (p_o - p_e) / (1 - p_e)", "return (p_o - p_e) / (1 + p_e)",
             ("tests/unit/store/test_store_agreement.py",)),
    Mutation("too_close", "`too_close` threshold 1.0 -> 1.4 m", "cuedetect/cues/settings.py",
             "too_close_m: float = 1.0", "too_close_m: float = 1.4", (CUES,)),
    Mutation("closing_speed", "closing-speed threshold x1.3", "cuedetect/cues/rules.py",
             "fast = np.nan_to_num(closing - settings.closing_speed_mps, nan=-1.0)",
             "fast = np.nan_to_num(closing - 1.3 * settings.closing_speed_mps, nan=-1.0)", (CUES,)),
    Mutation("own_bonus", "tracker: own-landmarker bonus sign flipped", "cuedetect/pose/tracking.py",
             "cost -= o.own_bonus", "cost += o.own_bonus", TRACKING),
    Mutation("box_overlap", "tracker: box-overlap cost term inverted", "cuedetect/pose/tracking.py",
             "o.w_box * (1 - iou)", "o.w_box * iou", TRACKING),
    Mutation("reid_gate", "tracker: re-identification position gate removed", "cuedetect/pose/tracking.py",
             "    if kp > allowed:\n        return INF_COST\n", "", TRACKING),
    Mutation("approacher", "approacher choice flipped", "cuedetect/cues/rules.py",
             "return (0, 1) if move_a >= move_b else (1, 0)", "return (1, 0) if move_a >= move_b else (0, 1)",
             (CUES,)),
    # session 10: one or two planted bugs for each module tested by mutation then (docs/mutation/)
    Mutation("crossed_speed_veto", "fusion: arms_crossed ruled out when slower, not faster, than the limit",
             "cuedetect/cues/fusion.py", 'column(feats, "m_hip_speed") > settings',
             'column(feats, "m_hip_speed") < settings', ("tests/unit/cues/test_fusion.py",)),
    Mutation("duration_strict", "events: an event must last longer than the minimum, not at least it",
             "cuedetect/cues/events.py", "if t[b] - t[a] >= min_dur]", "if t[b] - t[a] > min_dur]",
             ("tests/unit/cues/test_event_durations.py",)),
    Mutation("train_split_allowed", "recalibrate: clips of the style catalogue's train split accepted",
             "cuedetect/training/recalibrate.py", 'if c.name in fitted or c.meta.get("split") == "train":',
             "if c.name in fitted:", (RECALIBRATE,)),
    Mutation("card_sections_lost", "recalibrate: the card keeps only its last section after Calibration",
             "cuedetect/training/recalibrate.py", 'rest[rest.index("\\n## ") + 1 :]',
             'rest[rest.rindex("\\n## ") + 1 :]', (RECALIBRATE,)),
    Mutation("thumb_dir_from_ip", "hand shape: the thumb's direction from its IP joint, not its knuckle",
             "cuedetect/hands/shape.py", "thumb_up = float(-_unit(lm[4] - lm[2])[1])  # image up is -y",
             "thumb_up = float(-_unit(lm[4] - lm[3])[1])  # image up is -y", (SHAPE,)),
    Mutation("tuck_ignored", "hand shape: a fist no longer wants the thumb over the fingers",
             "cuedetect/hands/shape.py", "tucked = 1.0 - r.tuck_weight * (1.0 - _sig(",
             "tucked = 1.0 - 0.0 * (1.0 - _sig(", (SHAPE,)),
    Mutation("erase_forgets_reviews", "erasure: the session's review rows are not deleted",
             ERASURE, 'run("DELETE FROM review_log WHERE session_id = ?", (sid,)).rowcount', "0", (ERASE,)),
    Mutation("erase_all_reviews", "erasure: every session's review rows are deleted",
             ERASURE, '"DELETE FROM review_log WHERE session_id = ?", (sid,)',
             '"DELETE FROM review_log WHERE session_id = ? OR 1", (sid,)', (ERASE,)),
    Mutation("erase_plain_delete", "erasure: deleted rows are not overwritten (secure_delete off)",
             ERASURE, '"PRAGMA secure_delete = ON"', '"PRAGMA secure_delete = OFF"', (ERASE,)),
    # session 11: one planted bug for each module tested by mutation then (docs/mutation/)
    Mutation("still_gate_any_window", "still gate: a crop of another window reuses the last read's landmarks",
             "cuedetect/pose/still_gate.py", "if last is None or last.window != window or",
             "if last is None or", ("tests/unit/pose/test_still_gate.py",)),
    Mutation("hand_model_extrapolates", "hand-state model: features no longer held within the training range",
             "cuedetect/hands/state_model.py", "np.clip(np.asarray(X, dtype=float), self.low, self.high)",
             "np.asarray(X, dtype=float)", ("tests/unit/hands/test_state_model.py",)),
    Mutation("thumb_up_from_ip", "hand-state features: thumb direction from its IP joint, not its knuckle",
             "cuedetect/hands/state_features.py", "thumb = lm[4] - lm[2]", "thumb = lm[4] - lm[3]",
             ("tests/unit/hands/test_state_model.py",)),
    # session 12: from the mutation run of shape.py (docs/mutation/shape.md)
    Mutation("fist_ignores_thumb_out", "hand shape: a thumb held out no longer keeps the hand from a fist",
             "cuedetect/hands/shape.py", '"fist": four_closed * (1.0 - out) * tucked,',
             '"fist": four_closed * tucked,', (SHAPE_RULES,)),
    Mutation("fist_mean_skips_index", "hand shape: the fist's mean curl over middle, ring and pinky only",
             "cuedetect/hands/shape.py", "np.mean(curl[1:])) - r.closed", "np.mean(curl[2:])) - r.closed",
             (SHAPE_RULES,)),
    # session 13: from the mutation run of palm.py (docs/mutation/palm.md); each survived its first run
    Mutation("palm_iou_left_from_y", "palm detector: a box's left edge from its y centre in the overlap",
             "cuedetect/hands/palm.py", "ax0, ay0, ax1, ay1 = a[0] - a[2] / 2",
             "ax0, ay0, ax1, ay1 = a[1] - a[2] / 2", (PALM_DETECTOR,)),
    Mutation("palm_score_strict", "palm detector: a palm scoring exactly the threshold is dropped",
             "cuedetect/hands/palm.py", "keep = np.flatnonzero(scores >= min_score)",
             "keep = np.flatnonzero(scores > min_score)", (PALM_DETECTOR,)),
    Mutation("palm_search_stops_early", "palm search: a person not due ends the search of the people after",
             "cuedetect/hands/palm.py", "or person not in points:\n                continue",
             "or person not in points:\n                break", (PALM,)),
)  # fmt: skip


def run(m: Mutation) -> bool:
    """True if the mutation is killed (some test fails with it applied)."""
    path = REPO / m.file
    original = path.read_text()
    if original.count(m.old) != 1:
        raise SystemExit(f"{m.name}: the code to mutate is not found exactly once in {m.file} (it moved?)")
    try:
        path.write_text(original.replace(m.old, m.new))
        cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *m.tests]
        return subprocess.run(cmd, cwd=REPO, capture_output=True).returncode != 0
    finally:
        path.write_text(original)


def main(names: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    survived = 0
    for m in chosen:
        killed = run(m)
        survived += not killed
        print(f"{m.name:15} {'killed' if killed else 'SURVIVED':9} {m.what}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    # a `kill` (SIGTERM) restores the mutated file as Ctrl-C does: without this it left the mutation in place
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main(sys.argv[1:]))
