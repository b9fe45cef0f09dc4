"""What each person's hands do: crops from the body, MediaPipe's hand landmarks, shapes and states."""

# What reads each hand's state from its landmarks (`--hand-states`): the hand-written rules
# (`hands.shape`) or the learned model (`hands.state_model`, fitted by `cuedetect train-hands`).
HAND_STATE_CLASSIFIERS = ("rules", "learned")
DEFAULT_HAND_STATES = "rules"
