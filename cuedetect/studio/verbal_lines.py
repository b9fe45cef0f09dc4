"""Role-play lines labelled with the verbal cues they carry: the studio's dialogue for the speech stage.

Two banks with different wording. `DEV` is what the phrase list's thresholds were tuned on; `HELD_OUT` was
written at the same time, before any tuning, and is only ever scored (bench/eval_verbal.py), so the
reported precision and recall are on sentences the thresholds never saw. Each entry is (text, cues).

The phrase list (`cuedetect/speech/phrases.toml`) was written as the catalogue's wording and does cover the
HELD_OUT bank's cue phrases, so HELD_OUT measures the same wording in new sentences and voices. `REWORDED`
(written 2026-12-07 before the list was re-tuned, and only scored) says the same intents in other words a
trainer or client might use, many of them in no phrase of the list: it measures what the list misses when a
programme's people speak in their own words.
"""

from __future__ import annotations

Bank = dict[str, tuple[tuple[str, tuple[str, ...]], ...]]

DEV: Bank = {
    "trainee": (
        ("I hear you, that sounds really hard.", ("validating",)),
        ("I understand why you are upset about this.", ("validating",)),
        ("That must be so frustrating for you.", ("validating",)),
        ("What happened when you came in this morning?", ("open_question",)),
        ("Can you tell me more about the letter?", ("open_question",)),
        ("How can I help you with this today?", ("open_question",)),
        ("Would you like to sit down, or would you rather stand?", ("offering_choice",)),
        ("We can call them together, or I can write to them for you.", ("offering_choice",)),
        ("Let us look at the options together.", ("offering_choice",)),
        ("Calm down, please.", ("command",)),
        ("You need to lower your voice right away.", ("command",)),
        ("Stop shouting at me.", ("command",)),
        ("That is not my problem.", ("dismissing",)),
        ("Rules are rules, there is nothing I can do.", ("dismissing",)),
        ("You are wrong about that.", ("dismissing",)),
        ("Good morning, my name is Sam.", ()),
        ("I will check the system for your file.", ()),
        ("The office opens again at nine.", ()),
        ("Okay, I will write that down.", ()),
    ),
    "client": (
        ("You are completely useless!", ("insult",)),
        ("You people are all idiots!", ("insult",)),
        ("This place is a joke!", ("insult",)),
        ("If you do not sort this out I will hurt you!", ("threat", "demand")),
        ("You will regret this, I promise you!", ("threat",)),
        ("Watch yourself, I know where you live!", ("threat",)),
        ("I want my money back right now!", ("demand",)),
        ("Give me the forms this minute!", ("demand",)),
        ("Get me your manager!", ("demand",)),
        ("I have been waiting here for three hours.", ()),
        ("My benefits were stopped last week.", ()),
        ("The letter came on Monday.", ()),
        ("I came here by bus this morning.", ()),
        ("Fine, I will wait a little longer.", ()),
    ),
}

HELD_OUT: Bank = {
    "trainee": (
        ("I can see how upset you are, and that makes sense.", ("validating",)),
        ("It sounds really hard to wait so long.", ("validating",)),
        ("I get it, you feel nobody is listening.", ("validating",)),
        ("What would help you most right now?", ("open_question",)),
        ("Tell me what the letter said.", ("open_question",)),
        ("How do you want to go on from here?", ("open_question",)),
        ("If you want, we could phone the office together.", ("offering_choice",)),
        ("Would you prefer a coffee first, or shall we start?", ("offering_choice",)),
        ("We can fill in the form now, or you can take it home.", ("offering_choice",)),
        ("Calm down and sit down now.", ("command",)),
        ("You have to stop that at once.", ("command",)),
        ("Be quiet and listen to me.", ("command",)),
        ("That is just how it is.", ("dismissing",)),
        ("It is not my fault, you should have read the letter.", ("dismissing",)),
        ("Whatever, it is not my problem.", ("dismissing",)),
        ("My name is Alex and I work in this office.", ()),
        ("The printer is on the second floor.", ()),
        ("I will be back in a minute with your file.", ()),
    ),
    "client": (
        ("You are pathetic, all of you!", ("insult",)),
        ("What a stupid place this is!", ("insult",)),
        ("You are incompetent!", ("insult",)),
        ("Do that again and you will be sorry!", ("threat",)),
        ("I will smash this place up!", ("threat",)),
        ("Fix it today, or else!", ("threat", "demand")),
        ("I demand to see the person in charge!", ("demand",)),
        ("I want an answer right now!", ("demand",)),
        ("The bus was late again this morning.", ()),
        ("My daughter is at school until three.", ()),
        ("I wrote to you two weeks ago.", ()),
        ("I live just across the road.", ()),
    ),
}

REWORDED: Bank = {
    "trainee": (
        ("You sound really worried about your kids.", ("validating",)),
        ("It makes sense that you feel let down.", ("validating",)),
        ("I can tell this has been a long day for you.", ("validating",)),
        ("What is worrying you the most?", ("open_question",)),
        ("Where would you like to start?", ("open_question",)),
        ("How has this week been for you?", ("open_question",)),
        ("We could talk here, or somewhere quieter.", ("offering_choice",)),
        ("You can call back later, or wait here with me.", ("offering_choice",)),
        ("Shall we go through the letter together?", ("offering_choice",)),
        ("Sit down right now.", ("command",)),
        ("Do not raise your voice at me.", ("command",)),
        ("Stop it, just stop talking.", ("command",)),
        ("That is not what happened.", ("dismissing",)),
        ("I cannot help you with that, it is not my job.", ("dismissing",)),
        ("There is no point complaining to me.", ("dismissing",)),
        ("Let me get a pen.", ()),
        ("The meeting room is free after lunch.", ()),
        ("I have your file here.", ()),
    ),
    "client": (
        ("You are a waste of time!", ("insult",)),
        ("Are you thick or something?", ("insult",)),
        ("You lot are a disgrace!", ("insult",)),
        ("Touch my file again and see what happens!", ("threat",)),
        ("I will come back and make you pay!", ("threat",)),
        ("Keep this up and you will get hurt!", ("threat",)),
        ("Get someone who knows what they are doing!", ("demand",)),
        ("I need my money by Friday!", ("demand",)),
        ("Sort this out now!", ("demand",)),
        ("I parked outside the front door.", ()),
        ("My phone battery is nearly dead.", ()),
        ("The form had two pages.", ()),
    ),
}
