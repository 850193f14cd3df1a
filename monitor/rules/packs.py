"""Language packs (``monitor/rules/lang/<language>.toml``): load and validate, once each."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from monitor.rules.settings import CATEGORIES, DEFAULT_STEPS

LANG_DIR = Path(__file__).with_name("lang")
CONDITION_NAMES = ("bad_time", "declined")
DEFAULT_PATTERN_WEIGHT = 1.2


@dataclass(frozen=True)
class LanguagePack:
    language: str
    fillers: frozenset[str]
    name_stopwords: frozenset[str]
    company_generic: frozenset[str]
    direction: dict[str, tuple[str, ...]]
    step_patterns: dict[str, tuple[str, ...]]
    step_phrases: dict[str, tuple[str, ...]]
    step_hedges: dict[str, tuple[str, ...]]  # words that make a nearby match vague
    conditions: dict[str, tuple[str, ...]]
    terms: dict[str, tuple[tuple[str, float], ...]]  # category -> (word or prefix*, weight)
    patterns: dict[str, tuple[tuple[str, float], ...]]  # category -> (regex, weight)
    aimed_bonus: float
    allow: tuple[str, ...]
    report: tuple[str, ...]
    report_after: tuple[str, ...] = ()  # frames after the reported words
    report_end: tuple[str, ...] = ()  # the speaker's own voice again ("honestly", "anyway")


def split_weight(item: str, default: float) -> tuple[str, float]:
    """``"word:1.5"`` -> ("word", 1.5); no weight -> the default."""
    head, sep, tail = item.rpartition(":")
    if sep and re.fullmatch(r"\d+(\.\d+)?", tail.strip()):
        return head.strip(), float(tail)
    return item.strip(), default


def _check_regex(path: str, key: str, items: list[str]) -> tuple[str, ...]:
    from monitor.config import ConfigError

    for item in items:
        try:
            re.compile(re.sub(r"\{(company|agent|name|gap)\}", "x", item))
        except re.error as exc:
            raise ConfigError(f"{path}: key '{key}': bad pattern {item!r}: {exc}") from None
    return tuple(items)


@lru_cache(maxsize=8)
def load_pack(language: str) -> LanguagePack:
    """The validated pack for ``language``; ``ConfigError`` naming file, key and line."""
    from monitor.config import ConfigError, KeyLocator, TableReader

    path = LANG_DIR / f"{language}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no language pack for {language!r} ({path} is missing)") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    locator = KeyLocator(text, str(path))
    top = TableReader(raw, "", locator)
    top.str("language", language, (language,))
    fillers = frozenset(top.str_list("fillers", []))
    stopwords = frozenset(top.str_list("name_stopwords", []))
    generic = frozenset(top.str_list("company_generic", []))

    direction_reader = top.table("direction")
    direction = {
        d: _check_regex(str(path), f"direction.{d}", direction_reader.str_list(d, []))
        for d in ("inbound", "outbound")
    }
    direction_reader.done()

    steps_reader = top.table("steps")
    step_patterns: dict[str, tuple[str, ...]] = {}
    step_phrases: dict[str, tuple[str, ...]] = {}
    step_hedges: dict[str, tuple[str, ...]] = {}
    for step in DEFAULT_STEPS:
        sub = steps_reader.table(step.id)
        step_patterns[step.id] = _check_regex(
            str(path), f"steps.{step.id}.patterns", sub.str_list("patterns", [])
        )
        step_phrases[step.id] = tuple(sub.str_list("phrases", []))
        step_hedges[step.id] = _check_regex(
            str(path), f"steps.{step.id}.hedges", sub.str_list("hedges", [])
        )
        sub.done()
        if step.condition != "customer_hostile" and not step_patterns[step.id]:
            raise locator.error(f"steps.{step.id}", "needs at least one pattern")
    steps_reader.done()

    cond_reader = top.table("conditions")
    conditions = {
        name: _check_regex(str(path), f"conditions.{name}", cond_reader.str_list(name, []))
        for name in CONDITION_NAMES
    }
    cond_reader.done()

    host = top.table("hostility")
    terms = {}
    for category in CATEGORIES:
        items = host.str_list(category, [])
        terms[category] = tuple(split_weight(item.lower(), 1.0) for item in items)
    aimed_bonus = host.float("aimed_bonus", 0.6, lo=0.0, hi=10.0)
    allow = _check_regex(str(path), "hostility.allow", host.str_list("allow", []))
    report = _check_regex(str(path), "hostility.report", host.str_list("report", []))
    report_after = _check_regex(
        str(path), "hostility.report_after", host.str_list("report_after", [])
    )
    report_end = _check_regex(str(path), "hostility.report_end", host.str_list("report_end", []))
    pattern_reader = host.table("patterns")
    patterns = {}
    for category in CATEGORIES:
        items = pattern_reader.str_list(category, [])
        pairs = tuple(split_weight(item, DEFAULT_PATTERN_WEIGHT) for item in items)
        _check_regex(str(path), f"hostility.patterns.{category}", [p for p, _ in pairs])
        patterns[category] = pairs
    pattern_reader.done()
    host.done()
    top.done()
    return LanguagePack(
        language=language,
        fillers=fillers,
        name_stopwords=stopwords,
        company_generic=generic,
        direction=direction,
        step_patterns=step_patterns,
        step_phrases=step_phrases,
        step_hedges=step_hedges,
        conditions=conditions,
        terms=terms,
        patterns=patterns,
        aimed_bonus=aimed_bonus,
        allow=allow,
        report=report,
        report_after=report_after,
        report_end=report_end,
    )
