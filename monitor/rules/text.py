"""Text normalisation shared by the step matcher and the hostility scorer.

``normalise`` turns ASR or typed text into lowercase words separated by single spaces:
punctuation gone, English contractions expanded, fillers dropped, masked profanity kept
as a token (``f**king`` stays ``f**king``; the ASR mask ``[ __ ]`` becomes ``[__]``).
Patterns in the language packs are written against this form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MASK_TOKEN = "[__]"

_ASR_MASK = re.compile(r"\[\s*_+\s*\]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ё": "е", "Ё": "Е"})
# keep letters, digits, apostrophes inside words, '*' inside masked words
_WORD = re.compile(r"\[__\]|[^\W_](?:[\w'*]*[^\W_*])?\**|\*{2,}", re.UNICODE)
_ARMENIAN_MARKS = str.maketrans({"՞": "", "՜": "", "՛": "", "։": " ", "՝": " ", "«": " ", "»": " "})

_CONTRACTIONS = {
    "n't": " not",
    "'re": " are",
    "'ll": " will",
    "'ve": " have",
    "'m": " am",
    "'d": " would",
}
_SPECIAL = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "ain't": "is not",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "dunno": "do not know",
    "let's": "let us",
    "y'all": "you all",
    "ya": "you",
    # ASR output often drops apostrophes
    "youll": "you will",
    "youre": "you are",
    "youve": "you have",
    "youd": "you would",
    "ill": "i will",
    "im": "i am",
    "ive": "i have",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "havent": "have not",
    "hasnt": "has not",
    "weve": "we have",
    "theyll": "they will",
    "theyre": "they are",
    "theyve": "they have",
    "itll": "it will",
    "hes": "he is",
    "shes": "she is",
    "thatll": "that will",
    "well": "well",
}
_APOS_S_IS = {
    "it's",
    "that's",
    "there's",
    "here's",
    "what's",
    "who's",
    "he's",
    "she's",
    "where's",
    "how's",
    "name's",
    "everything's",
    "nothing's",
    "this's",
}


def _expand(word: str) -> str:
    if word in _SPECIAL:
        return _SPECIAL[word]
    if "'" not in word:
        return word
    if word in _APOS_S_IS:
        return word[:-2] + " is"
    for suffix, full in _CONTRACTIONS.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + full
    if word.endswith("'s"):
        return word[:-2]  # possessive: "patel's" -> "patel"
    return word.replace("'", "")


def normalise(text: str, fillers: Iterable[str] = ()) -> str:
    """Lowercase words separated by single spaces; see the module docstring."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_ARMENIAN_MARKS)
    text = _ASR_MASK.sub(f" {MASK_TOKEN} ", text).lower()
    filler_set = fillers if isinstance(fillers, (set, frozenset)) else set(fillers)
    words: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word in filler_set:
            continue
        words.append(_expand(word) if "'" in word or word in _SPECIAL else word)
    return " ".join(words)


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the character spans replaced by spaces (offsets stay valid while
    several spans are blanked)."""
    chars = list(text)
    for start, end in spans:
        end = min(end, len(chars))  # a span may reach past the end ("the next 40 chars")
        chars[start:end] = " " * max(end - start, 0)
    return "".join(chars)


def squash(text: str) -> str:
    """Letters and digits only (for comparing names whatever their spacing)."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


class TextMemo:
    """Results remembered per text (and per what else the key holds) for one call, so
    re-judging the call when settled text arrives scores only the changed utterances."""

    LIMIT = 20_000  # entries; the memo starts again empty beyond this

    def __init__(self) -> None:
        self._results: dict = {}

    def get(self, key, compute):
        if key not in self._results:
            if len(self._results) >= self.LIMIT:
                self._results.clear()
            self._results[key] = compute()
        return self._results[key]
