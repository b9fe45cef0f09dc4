"""The cue catalogue: one table of what cuedetect looks for, why trainers care, and how it is detected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cuedetect.cue_ids import cue_label

Kind = Literal["escalation", "de-escalation", "context"]
Scope = Literal["person", "pair"]
Detector = Literal["classifier", "rule", "voice", "speech"]


@dataclass(frozen=True)
class Cue:
    """One entry of the catalogue."""

    id: str
    definition: str
    reason: str
    kind: Kind
    scope: Scope
    detector: Detector

    @property
    def name(self) -> str:
        """What screens call it, in the instructor's words (`cue_ids.CUE_LABELS`)."""
        return cue_label(self.id)


CATALOGUE: tuple[Cue, ...] = (
    Cue(
        "pointing",
        "One arm extended toward the other person, hand at or near shoulder height.",
        "Pointing at someone reads as accusing and dominant; trainers treat it as an escalation signal.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "arms_crossed",
        "Both forearms folded across the chest, each hand near the opposite elbow.",
        "A closed, defensive posture: it signals refusal to engage and can read as dismissive.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "hands_on_hips",
        "Both hands resting on the hips with the elbows pointing outward.",
        "Makes the body look bigger and signals impatience or challenge (a dominance display).",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "hands_raised",
        "One or both hands above shoulder height.",
        "Raised hands precede striking or large agitated gestures; a sign that arousal is rising.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "fists_up",
        "Guard position: hands closed in front of chest or face, elbows bent.",
        "A fighting guard is a direct pre-assault indicator in use-of-force and de-escalation training.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "hands_hidden",
        "Both hands out of sight behind the back.",
        "Hidden hands cannot be read and may hold an object; trainees are taught to watch the hands.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "bladed_stance",
        "Torso and feet turned about 45 degrees from the other person, feet staggered.",
        "The bladed (fighting) stance protects the body and loads a strike: a classic pre-assault cue.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "leaning_in",
        "Upper body leaning forward from the hips toward the other person.",
        "Leaning in invades personal space and is read as intimidation.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "pacing",
        "Walking back and forth, turning around repeatedly.",
        "Pacing shows agitation and rising arousal; it often comes before an outburst.",
        "escalation",
        "person",
        "classifier",
    ),
    Cue(
        "open_hands",
        "Hands visible in front of the body between waist and chest, palms open.",
        "Open, visible palms are the recommended non-threatening posture for the person de-escalating.",
        "de-escalation",
        "person",
        "classifier",
    ),
    Cue(
        "rapid_approach",
        "The distance between two people shrinks faster than 0.8 m/s (setting `closing_speed_mps`).",
        "Closing distance quickly leaves no reaction time; a rule on measured closing speed is exact.",
        "escalation",
        "pair",
        "rule",
    ),
    Cue(
        "too_close",
        "Hip-midpoint floor distance below 1.0 m (setting `too_close_m`).",
        "Proxemics: inside about 1.2 m (Hall's social distance) a person has no reactionary gap; "
        "a rule on measured distance is exact and needs no learning.",
        "context",
        "pair",
        "rule",
    ),
    Cue(
        "raised_voice",
        "Speech at least 6 dB louder than that speaker's median speech loudness (BS.1770) for at least 0.5 s "
        "(settings `raised_db`, `raised_min_s`); usually with raised pitch (shown in the evidence).",
        "A rising voice is the clearest vocal sign of escalation; a trainee's voice rising with the client's "
        "is a classic training error.",
        "escalation",
        "person",
        "voice",
    ),
    Cue(
        "rapid_speech",
        "An utterance of at least 2 s at 1.4x the recording's median articulation rate or faster than 6.5 "
        "syllables/s (syllable nuclei, de Jong & Wempe 2009; settings `rapid_ratio`, `rapid_sps`).",
        "Pressured, fast speech signals rising arousal and leaves the other person no room to answer.",
        "escalation",
        "person",
        "voice",
    ),
    Cue(
        "calm_voice",
        "The trainee speaks at their usual loudness (at most 2 dB above their median), pace and pitch while "
        "the client's voice is raised or within 6 s after it (settings `calm_max_db`, `calm_window_s`).",
        "A steady, low, unhurried voice is the verbal de-escalation trainers teach: it does not mirror the "
        "client's arousal and models the calm it asks for.",
        "de-escalation",
        "person",
        "voice",
    ),
    # What was said (`cuedetect.speech`): phrases of the phrase list (`cuedetect/speech/phrases.toml`, data a
    # programme can extend) spotted in the recogniser's keyword search or found in its transcript.
    Cue(
        "validating",
        'The trainee names or acknowledges the other\'s feeling ("I hear you", "that sounds hard").',
        "Validation is the first verbal de-escalation skill: a person who feels heard has less to fight for.",
        "de-escalation",
        "person",
        "speech",
    ),
    Cue(
        "open_question",
        'The trainee asks a question that cannot be answered yes or no ("what would help?", "tell me").',
        "Open questions invite the client to explain instead of defend, and give the trainee information.",
        "de-escalation",
        "person",
        "speech",
    ),
    Cue(
        "offering_choice",
        'The trainee offers options or a way forward together ("would you like...", "we can...").',
        "Choices give back a sense of control, the thing an agitated person most feels they have lost.",
        "de-escalation",
        "person",
        "speech",
    ),
    Cue(
        "command",
        'The trainee gives an order ("calm down", "you need to...", "stop...").',
        'Orders to an aroused person read as control and disrespect; "calm down" is the classic escalator.',
        "escalation",
        "person",
        "speech",
    ),
    Cue(
        "dismissing",
        'The trainee argues or dismisses ("that\'s not true", "not my problem", "rules are rules").',
        "Arguing the facts or brushing the concern off tells the client they are not heard: escalation.",
        "escalation",
        "person",
        "speech",
    ),
    Cue(
        "insult",
        'The client insults ("you are useless", "you people", "idiot").',
        "Personal attacks show rising hostility; trainers watch whether the trainee takes the bait.",
        "escalation",
        "person",
        "speech",
    ),
    Cue(
        "threat",
        'The client threatens ("I will hurt you", "you\'ll regret this", "or else").',
        "A verbal threat is a direct risk indicator: the moment to think about safety and exits.",
        "escalation",
        "person",
        "speech",
    ),
    Cue(
        "demand",
        'The client demands ("I want...", "give me...", "right now", "your manager").',
        "Demands mark what the client is fighting for: what the trainee can acknowledge or offer choices on.",
        "escalation",
        "person",
        "speech",
    ),
    Cue(
        "interruption",
        "One speaker starts while another is still speaking, and both go on talking (setting "
        "`interruption_overlap_s`, 0.4 s); needs one microphone per person.",
        "Talking over someone signals that their words do not count; trainees are taught to let the client "
        "finish.",
        "escalation",
        "person",
        "speech",
    ),
)

BY_ID: dict[str, Cue] = {c.id: c for c in CATALOGUE}
CUE_IDS: tuple[str, ...] = tuple(c.id for c in CATALOGUE)
CLASSIFIER_CUES: tuple[str, ...] = tuple(c.id for c in CATALOGUE if c.detector == "classifier")
RULE_CUES: tuple[str, ...] = tuple(c.id for c in CATALOGUE if c.detector == "rule")
PAIR_CUES: tuple[str, ...] = tuple(c.id for c in CATALOGUE if c.scope == "pair")
VOICE_CUES: tuple[str, ...] = tuple(c.id for c in CATALOGUE if c.detector == "voice")
VERBAL_CUES: tuple[str, ...] = tuple(c.id for c in CATALOGUE if c.detector == "speech")


def cue_name(cue: str) -> str:
    """The plain-word name of a cue for screens ("voice raised", "fists up"): `cue_ids.cue_label`."""
    return cue_label(cue)


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (for the README and the model card)."""
    lines = [
        "| cue | kind | scope | detector | definition | why trainers care |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in CATALOGUE:
        lines.append(f"| `{c.id}` | {c.kind} | {c.scope} | {c.detector} | {c.definition} | {c.reason} |")
    return "\n".join(lines)
