"""The ``[rules]`` section of config.toml: checklist steps and hostility settings.

``RulesConfig()`` is the complete built-in default. ``parse_rules`` reads a ``[rules]``
table through ``TableReader`` (errors name key and line). Phrases and the lexicon live in
the language packs (``monitor/rules/lang/*.toml``); config adds to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STEP_DIRECTIONS = ("inbound", "outbound", "both")
PHASES = ("opening", "any", "closing")
REQUIRED = ("always", "never", "inbound", "outbound")
CONDITIONS = ("", "bad_time", "declined", "customer_hostile")
SPEAKERS = ("agent", "customer")
CATEGORIES = ("insult", "profanity", "threat", "harassment")
LANGUAGES = ("en", "ru", "hy")


@dataclass(frozen=True)
class StepSettings:
    """One checklist step. Windows count the agent's turns (and seconds) from the call's
    start (``opening``), from the condition (conditional steps), or back from the end
    (``closing``); 0 means no limit."""

    id: str
    label: str
    direction: str = "both"
    phase: str = "any"
    within_turns: int = 0
    within_s: float = 0.0
    required: str = "always"
    condition: str = ""
    speaker: str = "agent"
    threshold: float = 85.0
    model_threshold: float = 0.0  # the step model's probability that covers it; 0 = off
    enabled: bool = True
    extra_patterns: tuple[str, ...] = ()
    extra_phrases: tuple[str, ...] = ()
    extra_hedges: tuple[str, ...] = ()

    def applies_to(self, direction: str) -> bool:
        return self.direction in ("both", direction)

    def is_required(self, direction: str | None) -> bool:
        return self.required == "always" or (direction is not None and self.required == direction)


DEFAULT_STEPS: tuple[StepSettings, ...] = (
    StepSettings("greet_company", "Greet with the company name", "both", "opening", 3, 45.0),
    StepSettings(
        "introduce_self", "Introduce yourself", "both", "opening", 3, 45.0, required="outbound"
    ),
    StepSettings("offer_help", "Offer help", "inbound", "opening", 3, 45.0, model_threshold=0.6),
    StepSettings(
        "check_convenience",
        "Ask if now is a good time",
        "outbound",
        "opening",
        3,
        45.0,
        model_threshold=0.7,
    ),
    StepSettings(
        "arrange_callback",
        "Arrange a callback",
        "outbound",
        "any",
        3,
        0.0,
        condition="bad_time",
        model_threshold=0.6,
    ),
    StepSettings(
        "state_purpose",
        "State the purpose of the call",
        "outbound",
        "opening",
        4,
        90.0,
        model_threshold=0.6,
    ),
    StepSettings(
        "resolve_or_redirect",
        "Resolve or redirect the request",
        "inbound",
        "any",
        model_threshold=0.6,
    ),
    StepSettings(
        "apologize_if_declined",
        "Apologise if the offer is declined",
        "outbound",
        "any",
        2,
        0.0,
        condition="declined",
        model_threshold=0.6,
    ),
    # Model thresholds: 0.6 where cross-validation lost no call decision; stricter for
    # the steps that agents often skip (a third of dev decisions are "missed"), where a
    # false cover costs most: 0.7, and 0.9 for next steps, whose vague promises
    # ("someone may be in touch") read close to real ones.
    StepSettings("agree_next_steps", "Agree next steps", "both", "any", model_threshold=0.9),
    StepSettings(
        "thank_for_time",
        "Thank for the call / time",
        "both",
        "closing",
        3,
        0.0,
        model_threshold=0.7,
    ),
    StepSettings(
        "stay_polite",
        "Stay polite with a hostile customer",
        "both",
        "any",
        condition="customer_hostile",
    ),
)


@dataclass(frozen=True)
class HostilitySettings:
    """Thresholds per category, extra lexicon terms and allow-list from config."""

    enabled: bool = True
    insult: float = 1.0
    profanity: float = 1.0
    threat: float = 1.0
    harassment: float = 1.0
    aimed_bonus: float | None = None  # None = the language pack's value
    extra_terms: tuple[tuple[str, str, float], ...] = ()  # (term, category, weight)
    extra_patterns: tuple[tuple[str, str, float], ...] = ()  # (regex, category, weight)
    allow: tuple[str, ...] = ()
    flag_partials: bool = True
    model_threshold: float = 0.65  # statistical model's probability to flag; 0 = off
    model_threshold_weak_terms: float = 0.8  # the same, over lexicon words below threshold
    model_window_words: int = 12  # long turns are also read in windows this long; 0 = off
    model_threshold_window: float = 0.85  # the model's probability to flag one window

    def threshold(self, category: str) -> float:
        return float(getattr(self, category))


@dataclass(frozen=True)
class RulesConfig:
    """Everything the rules engine needs besides the language pack."""

    language: str = "en"
    steps: tuple[StepSettings, ...] = DEFAULT_STEPS
    hostility: HostilitySettings = field(default_factory=HostilitySettings)
    name_threshold: float = 80.0
    direction_turns: int = 2
    default_direction: str = "inbound"


# ---- parsing ----


def _regex(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    try:
        re.compile(value.replace("{", "(").replace("}", ")"))
    except re.error as exc:
        raise ValueError(f"bad pattern {value!r}: {exc}") from None
    return value


def _regex_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError("expected a list of strings")
    return tuple(_regex(item) for item in value)


def _phrases_for(language: str):
    def parse(value: Any) -> tuple[str, ...]:
        if isinstance(value, list):
            return _regex_list(value)
        if isinstance(value, dict):
            for lang, items in value.items():
                if lang not in LANGUAGES:
                    raise ValueError(f"unknown language {lang!r} (use {', '.join(LANGUAGES)})")
                _regex_list(items)
            return tuple(value.get(language, ()))
        raise TypeError("expected a list of strings or a table of lists per language")

    return parse


def _term_list(kind: str):
    def parse(value: Any) -> tuple[tuple[str, str, float], ...]:
        if not isinstance(value, list):
            raise TypeError('expected a list like ["numpty:insult:0.8"]')
        out = []
        for item in value:
            if not isinstance(item, str) or item.count(":") < 2:
                raise ValueError(f'{item!r} is not "{kind}:category:weight"')
            text, category, weight = item.rsplit(":", 2)
            if category not in CATEGORIES:
                raise ValueError(f"{item!r}: category must be one of {', '.join(CATEGORIES)}")
            number = float(weight)
            if not 0.0 <= number <= 10.0:
                raise ValueError(f"{item!r}: weight must be between 0 and 10")
            if kind == "pattern":
                _regex(text)
            out.append((text.strip().lower(), category, number))
        return tuple(out)

    return parse


def _required(value: Any) -> str:
    if value is True:
        return "always"
    if value is False:
        return "never"
    if value in REQUIRED:
        return str(value)
    raise ValueError('use true, false, "inbound" or "outbound"')


def _parse_step(
    reader: Any, base: StepSettings | None, step_id: str, language: str
) -> StepSettings:
    if base is None:
        base = StepSettings(id=step_id, label=reader.str("label", step_id))
    step = StepSettings(
        id=step_id,
        label=reader.str("label", base.label),
        direction=reader.str("direction", base.direction, STEP_DIRECTIONS),
        phase=reader.str("phase", base.phase, PHASES),
        within_turns=reader.int("within_turns", base.within_turns, lo=0, hi=1000),
        within_s=reader.float("within_s", base.within_s, lo=0.0, hi=86400.0),
        required=reader.custom(
            "required", base.required, _required, 'true/false/"inbound"/"outbound"'
        ),
        condition=reader.str("condition", base.condition, CONDITIONS),
        speaker=reader.str("speaker", base.speaker, SPEAKERS),
        threshold=reader.float("threshold", base.threshold, lo=50.0, hi=100.0),
        model_threshold=reader.float("model_threshold", base.model_threshold, lo=0.0, hi=1.0),
        enabled=reader.bool("enabled", base.enabled),
        extra_patterns=reader.custom(
            "patterns", base.extra_patterns, _phrases_for(language), "regular expressions"
        ),
        extra_phrases=reader.custom(
            "phrases", base.extra_phrases, _phrases_for(language), "a list of phrases"
        ),
        extra_hedges=reader.custom(
            "hedges", base.extra_hedges, _phrases_for(language), "regular expressions"
        ),
    )
    reader.done()
    return step


def _window_words(value: Any) -> int:
    """0 (no windows) or a window the model can judge (its minimum is 4 words)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    if value != 0 and not 4 <= value <= 1000:
        raise ValueError(f"{value} words: use 0 (off) or 4 to 1000")
    return value


def _parse_hostility(reader: Any) -> HostilitySettings:
    default = HostilitySettings()
    bonus = (
        reader.float("aimed_bonus", -1.0, lo=0.0, hi=10.0) if "aimed_bonus" in reader.raw else None
    )
    settings = HostilitySettings(
        enabled=reader.bool("enabled", default.enabled),
        insult=reader.float("insult_threshold", default.insult, lo=0.1, hi=100.0),
        profanity=reader.float("profanity_threshold", default.profanity, lo=0.1, hi=100.0),
        threat=reader.float("threat_threshold", default.threat, lo=0.1, hi=100.0),
        harassment=reader.float("harassment_threshold", default.harassment, lo=0.1, hi=100.0),
        aimed_bonus=bonus,
        extra_terms=reader.custom("extra_terms", (), _term_list("term"), '"term:category:weight"'),
        extra_patterns=reader.custom(
            "extra_patterns", (), _term_list("pattern"), '"regex:category:weight"'
        ),
        allow=reader.custom("allow", (), _regex_list, "a list of phrases"),
        flag_partials=reader.bool("flag_partials", default.flag_partials),
        model_threshold=reader.float("model_threshold", default.model_threshold, lo=0.0, hi=1.0),
        model_threshold_weak_terms=reader.float(
            "model_threshold_weak_terms", default.model_threshold_weak_terms, lo=0.0, hi=1.0
        ),
        model_window_words=reader.custom(
            "model_window_words", default.model_window_words, _window_words, "0 or 4 to 1000"
        ),
        model_threshold_window=reader.float(
            "model_threshold_window", default.model_threshold_window, lo=0.0, hi=1.0
        ),
    )
    reader.done()
    return settings


def parse_rules(reader: Any, language: str = "en") -> RulesConfig:
    """Read the ``[rules]`` table; unknown keys and bad values raise through ``reader``."""
    if language not in LANGUAGES:
        raise reader.locator.error(
            "call.language", f"must be one of {', '.join(LANGUAGES)}; got {language!r}"
        )
    default = RulesConfig()
    steps = {step.id: step for step in default.steps}
    order = [step.id for step in default.steps]
    steps_reader = reader.table("steps")
    for step_id in list(steps_reader.raw):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", step_id):
            raise steps_reader.error(step_id, "must be a lowercase id like my_step")
        sub = steps_reader.table(step_id)
        base = steps.get(step_id)
        if base is None and not ({"patterns", "phrases"} & set(sub.keys())):
            raise steps_reader.error(
                step_id,
                f"is not a known step ({', '.join(order)}); a new step needs patterns or phrases",
            )
        steps[step_id] = _parse_step(sub, base, step_id, language)
        if step_id not in order:
            order.append(step_id)
    steps_reader.done()
    hostility = _parse_hostility(reader.table("hostility"))
    config = RulesConfig(
        language=language,
        steps=tuple(steps[step_id] for step_id in order),
        hostility=hostility,
        name_threshold=reader.float("name_threshold", default.name_threshold, lo=50.0, hi=100.0),
        direction_turns=reader.int("direction_turns", default.direction_turns, lo=1, hi=20),
        default_direction=reader.str(
            "default_direction", default.default_direction, ("inbound", "outbound")
        ),
    )
    reader.done()
    return config
