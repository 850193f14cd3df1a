"""Weighted structural features for swear-free demeaning remarks and veiled threats (English).

Literal phrases miss new wordings, so these two families are scored by structure; the
feature table is ``lang/<language>.features.toml``:

* demeaning (``harassment``): a TARGET (second person, "you lot", "they train/let you",
  "for us normal people", a turn-final "sir") plus an ATTACK on competence, intelligence,
  class or language ("actually speaks English", "learned to drive properly", "at least I
  can afford", "off the script", "reading isn't for everyone", "s-l-o-w-l-y"), with
  SARCASM markers ("wow", "oh great", "maybe if you", a tag "…, would you?") adding weight.
  A turn counts only with both a target and an attack and enough total weight.
* threat: veiled menace that names a person's whereabouts or body ("I know which way he
  drives home", "I know where your depot is", "watch his back", "put his lights out").
  Two menace features, or one idiom in the first person, reach the threshold.

Exasperation about pets and children ("I'll kill him, he's been in the Easter eggs") is
an allow-list entry of the English pack, removed before any of this runs.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from monitor.rules.anchors import anchor_test
from monitor.rules.packs import split_weight

TARGET, ATTACK, SARCASM, MENACE = "target", "attack", "sarcasm", "menace"


@dataclass(frozen=True)
class Feature:
    family: str  # "harassment" or "threat"
    roles: frozenset[str]
    regex: re.Pattern[str]
    weight: float
    # a literal test that the regex may match (``anchors``); None: always run it
    may_match: Callable[[str], object] | None = None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S)(?:{pattern})(?!\S)")


@lru_cache(maxsize=8)
def load_features(language: str) -> tuple[Feature, ...]:
    """The features of ``lang/<language>.features.toml``; none when the file is absent."""
    path = Path(__file__).parent / "lang" / f"{language}.features.toml"
    if not path.exists():
        return ()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    features = []
    for family, groups in data.items():
        for roles, items in groups.items():
            for item in items:
                pattern, weight = split_weight(item, 0.3)
                features.append(
                    Feature(
                        family,
                        frozenset(roles.split("+")),
                        _compile(pattern),
                        weight,
                        anchor_test(pattern),
                    )
                )
    return tuple(features)


_MIN_ATTACK = 0.4  # "properly" alone is no attack


def _without_overlaps(
    matches: list[tuple[Feature, re.Match[str]]],
) -> list[tuple[Feature, re.Match[str]]]:
    """One clause counts once, even where two features match it."""
    kept: list[tuple[Feature, re.Match[str]]] = []
    for feature, match in sorted(matches, key=lambda fm: -fm[0].weight):
        if all(match.end() <= m.start() or match.start() >= m.end() for _, m in kept):
            kept.append((feature, match))
    return kept


@dataclass(frozen=True)
class FeatureHit:
    category: str
    term: str
    weight: float
    start: int


def feature_hits(norm: str, language: str = "en") -> list[FeatureHit]:
    """Structural hits in one normalised utterance, gated per family.

    Demeaning needs a target and an attack (and a sum of at least 1.0 to flag on its own);
    threats need menace features summing to at least 1.0. Below that, nothing is returned,
    so isolated features ("I know where your depot is", "properly") never add up with
    the literal lexicon by accident.
    """
    found: dict[str, list[tuple[Feature, re.Match[str]]]] = {}
    for feature in load_features(language):
        if feature.may_match is not None and not feature.may_match(norm):
            continue
        matches = (
            feature.regex.finditer(norm)
            if feature.family == "threat"
            else [feature.regex.search(norm)]
        )
        for match in matches:
            if match:
                found.setdefault(feature.family, []).append((feature, match))
    out: list[FeatureHit] = []
    demeaning = found.get("harassment", [])
    roles = {role for feature, _ in demeaning for role in feature.roles}
    total = sum(feature.weight for feature, _ in demeaning)
    attack = sum(feature.weight for feature, _ in demeaning if ATTACK in feature.roles)
    if {TARGET, ATTACK} <= roles and attack >= _MIN_ATTACK and total >= 1.0:
        attack_at = min(m.start() for f, m in demeaning if ATTACK in f.roles)
        terms = " + ".join(m.group(0) for f, m in demeaning if ATTACK in f.roles)
        out.append(FeatureHit("harassment", terms, round(total, 3), attack_at))
    menace = _without_overlaps(found.get("threat", []))
    total = sum(feature.weight for feature, _ in menace)
    if total >= 1.0:
        start = min(m.start() for _, m in menace)
        out.append(
            FeatureHit("threat", " + ".join(m.group(0) for _, m in menace), round(total, 3), start)
        )
    return out
