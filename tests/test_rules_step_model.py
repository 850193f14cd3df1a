"""The statistical step model behind the step patterns (monitor.rules.classifier.StepModel).

Every sentence here was written for this test; none comes from a labelled call or from
the training corpora.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.config import Config, ConfigError, parse_config
from monitor.rules.classifier import StepModel, load_step_model
from monitor.rules.etiquette import Etiquette
from monitor.rules.packs import load_pack
from monitor.rules.settings import RulesConfig

REPO = Path(__file__).resolve().parents[1]
RULES = Config().rules
PATTERNS_ONLY = replace(RULES, steps=tuple(replace(s, model_threshold=0.0) for s in RULES.steps))
WITH_MODEL = Etiquette(RULES, load_pack("en"), "Kestrel Water", "Imogen")
WITHOUT_MODEL = Etiquette(PATTERNS_ONLY, load_pack("en"), "Kestrel Water", "Imogen")


def covers(etiquette: Etiquette, step: str, text: str) -> bool:
    return bool(etiquette.match(step, etiquette.prepare(text)))


def test_english_ships_a_step_model_for_the_free_wording_steps() -> None:
    model = load_step_model("en")
    assert model is not None
    assert set(model.steps) <= {s.id for s in RULES.steps}
    assert {"resolve_or_redirect", "agree_next_steps", "state_purpose"} <= set(model.steps)
    assert "greet_company" not in model.steps  # name steps hinge on the configured names
    assert load_step_model("xx") is None


def test_probability_is_the_logistic_of_the_tf_idf_dot_product() -> None:
    model = StepModel(
        {
            "steps": ["a", "b"],
            "intercepts": [-1.0, 0.5],
            "chars": {},
            "words": {"sorted": [2.0, 1.5, -1.0], "refund": [1.0, 0.5, 0.0]},
        }
    )
    # tf-idf weights 2 and 1, l2-normalised: 2/sqrt(5), 1/sqrt(5)
    weights = (2 / math.sqrt(5), 1 / math.sqrt(5))
    probabilities = model.probabilities("Refund sorted")
    z_a = -1.0 + weights[0] * 1.5 + weights[1] * 0.5
    z_b = 0.5 + weights[0] * -1.0
    assert probabilities["a"] == pytest.approx(1 / (1 + math.exp(-z_a)))
    assert probabilities["b"] == pytest.approx(1 / (1 + math.exp(-z_b)))


@pytest.mark.parametrize(
    ("step", "text"),
    [
        ("resolve_or_redirect", "right, that direct debit is stopped as of today, "
                                "nothing more will come out"),
        ("resolve_or_redirect", "the plumber's booked in for Thursday morning, "
                                "he'll have the part with him"),
        ("offer_help", "Kestrel Water, Imogen speaking, what are you ringing about today?"),
        ("agree_next_steps", "the form's going in the post tonight, once you send it back "
                             "signed we can switch you over"),
    ],
)  # fmt: skip
def test_wording_no_pattern_lists_is_covered_by_the_model(step: str, text: str) -> None:
    assert not covers(WITHOUT_MODEL, step, text)
    assert covers(WITH_MODEL, step, text)


@pytest.mark.parametrize(
    ("step", "text"),
    [
        ("resolve_or_redirect", "bear with me a minute while I pull that up"),
        ("resolve_or_redirect", "I'm not sure, let me have a look"),
        ("agree_next_steps", "someone may be in touch at some point"),
        ("thank_for_time", "thanks for that, and the postcode?"),
        ("state_purpose", "Hi, I'm calling from Kestrel Water."),
        ("state_purpose", "My name's Linda, I'm calling from Castle Recoveries."),
        ("check_convenience", "give me two seconds to load the account"),
        ("offer_help", "I can't help with that on this line, I'm afraid"),
        ("resolve_or_redirect", "okay"),  # too few words for the model to judge
    ],
)
def test_near_misses_stay_uncovered(step: str, text: str) -> None:
    assert not covers(WITH_MODEL, step, text)


def test_model_threshold_zero_turns_the_model_off_for_that_step() -> None:
    text = "the plumber's booked in for Thursday morning, he'll have the part with him"
    config = parse_config("[rules.steps.resolve_or_redirect]\nmodel_threshold = 0\n")
    etiquette = Etiquette(config.rules, load_pack("en"), "", "")
    assert not covers(etiquette, "resolve_or_redirect", text)
    assert covers(Etiquette(RulesConfig(), load_pack("en"), "", ""), "resolve_or_redirect", text)


def test_model_threshold_is_validated_with_key_and_line() -> None:
    key = r"'rules\.steps\.agree_next_steps\.model_threshold'"
    with pytest.raises(ConfigError, match=rf"config\.toml:3: key {key} must be <= 1"):
        parse_config("[rules.steps.agree_next_steps]\nlabel = 'Next steps'\nmodel_threshold = 7\n")


TURNS = [
    ("agent", "Kestrel Water, Imogen speaking, how can I help?"),
    ("customer", "Hi, you took my payment twice this month."),
    ("agent", "Let me look at the account."),
    ("agent", "Right, that direct debit is stopped as of today, nothing more will come out."),
    ("customer", "Okay, good, thanks."),
]
CALL = {
    "id": "model-resolution",
    "direction": "inbound",
    "language": "en",
    "company": "Kestrel Water",
    "agent_name": "Imogen",
    "turns": [
        {"speaker": who, "start": 4.0 * i, "end": 4.0 * i + 3.5, "text": text}
        for i, (who, text) in enumerate(TURNS)
    ],
}


def _score(tmp_path: Path, *extra: str) -> dict:
    path = tmp_path / "model-resolution.call.json"
    path.write_text(json.dumps(CALL), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "score", "--json", str(path), *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_callmon_score_reports_a_model_covered_step_with_the_turn_as_evidence(
    tmp_path: Path,
) -> None:
    resolve = _score(tmp_path)["steps"]["resolve_or_redirect"]
    assert resolve["status"] == "covered"
    assert resolve["turn"] == 3
    assert "direct debit is stopped" in resolve["evidence"]
    config = tmp_path / "config.toml"
    config.write_text("[rules.steps.resolve_or_redirect]\nmodel_threshold = 0\n")
    off = _score(tmp_path, "--config", str(config))["steps"]["resolve_or_redirect"]
    assert off["status"] == "missed"
