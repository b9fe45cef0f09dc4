"""The style catalogue: every held cue in several distinct ways, and everyday actions that are not cues.

A *style* is one way of performing a cue (a jabbing point, jumping jacks, hands clasped behind the
back...), with continuous parameters drawn per performance. A *negative* is an everyday action that is
not a cue (waving, drinking, hands in pockets...), acted and labelled the same way but producing no
event. Every style and negative belongs to one split: `train` or `heldout`. The corpus generator and
the numpy studio simulation draw training clips from the `train` styles only, so a model scored on the
`heldout` clips is scored on ways of moving it has never seen.

On top of the style, every performance draws the same modifiers: which hand, how long it is held
(brief styles: 0.4-0.7 s), how fast it comes and goes, and whether the person turns off-axis from the
other person while doing it. Walking while doing it is the scenario's business (`corpus.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from cuedetect.studio import cue_motions_body as bm
from cuedetect.studio import cue_motions_hands as hm
from cuedetect.studio import negative_motions as neg
from cuedetect.studio.cue_poses import POSTURE_CUES

SPLITS = ("train", "heldout")
BRIEF_HOLD = (0.4, 0.7)
BRIEF_TRANSITION = (0.12, 0.3)
ONE_HAND = ("right", "left")
ANY_HAND = ("both", "right", "left")


@dataclass(frozen=True)
class Style:
    """One way of performing a cue (or, with `cue=None`, an everyday action that is not a cue)."""

    name: str
    cue: str | None
    split: str
    motion: Callable
    description: str
    params: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    hands: tuple[str, ...] = ("both",)
    hold: tuple[float, float] = (1.2, 2.6)
    transition: tuple[float, float] = (0.3, 0.7)
    brief: bool = False  # may also be performed briefly (BRIEF_HOLD, BRIEF_TRANSITION)
    turn: bool = True  # may be performed turned off-axis from the other person
    active: Callable[[float, float, float, dict], bool] | None = None  # moving styles: when the cue shows

    @property
    def key(self) -> str:
        return f"{self.cue or 'none'}/{self.name}"


def _s(cue: str, name: str, split: str, motion: Callable, description: str, **kw) -> Style:
    return Style(name, cue, split, motion, description, **kw)


def _n(name: str, split: str, description: str, **kw) -> Style:
    return Style(name, None, split, getattr(neg, name), description, **kw)


_CLASSIC_HANDS = {"pointing": ONE_HAND, "hands_raised": ANY_HAND, "bladed_stance": ONE_HAND}
_TRAIN, _HELD = "train", "heldout"
P, H = hm, bm  # motion modules: hands and arms / body

# fmt: off
CUE_STYLES: tuple[Style, ...] = (
    *(_s(c, "classic", _TRAIN, bm.classic(c), "the studio's original pose",
         hands=_CLASSIC_HANDS.get(c, ("both",))) for c in POSTURE_CUES),
    # pointing: `hand` is the pointing arm
    _s("pointing", "straight", _TRAIN, P.point_straight, "straight arm at the other's chest or face",
       params={"reach": (0.92, 0.98), "lift": (-0.15, 0.2)}, hands=ONE_HAND, brief=True),
    _s("pointing", "bent", _TRAIN, P.point_bent, "short bent-elbow point at close range",
       params={"reach": (0.6, 0.75), "lift": (-0.1, 0.15)}, hands=ONE_HAND, brief=True),
    _s("pointing", "jab", _TRAIN, P.point_jab, "jabbing the finger at the other, again and again",
       params={"amp": (0.08, 0.18), "freq": (1.5, 3.0), "lift": (-0.1, 0.15)}, hands=ONE_HAND),
    _s("pointing", "lean", _TRAIN, P.point_lean, "pointing with the body leaning in behind the arm",
       params={"lean": (0.12, 0.3), "twist": (0.1, 0.3), "lift": (-0.1, 0.1)}, hands=ONE_HAND),
    _s("pointing", "cross_body", _HELD, P.point_cross_body, "arm across the chest, body turned away",
       params={"lift": (-0.1, 0.15)}, hands=ONE_HAND, brief=True),
    _s("pointing", "raised", _HELD, P.point_raised, "hand above the shoulder, pointing down at the face",
       params={"rise": (0.1, 0.25)}, hands=ONE_HAND),
    # arms crossed
    _s("arms_crossed", "high", _TRAIN, H.crossed_high, "forearms folded high on the chest",
       params={"drop": (0.12, 0.22)}),
    _s("arms_crossed", "low", _TRAIN, H.crossed_low, "forearms crossed low over the belly",
       params={"height": (-0.06, 0.04)}),
    _s("arms_crossed", "tucked", _TRAIN, H.crossed_tucked, "hands tucked under the opposite armpits",
       params={"drop": (0.12, 0.2)}),
    _s("arms_crossed", "grip_elbows", _HELD, H.crossed_grip_elbows, "forearms level, gripping the elbows",
       params={"drop": (0.26, 0.34)}),
    _s("arms_crossed", "lean_back", _HELD, H.crossed_lean_back, "arms folded, weight back, chin up",
       params={"lean": (0.06, 0.14), "sway": (-0.05, 0.05)}),
    # hands on hips
    _s("hands_on_hips", "fists", _TRAIN, H.hips_fists, "knuckles on the hips, elbows wide",
       params={"height": (-0.03, 0.04)}),
    _s("hands_on_hips", "forward", _TRAIN, H.hips_forward, "hands on the front of the hips, elbows forward",
       params={"height": (-0.03, 0.03)}),
    _s("hands_on_hips", "low", _TRAIN, H.hips_low, "hands low on the hips",
       params={"height": (-0.03, 0.03)}),
    _s("hands_on_hips", "waist", _HELD, H.hips_waist, "hands high on the waist, elbows back",
       params={"height": (-0.03, 0.04)}),
    _s("hands_on_hips", "cocked", _HELD, H.hips_cocked, "hands on hips, one hip cocked, chest out",
       params={"sway": (-0.07, 0.07), "lean": (0.04, 0.12)}),
    # hands raised: `hand` is the raised arm or both
    _s("hands_raised", "surrender", _TRAIN, P.raised_surrender, "hands up at head height, palms out",
       params={"spread": (0.04, 0.16), "rise": (0.18, 0.32)}, hands=ANY_HAND, brief=True),
    _s("hands_raised", "overhead", _TRAIN, P.raised_overhead, "straight arm(s) reaching overhead",
       params={"angle": (150, 178)}, hands=ANY_HAND, brief=True),
    _s("hands_raised", "thrown_up", _TRAIN, P.raised_thrown_up, "arms thrown up and out, fast",
       params={"angle": (120, 160)}, hands=ANY_HAND, hold=(0.4, 1.0), transition=(0.12, 0.25)),
    _s("hands_raised", "fist_shake", _TRAIN, P.raised_fist_shake, "a fist shaken above the head",
       params={"amp": (0.03, 0.08), "freq": (3.0, 5.0)}, hands=ONE_HAND, brief=True),
    _s("hands_raised", "pumping", _TRAIN, P.raised_pumping, "fists pumped over the head again and again",
       params={"freq": (0.7, 1.5), "top": (150, 175)}, hands=ANY_HAND, hold=(2.0, 4.0),
       transition=(0.15, 0.3), active=P.pump_active),
    _s("hands_raised", "jumping_jack", _HELD, P.raised_jumping_jack, "jumping jacks, arms over the head",
       params={"freq": (0.8, 1.3), "top": (160, 178)}, hold=(2.0, 4.0), transition=(0.15, 0.3),
       active=P.jack_active, turn=False),
    _s("hands_raised", "arm_arcs", _HELD, P.raised_arm_arcs, "both arms swept in big arcs overhead",
       params={"freq": (0.45, 0.75), "top": (165, 178)}, hold=(2.5, 4.5), transition=(0.15, 0.3),
       active=P.arcs_active),
    # fists up: `hand` is the lead fist
    _s("fists_up", "high_guard", _TRAIN, P.guard_high, "fists at the chin, elbows in",
       params={"height": (0.1, 0.2)}, hands=ONE_HAND, brief=True),
    _s("fists_up", "low_guard", _TRAIN, P.guard_low, "fists at chest height, further out",
       params={"height": (-0.1, 0.0)}, hands=ONE_HAND),
    _s("fists_up", "turned", _TRAIN, P.guard_turned, "lead fist forward, shoulders turned",
       params={"twist": (0.15, 0.35)}, hands=ONE_HAND),
    _s("fists_up", "bouncing", _TRAIN, P.guard_bouncing, "guard on bouncing feet",
       params={"freq": (1.5, 2.5)}, hands=ONE_HAND),
    _s("fists_up", "peekaboo", _HELD, P.guard_peekaboo, "fists together in front of the face",
       params={"height": (0.2, 0.28)}, hands=ONE_HAND, brief=True),
    _s("fists_up", "jabbing", _HELD, P.guard_jabbing, "guard with the lead hand jabbing out",
       params={"freq": (0.8, 1.5)}, hands=ONE_HAND),
    # hands hidden behind the back
    _s("hands_hidden", "clasped_low", _TRAIN, H.hidden_clasped_low, "hands clasped low behind the back",
       params={"height": (-0.06, 0.02)}),
    _s("hands_hidden", "clasped_high", _TRAIN, H.hidden_clasped_high, "hands at the small of the back",
       params={"height": (0.12, 0.2)}),
    _s("hands_hidden", "wrist_grip", _TRAIN, H.hidden_wrist_grip, "one hand holding the other wrist behind"),
    _s("hands_hidden", "back_pockets", _TRAIN, H.hidden_back_pockets, "hands in the back pockets",
       params={"height": (-0.1, -0.04)}),
    _s("hands_hidden", "elbows_out", _HELD, H.hidden_elbows_out, "hands mid-back, elbows flared",
       params={"height": (-0.04, 0.04)}),
    _s("hands_hidden", "turned", _HELD, H.hidden_turned, "hands behind, chin forward",
       params={"lean": (0.04, 0.12)}),
    # bladed stance: `hand` is the leading foot's side
    _s("bladed_stance", "deep", _TRAIN, H.bladed_deep, "turned far, long stagger, knees bent",
       params={"turn": (52, 68)}, hands=ONE_HAND, turn=False),
    _s("bladed_stance", "shallow", _TRAIN, H.bladed_shallow, "turned a little, short stagger",
       params={"turn": (32, 40)}, hands=ONE_HAND, turn=False),
    _s("bladed_stance", "hands_low", _TRAIN, H.bladed_hands_low, "bladed, hands low in front",
       params={"turn": (38, 55)}, hands=ONE_HAND, turn=False),
    _s("bladed_stance", "step_back", _TRAIN, H.bladed_step_back, "rear foot stepped far back",
       params={"turn": (40, 55)}, hands=ONE_HAND, turn=False),
    _s("bladed_stance", "wide", _HELD, H.bladed_wide, "wide, low stance, head forward",
       params={"turn": (40, 58)}, hands=ONE_HAND, turn=False),
    _s("bladed_stance", "rocking", _HELD, H.bladed_rocking, "bladed, rocking the weight",
       params={"turn": (38, 52), "freq": (0.5, 1.0)}, hands=ONE_HAND, turn=False),
    # leaning in
    _s("leaning_in", "slight", _TRAIN, H.lean_slight, "a moderate lean, arms down",
       params={"lean": (0.36, 0.46)}, brief=True),
    _s("leaning_in", "deep", _TRAIN, H.lean_deep, "a deep lean, chin out", params={"lean": (0.5, 0.65)}),
    _s("leaning_in", "step_in", _TRAIN, H.lean_step_in, "a step in with the lean",
       params={"step": (0.2, 0.35)}, hands=ONE_HAND),
    _s("leaning_in", "neck", _TRAIN, H.lean_neck, "head craned forward", params={"lean": (0.36, 0.44)}),
    _s("leaning_in", "twist", _HELD, H.lean_twist, "leaning in, one shoulder leading",
       params={"lean": (0.4, 0.52), "twist": (0.2, 0.4)}, hands=ONE_HAND),
    _s("leaning_in", "bob", _HELD, H.lean_bob, "leaning in and out, never upright",
       params={"lean": (0.48, 0.56), "freq": (0.5, 0.9)}),
    # open hands
    _s("open_hands", "low_palms", _TRAIN, P.palms_low, "palms open at the waist, a little apart",
       params={"spread": (0.06, 0.2), "height": (0.1, 0.2)}, brief=True),
    _s("open_hands", "calming", _TRAIN, P.palms_calming, "palms down, patting the air",
       params={"amp": (0.02, 0.06), "freq": (0.7, 1.3)}),
    _s("open_hands", "presenting", _TRAIN, P.palms_presenting, "palms up, forearms forward",
       params={"height": (0.03, 0.12)}),
    _s("open_hands", "stop", _TRAIN, P.palms_stop, "palm(s) shown at chest height",
       params={"drop": (0.08, 0.18)}, hands=ANY_HAND, brief=True),
    _s("open_hands", "wide", _HELD, P.palms_wide, "arms open wide at the waist, palms up",
       params={"spread": (0.22, 0.36)}),
    _s("open_hands", "uneven", _HELD, P.palms_uneven, "palms open, one higher and further out",
       params={"offset": (0.06, 0.14)}, hands=ONE_HAND),
)

NEGATIVES: tuple[Style, ...] = (
    _n("waving", _TRAIN, "a friendly wave at chest height",
       params={"amp": (0.05, 0.1), "freq": (2.0, 3.0), "drop": (0.04, 0.14)}, hands=ONE_HAND,
       hold=(1.0, 2.5)),
    _n("handing_over", _TRAIN, "holding an object out to the other",
       params={"low": (0.25, 0.45), "reach": (0.78, 0.9)}, hands=ONE_HAND, hold=(0.6, 1.6)),
    _n("reaching_down", _TRAIN, "reaching down to the floor",
       params={"lean": (0.55, 0.8)}, hands=ONE_HAND, hold=(0.6, 1.5)),
    _n("scratching_head", _TRAIN, "scratching the head",
       params={"freq": (3.0, 5.0)}, hands=ONE_HAND, hold=(0.8, 2.0)),
    _n("adjusting_hair", _TRAIN, "pushing the hair behind the ear",
       params={"freq": (0.6, 1.0)}, hands=ONE_HAND, hold=(0.8, 2.0)),
    _n("phone_to_ear", _TRAIN, "a phone held to the ear", hands=ONE_HAND, hold=(2.0, 4.0)),
    _n("drinking", _TRAIN, "sipping from a cup",
       params={"freq": (0.25, 0.45)}, hands=ONE_HAND, hold=(2.0, 4.0)),
    _n("talking_gestures", _TRAIN, "talking with the hands",
       params={"freq": (0.9, 1.7)}, hands=ONE_HAND, hold=(2.0, 4.5)),
    _n("hands_in_pockets", _TRAIN, "hands in the front pockets",
       params={"depth": (0.04, 0.12)}, hold=(2.0, 4.0)),
    _n("clapping", _TRAIN, "clapping in front of the belly",
       params={"freq": (1.2, 2.2), "height": (-0.06, 0.06)}, hold=(1.5, 3.0)),
    _n("thumbs_up", _TRAIN, "a thumbs-up at chest height",
       params={"drop": (0.1, 0.25)}, hands=ONE_HAND, hold=(0.8, 2.0)),
    _n("stretching", _TRAIN, "arms pushed forward, trunk twisted",
       params={"twist": (0.2, 0.45)}, hold=(2.0, 3.5)),
    _n("checking_watch", _TRAIN, "looking at a wristwatch", hands=ONE_HAND, hold=(1.0, 2.0)),
    _n("walking_past", _TRAIN, "walking through the room", hold=(2.0, 4.0), turn=False),
    _n("taking_object", _HELD, "taking something and bringing it in", hands=ONE_HAND, hold=(0.8, 1.6)),
    _n("bending_down", _HELD, "bending down to the shoes",
       params={"lean": (0.85, 1.05), "knees": (0.1, 0.25)}, hold=(1.0, 2.5), turn=False),
    _n("adjusting_glasses", _HELD, "pushing glasses up the nose", hands=ONE_HAND, hold=(0.6, 1.5)),
    _n("rubbing_hands", _HELD, "rubbing the hands together", params={"freq": (2.0, 3.0)}, hold=(1.5, 3.0)),
)
# fmt: on

_BY_KEY = {s.key: s for s in (*CUE_STYLES, *NEGATIVES)}


def style(cue: str, name: str) -> Style:
    """The style `name` of `cue` (KeyError if there is none)."""
    return _BY_KEY[f"{cue}/{name}"]


def negative(name: str) -> Style:
    return _BY_KEY[f"none/{name}"]


def styles_for(cue: str, split: str | None = None) -> list[Style]:
    return [s for s in CUE_STYLES if s.cue == cue and split in (None, s.split)]


def negatives_for(split: str | None = None) -> list[Style]:
    return [s for s in NEGATIVES if split in (None, s.split)]


def draw(s: Style, rng: np.random.Generator, at: float, brief: float = 0.25) -> dict:
    """One performance of `s` starting at `at`, as a scenario timeline entry (everything drawn).

    Brief styles are performed briefly with probability `brief`; a third of performances that may turn
    are done off-axis, 15-60 degrees away from the other person.
    """
    short = s.brief and rng.random() < brief
    hold = rng.uniform(*(BRIEF_HOLD if short else s.hold))
    transition = rng.uniform(*(BRIEF_TRANSITION if short else s.transition))
    entry: dict = {"at": round(float(at), 2)}
    entry.update({"cue": s.cue} if s.cue else {"action": s.name})
    entry["style"] = s.name
    entry["hand"] = str(s.hands[int(rng.integers(len(s.hands)))])
    entry["hold"] = round(float(hold), 2)
    entry["transition"] = round(float(transition), 2)
    if s.params:
        entry["params"] = {k: round(float(rng.uniform(lo, hi)), 3) for k, (lo, hi) in s.params.items()}
    if s.turn and rng.random() < 1 / 3:
        entry["turn_deg"] = round(float(rng.choice([-1.0, 1.0]) * rng.uniform(15, 60)), 1)
    return entry


def catalogue_table() -> list[dict]:
    """One row per style and negative: what the README and the model card list."""
    return [
        {"cue": s.cue or "none", "style": s.name, "split": s.split, "description": s.description}
        for s in (*CUE_STYLES, *NEGATIVES)
    ]
