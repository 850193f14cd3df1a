"""Random casing, punctuation and fillers must not change any decision."""

import json
import random
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Config
from monitor.scoring import load_call, score_call

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "calls" / "dev"
CALLS = [load_call(p) for p in sorted(DEV.glob("*.call.json"))]
BASELINE = {
    call.id: (score_call(call, Config()).step_status(), score_call(call, Config()).hostile_turns())
    for call in CALLS
}
FILLERS = ["um", "uh", "erm", "hmm"]


def perturb(text: str, rng: random.Random) -> str:
    words = []
    for word in text.split():
        if rng.random() < 0.15:
            words.append(rng.choice(FILLERS) + rng.choice(["", ",", "..."]))
        roll = rng.random()
        word = word.upper() if roll < 0.1 else word.lower() if roll < 0.4 else word
        if rng.random() < 0.1:
            word += rng.choice([",", ".", "!", "?", " -", ";"])
        words.append(word)
    return " ".join(words)


@settings(max_examples=25, deadline=None)
@given(index=st.integers(0, len(CALLS) - 1), seed=st.integers(0, 2**32 - 1))
def test_noise_does_not_change_decisions(index: int, seed: int) -> None:
    rng = random.Random(seed)
    call = CALLS[index]
    noisy = replace(call, turns=tuple(replace(t, text=perturb(t.text, rng)) for t in call.turns))
    result = score_call(noisy, Config())
    steps, hostile = BASELINE[call.id]
    assert result.step_status() == steps, json.dumps([t.text for t in noisy.turns])
    assert result.hostile_turns() == hostile
