"""The statistical hostility model behind the lexicon rules (monitor.rules.classifier)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.config import Config, ConfigError, parse_config
from monitor.rules.classifier import _char_ngrams, _word_ngrams, load_model
from monitor.rules.hostility import HostilityScorer
from monitor.rules.packs import load_pack
from monitor.rules.settings import CATEGORIES

AUDIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "audio"


@pytest.fixture(scope="module")
def scorer() -> HostilityScorer:
    return HostilityScorer(load_pack("en"), Config().rules.hostility)


def test_english_ships_a_model_and_other_languages_need_none() -> None:
    assert load_model("en") is not None
    assert load_model("xx") is None


def test_ngrams_follow_the_trained_vectorizers() -> None:
    assert _word_ngrams("you lot again") == ["you", "lot", "again", "you lot", "lot again"]
    assert _char_ngrams("hi") == [" h", "hi", "i ", " hi", "hi ", " hi "]  # up to the padded word
    # each word on its own; a word shorter than n gives itself (padded) once, then stops
    assert _char_ngrams("a  bc") == [" a", "a ", " a ", " b", "bc", "c ", " bc", "bc ", " bc "]


@pytest.mark.parametrize(
    "text",
    [
        # written for this test, not taken from any labelled call
        "oh brilliant, another genius who can't work out a simple refund, do they hire anyone",
        "people like you make me sick, honestly, go and get a proper job",
    ],
)
def test_wording_no_rule_lists_is_caught_by_the_model(scorer: HostilityScorer, text: str) -> None:
    assert scorer.flags(text), text


@pytest.mark.parametrize(
    "text",
    [
        "alright well have a good one",
        "no problem at all, I'll pop that in the post for you today",
        "could you spell your surname for me please",
        "the engineer will be with you between eight and twelve on Thursday",
        # self-deprecation, and the model abstaining on function words and short phrases
        "Oh for heaven's sake, I'm a total couch potato these days.",
        "and your mechanics are all in house and in shop and I'm just",
        "Right you are.",
    ],
)
def test_ordinary_turns_stay_unflagged(scorer: HostilityScorer, text: str) -> None:
    assert scorer.flags(text) == []


def test_model_threshold_zero_turns_it_off() -> None:
    text = "people like you make me sick, honestly, go and get a proper job"
    settings = replace(Config().rules.hostility, model_threshold=0.0)
    assert HostilityScorer(load_pack("en"), settings).flags(text) == []


def test_model_threshold_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"rules\.hostility\.model_threshold' must be <= 1"):
        parse_config("[rules.hostility]\nmodel_threshold = 2\n")


SARCASM_OVER_WEAK_WORDS = (
    "oh bravo, you are a bit thick aren't you, do you people even know how to read a meter"
)


def test_weak_rule_words_do_not_veto_a_sure_model(scorer: HostilityScorer) -> None:
    """ "thick" alone weighs 0.2 (below insult's 1.0); the model, reading the rest of the
    turn, is sure enough (>= model_threshold_weak_terms) to flag it."""
    hits = scorer.score_text(SARCASM_OVER_WEAK_WORDS)
    assert hits and all(h.word for h in hits) and sum(h.weight for h in hits) < 1.0
    assert [f.category for f in scorer.flags(SARCASM_OVER_WEAK_WORDS)] == ["harassment"]
    settings = replace(Config().rules.hostility, model_threshold_weak_terms=0.0)
    assert HostilityScorer(load_pack("en"), settings).flags(SARCASM_OVER_WEAK_WORDS) == []


FLIRTING_WITH_A_WEAK_PHRASE = (
    "Ooh you're a lovely girl, Kerry. What time do you finish tonight? Come on, give "
    "us a kiss and we can go for a drink."
)


def test_a_weak_phrase_and_the_model_add_up(scorer: HostilityScorer) -> None:
    """A phrase pattern below threshold ("what time do you finish tonight", 0.6) is half
    a signal, not a judged word: the model reads the rest of the turn at the ordinary
    ``model_threshold`` (not ``model_threshold_weak_terms``) and flags it."""
    hits = scorer.score_text(FLIRTING_WITH_A_WEAK_PHRASE)
    assert hits and not any(h.word for h in hits) and sum(h.weight for h in hits) < 1.0
    assert [f.category for f in scorer.flags(FLIRTING_WITH_A_WEAK_PHRASE)] == ["harassment"]
    settings = replace(Config().rules.hostility, model_threshold=0.0)
    assert HostilityScorer(load_pack("en"), settings).flags(FLIRTING_WITH_A_WEAK_PHRASE) == []


def test_a_raised_threshold_silences_words_the_model_would_otherwise_repeat() -> None:
    """The model reads the turn without the rule words, so raising profanity's threshold
    silences "oh shit, my router" instead of the model flagging the same word."""
    settings = replace(Config().rules.hostility, profanity=5.0)
    quiet = HostilityScorer(load_pack("en"), settings)
    assert quiet.flags("oh shit, my router is dead") == []
    # masked and split spellings are blanked where they stand, too
    assert quiet.flags("well f***ing hell the router is dead again") == []


def test_model_threshold_weak_terms_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"model_threshold_weak_terms' must be >= 0"):
        parse_config("[rules.hostility]\nmodel_threshold_weak_terms = -1\n")


BURIED = (
    "I sent the photo of the meter in back in April with the date and the serial number on "
    "it, and honestly do you lot even know how to read a meter at all, because I would like "
    "the estimated bill replaced with the real reading before the direct debit goes out on "
    "the first"
)


def test_a_jibe_inside_a_long_calm_complaint_is_found_window_by_window(
    scorer: HostilityScorer,
) -> None:
    """On the whole 54 words the model reads under 0.5; one 12-word window is clear."""
    assert [f.category for f in scorer.flags(BURIED)] == ["harassment"]
    settings = replace(Config().rules.hostility, model_window_words=0)
    assert HostilityScorer(load_pack("en"), settings).flags(BURIED) == []


def test_windows_leave_a_friendly_real_call_turn_alone(scorer: HostilityScorer) -> None:
    """The agent's offer in the real aws-auto-repairs-40 call, as its ASR wrote it: one
    window ("such as the cut from you and you've been a wonderful customer") read as an
    insult until windows only sharpen turns the model leans on (this one: 0.06)."""
    call = json.loads((AUDIO / "aws-auto-repairs-40.call.json").read_text(encoding="utf-8"))
    text = call["turns"][11]["text"]
    assert "wonderful customer" in text
    assert len(text.split()) > scorer.settings.model_window_words > 0  # windows are read
    assert scorer.flags(text) == []


def test_window_settings_are_validated() -> None:
    for words in (-3, 2):  # a window under 4 words is one the model does not judge
        with pytest.raises(ConfigError, match=r"model_window_words' must be 0 or 4 to 1000"):
            parse_config(f"[rules.hostility]\nmodel_window_words = {words}\n")
    with pytest.raises(ConfigError, match=r"model_threshold_window' must be <= 1"):
        parse_config("[rules.hostility]\nmodel_threshold_window = 1.5\n")


def test_a_short_ordinary_turn_needs_a_surer_model(scorer: HostilityScorer) -> None:
    """Under SHORT_TURN_WORDS words the model must reach SHORT_TURN_BAR: on held-out 45-60
    its flags on short turns were 1 right in 7. This one (held-out 35, not hostile: the
    customer objects to being called "you people") reads about 0.75, above the ordinary
    bar (model_threshold), and stays unflagged only because it is short."""
    from monitor.rules.hostility import SHORT_TURN_BAR, SHORT_TURN_WORDS

    text = "you people who are you calling you people"
    assert len(text.split()) < SHORT_TURN_WORDS
    assert scorer.model is not None
    probability = scorer.model.verdict(scorer.model_text(text)).probability
    assert Config().rules.hostility.model_threshold <= probability < SHORT_TURN_BAR
    assert scorer.flags(text) == []


def test_a_sure_model_needs_only_content_that_does_not_object(
    scorer: HostilityScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A put-down lives in its function words ("you're not the sharpest, are you"): read
    on content words alone the model says little. Where it is sure of the turn as said
    (SURE), content need only reach CONTENT_AGREEMENT_SURE; JFK's "ask not what your
    country can do for you", which the model reads at about 0.68, still needs the full
    agreement and stays quiet."""
    import monitor.rules.hostility as hostility

    text = "to be fair love you're not the sharpest, are you? you never mentioned the damp"
    # the phrase is also a rule now; the model alone is what this test is about
    pack = replace(load_pack("en"), patterns={category: () for category in CATEGORIES})
    no_rules = HostilityScorer(pack, scorer.settings)
    assert no_rules.model is not None
    prepared = no_rules.model_text(text)
    assert no_rules.model.verdict(prepared).probability >= hostility.SURE
    assert not no_rules._content_agrees(prepared)  # the strict gate alone would refuse it
    assert no_rules.flags(text)
    jfk = (
        "And so, my fellow Americans, ask not what your country can do for you, "
        "ask what you can do for your country."
    )
    assert scorer.flags(jfk) == []
    monkeypatch.setattr(hostility, "SURE", 1.01)
    fresh = HostilityScorer(pack, scorer.settings)
    assert fresh.flags(text) == []
