"""The statistical models: logistic regressions over TF-IDF n-grams, run in plain Python
from the JSON that ``scripts/train_hostility_model.py`` (one output: hostile) and
``scripts/train_step_model.py`` (one output per checklist step) write.

It reproduces scikit-learn's ``TfidfVectorizer`` (lower case; ``char_wb`` 2-5 grams, 3-5
for the step model, and word 1-2 grams of ``\\b\\w\\w+\\b`` tokens; sublinear tf; idf;
l2 norm per part) followed by the regression's dot product, so its probabilities equal
the trained model's.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

LANG_DIR = Path(__file__).with_name("lang")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Verdict:
    probability: float
    terms: tuple[str, ...]  # the words that pushed most towards hostile


def _char_ngrams(text: str) -> list[str]:
    """scikit-learn's ``char_wb`` 2-5 grams: each word padded with spaces; a word shorter
    than n gives itself once."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(2, 6):
            if n >= length:
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(length - n + 1)]
    return grams


def _word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


Counts = tuple[tuple[str, int], ...]
Table = dict[str, tuple[float, ...]]  # n-gram -> [idf, coefficient(s)]


@lru_cache(maxsize=256)
def gram_counts(text: str) -> tuple[Counts, Counts]:
    """(character n-gram counts, word n-gram counts) of one text. Remembered: the
    hostility and step models read the same normalised turn when no configured name
    was marked and no allow-listed phrase removed."""
    lowered = text.lower()
    chars = tuple(Counter(_char_ngrams(lowered)).items())
    return chars, tuple(Counter(_word_ngrams(lowered)).items())


def _frozen(table: dict[str, list[float]]) -> Table:
    """The table with tuples for lists: tuples of numbers drop out of the garbage
    collector's sight, and 100,000 lists in it made a full collection cost ~50 ms in
    the middle of a call (``bench/bench_rules.py``'s re-judge went 6 -> 50 ms)."""
    return {gram: tuple(entry) for gram, entry in table.items()}


class HostilityModel:
    """Probability that one utterance is hostile."""

    def __init__(self, data: dict) -> None:
        self.intercept = float(data["intercept"])
        self.chars = _frozen(data["chars"])
        self.words = _frozen(data["words"])

    @staticmethod
    def _part(counts: Counts, table: Table) -> tuple[float, dict[str, float]]:
        """(normalised dot product, contribution per n-gram) for one vectorizer."""
        squares = 0.0
        raw: dict[str, float] = {}  # n-gram -> tf-idf weight x coefficient, before the norm
        for gram, count in counts:
            entry = table.get(gram)
            if entry is None:
                continue
            idf, coef = entry
            weight = (1.0 + math.log(count)) * idf if count > 1 else idf
            squares += weight * weight
            raw[gram] = weight * coef
        if not raw:
            return 0.0, {}
        norm = math.sqrt(squares) or 1.0
        contributions = {gram: value / norm for gram, value in raw.items()}
        return sum(contributions.values()), contributions

    def verdict(self, text: str) -> Verdict:
        chars, words_counts = gram_counts(text)
        char_score, _ = self._part(chars, self.chars)
        word_score, words = self._part(words_counts, self.words)
        z = self.intercept + char_score + word_score
        probability = 1.0 / (1.0 + math.exp(-z))
        top = sorted((c, w) for w, c in words.items() if c > 0)[-3:]
        return Verdict(probability, tuple(w for _, w in reversed(top)))


class StepModel:
    """Probability, per checklist step, that one agent turn covers it.

    The steps share one vocabulary, so each turn's n-grams are weighed once
    (``weigh``); a table entry is ``[idf, coefficient of step 1, of step 2, ...]`` and
    only the steps asked about are summed (most turns ask about one or two)."""

    def __init__(self, data: dict) -> None:
        self.steps: tuple[str, ...] = tuple(data["steps"])
        self.column = {step: i + 1 for i, step in enumerate(self.steps)}
        self.intercepts = dict(zip(self.steps, map(float, data["intercepts"]), strict=True))
        self.chars = _frozen(data["chars"])
        self.words = _frozen(data["words"])

    @staticmethod
    def _weights(counts: Counts, table: Table) -> list[tuple[float, tuple[float, ...]]]:
        """(normalised tf-idf weight, table entry) of each known n-gram."""
        pairs = []
        squares = 0.0
        for gram, count in counts:
            entry = table.get(gram)
            if entry is None:
                continue
            weight = (1.0 + math.log(count)) * entry[0] if count > 1 else entry[0]
            squares += weight * weight
            pairs.append((weight, entry))
        norm = math.sqrt(squares) or 1.0
        return [(weight / norm, entry) for weight, entry in pairs]

    def weigh(self, text: str) -> list[tuple[float, tuple[float, ...]]]:
        """The turn's features, for ``probability``. The model may use fewer character
        n-gram sizes than the hostility model; n-grams it does not know are skipped."""
        chars, words = gram_counts(text)
        return self._weights(chars, self.chars) + self._weights(words, self.words)

    def probability(self, weighed: list[tuple[float, tuple[float, ...]]], step: str) -> float:
        column = self.column[step]
        z = self.intercepts[step] + sum(weight * entry[column] for weight, entry in weighed)
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, text: str) -> dict[str, float]:
        weighed = self.weigh(text)
        return {step: self.probability(weighed, step) for step in self.steps}


def _model_data(language: str, kind: str) -> dict | None:
    """``lang/<language>.<kind>-model.json``, or None when that model is not shipped."""
    path = LANG_DIR / f"{language}.{kind}-model.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@cache
def load_step_model(language: str) -> StepModel | None:
    """The step model shipped for ``language``, or None when there is none."""
    data = _model_data(language, "steps")
    return StepModel(data) if data is not None else None


@cache
def load_model(language: str) -> HostilityModel | None:
    """The hostility model shipped for ``language``, or None when there is none."""
    data = _model_data(language, "hostility")
    return HostilityModel(data) if data is not None else None
