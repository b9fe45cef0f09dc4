"""Voice cues on scripted studio dialogues no threshold was tuned on (the first 20 held-out seeds, 2000-2019).

The full figures (`python -m cuedetect.studio.voice_eval`, README): once the studio's truth and the
detector both measured pace as syllables per second of phonation, the 40 fresh seeds 4000-4039 scored
raised_voice F1 1.000, rapid_speech 0.966, calm_voice 0.947; once calm_voice's truth used the lines'
loudness, seeds 5000-5039 scored 0.914, 0.947, 1.000; no raised voice on a calm clip, attribution
1.000. These 20 seeds score raised_voice 0.929, rapid_speech 0.941, calm_voice 1.000 (3 of 3), no raised
voice on the 7 calm clips, attribution 1.000 of 91 utterances; the floors below guard those numbers against
regressions (20 seeds, not 40: the suite's time).
"""

from __future__ import annotations

import pytest

from cuedetect.studio.voice_eval import HELD_OUT, evaluate, report

pytestmark = pytest.mark.slow


def test_voice_cues_and_attribution_on_held_out_dialogues() -> None:
    score = evaluate(HELD_OUT[:20])
    print("\n" + report(score))
    assert score.clips == 20 and score.calm_clips == 7
    assert score.calm_clips_with_raised == 0
    assert score.counts["raised_voice"].f1 >= 0.9
    assert score.counts["calm_voice"].f1 >= 0.9
    assert score.counts["rapid_speech"].f1 >= 0.9
    assert score.attribution_accuracy >= 0.95
