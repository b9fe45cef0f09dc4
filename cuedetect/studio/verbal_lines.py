"""Role-play lines labelled with the verbal cues they carry: the studio's dialogue for the speech stage.

Two banks with different wording. `DEV` is what the phrase list's thresholds were tuned on; `HELD_OUT` was
written at the same time, before any tuning, and is only ever scored (bench/eval_verbal.py), so the
reported precision and recall are on sentences the thresholds never saw. Each entry is (text, cues).
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
