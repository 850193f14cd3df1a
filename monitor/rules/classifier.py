"""The statistical hostility model: a logistic regression over TF-IDF n-grams, run in
plain Python from the JSON that ``scripts/train_hostility_model.py`` writes.

It reproduces scikit-learn's ``TfidfVectorizer`` (lower case; ``char_wb`` 2-5 grams and
word 1-2 grams of ``\\b\\w\\w+\\b`` tokens; sublinear tf; idf; l2 norm per part) followed by
the regression's dot product, so its probabilities equal the trained model's.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANG_DIR = Path(__file__).with_name("lang")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Verdict:
    probability: float
    terms: tuple[str, ...]  # the words that pushed most towards hostile


def _char_ngrams(text: str) -> list[str]:
    grams = []
    for word in _SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(2, 6):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # the word is shorter than n
                break
    return grams


def _word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


class HostilityModel:
    """Probability that one utterance is hostile."""

    def __init__(self, data: dict) -> None:
        self.intercept = float(data["intercept"])
        self.chars: dict[str, list[float]] = data["chars"]
        self.words: dict[str, list[float]] = data["words"]

    @staticmethod
    def _part(grams: list[str], table: dict[str, list[float]]) -> tuple[float, dict[str, float]]:
        """(normalised dot product, contribution per n-gram) for one vectorizer."""
        squares = 0.0
        raw: dict[str, float] = {}  # n-gram -> tf-idf weight x coefficient, before the norm
        for gram, count in Counter(grams).items():
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
        lowered = text.lower()
        char_score, _ = self._part(_char_ngrams(lowered), self.chars)
        word_score, words = self._part(_word_ngrams(lowered), self.words)
        z = self.intercept + char_score + word_score
        probability = 1.0 / (1.0 + math.exp(-z))
        top = sorted((c, w) for w, c in words.items() if c > 0)[-3:]
        return Verdict(probability, tuple(w for _, w in reversed(top)))


@cache
def load_model(language: str) -> HostilityModel | None:
    """The model shipped for ``language``, or None when there is none."""
    path = LANG_DIR / f"{language}.hostility-model.json"
    if not path.is_file():
        return None
    return HostilityModel(json.loads(path.read_text(encoding="utf-8")))
