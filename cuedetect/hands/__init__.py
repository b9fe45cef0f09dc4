"""What each person's hands do: crops from the body, MediaPipe's hand landmarks, shapes and states."""

# What reads each hand's state from its landmarks (`--hand-states`): the hand-written rules
# (`hands.shape`), the learned model (`hands.state_model`, fitted by `cuedetect train-hands`), or the
# learned model with the rules' thumb test deciding thumbs-up ("learned-thumb").
HAND_STATE_CLASSIFIERS = ("rules", "learned", "learned-thumb")
# The analysis reads hands with the learned model: on the 535 held-out studio hands (README, Hands) it is
# right on 0.804 against the rules' 0.664, and the real dev set's cue events are the same (39/9/13).
DEFAULT_HAND_STATES = "learned"
# Live mode keeps the rules: through its lite pose model at live size the learned model reads the real
# end-on thumbs-up of `one_person_gestures.mp4` as a fist for 0.6 s and lets a `fists_up` in
# (tests/integration/test_live_hands.py), which the rules do not. A live session's full-quality analysis
# afterwards uses the session's reader, so one session has one.
DEFAULT_LIVE_HAND_STATES = "rules"
