"""The [rules] section: defaults, shipped config.toml, validation errors naming key and line."""

from pathlib import Path

import pytest

from monitor.config import ConfigError, parse_config
from monitor.rules.etiquette import Etiquette
from monitor.rules.packs import load_pack
from monitor.rules.settings import RulesConfig

REPO = Path(__file__).resolve().parents[1]


def test_shipped_config_restates_the_builtin_defaults() -> None:
    config = parse_config((REPO / "config.toml").read_text(encoding="utf-8"))
    assert config.rules == RulesConfig(language="en")


def test_overrides_are_read() -> None:
    text = """
[rules]
name_threshold = 90
[rules.hostility]
insult_threshold = 2.5
extra_terms = ["numpty:insult:1.0"]
[rules.steps.offer_help]
within_turns = 5
phrases = { en = ["what are you after today"], ru = ["что вам нужно"] }
[rules.steps.mention_recording]
label = "Say the call is recorded"
patterns = ["(this )?call (is|may be) recorded"]
"""
    rules = parse_config(text).rules
    steps = {s.id: s for s in rules.steps}
    assert rules.name_threshold == 90 and rules.hostility.insult == 2.5
    assert rules.hostility.extra_terms == (("numpty", "insult", 1.0),)
    assert steps["offer_help"].within_turns == 5
    assert steps["offer_help"].extra_phrases == ("what are you after today",)
    assert steps["mention_recording"].label == "Say the call is recorded"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[rules]\nname_treshold = 80\n",
            "config.toml:2: key 'rules.name_treshold' is not a known",
        ),
        (
            "[rules]\n\n[rules.hostility]\ninsult_threshold = -1\n",
            "config.toml:4: key 'rules.hostility.insult_threshold' must be >= 0.1",
        ),
        (
            '[rules.steps.offer_help]\nphase = "middle"\n',
            "config.toml:2: key 'rules.steps.offer_help.phase' must be one of",
        ),
        (
            '[rules.steps.greet_cmpany]\nlabel = "x"\n',
            "key 'rules.steps.greet_cmpany' is not a known step",
        ),
        (
            '[rules.steps.offer_help]\npatterns = ["(unclosed"]\n',
            "config.toml:2: key 'rules.steps.offer_help.patterns' must be regular expressions",
        ),
        (
            '[rules.steps.agree_next_steps]\nhedges = ["[unclosed"]\n',
            "config.toml:2: key 'rules.steps.agree_next_steps.hedges' must be regular expressions",
        ),
        (
            '[rules.hostility]\nextra_terms = ["numpty:rude:1"]\n',
            "config.toml:2: key 'rules.hostility.extra_terms'",
        ),
        (
            '[rules.steps.offer_help]\nrequired = "sometimes"\n',
            "key 'rules.steps.offer_help.required'",
        ),
        (
            '[call]\nlanguage = "de"\n',
            "config.toml:2: key 'call.language' must be one of en, ru, hy",
        ),
    ],
)
def test_bad_values_name_key_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    assert message in str(error.value)


@pytest.mark.parametrize("language", ["en", "ru", "hy"])
def test_language_packs_are_complete(language: str) -> None:
    pack = load_pack(language)
    for step in RulesConfig().steps:
        if step.id != "stay_polite":
            assert pack.step_patterns[step.id], (language, step.id)
    assert pack.conditions["bad_time"] and pack.conditions["declined"]
    assert pack.terms["profanity"] and pack.terms["insult"] and pack.patterns["threat"]


def test_a_configured_hedge_voids_a_next_step() -> None:
    """A house hedge ("subject to approval") turns a promise into no concrete next step,
    for the patterns and for the step model alike; without it the same words count."""
    text = "I'll email you the signed form tomorrow, subject to approval."
    hedged = parse_config(
        '[rules.steps.agree_next_steps]\nhedges = ["subject to (approval|sign off)"]\n'
    ).rules
    for rules, covered in ((RulesConfig(), True), (hedged, False)):
        etiquette = Etiquette(rules, load_pack("en"), "Acme Lettings", "Sam")
        evidence = etiquette.match("agree_next_steps", etiquette.prepare(text))
        assert bool(evidence) == covered, evidence
