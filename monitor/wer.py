"""Word error rate with the normalisation the audio fixtures' README describes.

Lower case, punctuation dropped, contractions expanded, digits spelled out (3+ digit
numbers digit by digit, "6:30" as "six thirty"), a few British spellings made US.
Used by the engine tests and ``bench/bench_engine.py``.
"""

from __future__ import annotations

import re

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_CONTRACTIONS = {
    "i'm": "i am", "you're": "you are", "we're": "we are", "they're": "they are",
    "it's": "it is", "that's": "that is", "there's": "there is", "what's": "what is",
    "i'll": "i will", "you'll": "you will", "we'll": "we will", "it'll": "it will",
    "i've": "i have", "you've": "you have", "we've": "we have", "i'd": "i would",
    "you'd": "you would", "can't": "can not", "cannot": "can not", "won't": "will not",
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "isn't": "is not",
    "aren't": "are not", "wasn't": "was not", "haven't": "have not", "hasn't": "has not",
    "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not",
    "let's": "let us", "ok": "okay",
}  # fmt: skip
_BRITISH = {"centre": "center", "colour": "color", "cheque": "check", "organise": "organize"}


def _number_words(digits: str) -> str:
    if len(digits) >= 3:
        return " ".join(_ONES[int(d)] for d in digits)
    value = int(digits)
    if value < 20:
        return _ONES[value]
    tens, ones = divmod(value, 10)
    return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])


def normalise(text: str) -> list[str]:
    """Words of ``text`` after the normalisation above."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d+)%", r"\1 percent", text)
    text = re.sub(r"(\d+):(\d+)", r"\1 \2", text)
    text = re.sub(r"(?<=\d)[-.](?=\d)", " ", text)  # 4-4-1-8, 4.4.1.8
    text = re.sub(r"\d+", lambda m: " " + _number_words(m.group()) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    words: list[str] = []
    for word in text.split():
        word = word.strip("'")
        if not word:
            continue
        word = _CONTRACTIONS.get(word, word)
        words.extend(_BRITISH.get(w, w) for w in word.split())
    return words


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, deletions, insertions)."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))
