"""What each person's hands do: crops from the body, MediaPipe's hand landmarks, shapes and states."""

# What reads each hand's state from its landmarks (`--hand-states`): the hand-written rules
# (`hands.shape`), the learned model (`hands.state_model`, fitted by `cuedetect train-hands`), or the
# learned model with the rules' thumb test deciding thumbs-up ("learned-thumb").
HAND_STATE_CLASSIFIERS = ("rules", "learned", "learned-thumb")
DEFAULT_HAND_STATES = "rules"
