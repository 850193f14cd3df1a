"""Hostile-language scorer: lexicon words, multi-word patterns, masks, context rules.

``HostilityScorer.score_text(text)`` returns the ``Hit``s in one utterance;
``flags(text)`` sums them per category and keeps the categories that reach their
threshold. Precision rules: an allow-list of idioms/names is removed first; weak insult
words ("idiot", "stupid") count only when aimed at the listener; insults inside a
report or quote frame ("he called me an idiot") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from monitor.rules.anchors import anchor_test
from monitor.rules.classifier import Verdict, load_model
from monitor.rules.features import feature_hits
from monitor.rules.packs import LanguagePack
from monitor.rules.settings import CATEGORIES, HostilitySettings
from monitor.rules.text import MASK_TOKEN, TextMemo, blank_spans, normalise

_AIM_SKIP = {
    "a",
    "an",
    "such",
    "are",
    "were",
    "is",
    "so",
    "fucking",
    "bloody",
    "complete",
    "total",
    "absolute",
    "little",
    "right",
    "real",
    "being",
    "big",
    "old",
    "utter",
    "proper",
    # pejorative adjectives between "you" and the noun ("you rude cow", "you smug prat")
    "rude",
    "smug",
    "silly",
    "daft",
    "dozy",
    "lazy",
    "fat",
    "ugly",
    "miserable",
    "arrogant",
    "ignorant",
    "clueless",
    "useless",
    "pathetic",
    "incompetent",
    "cheeky",
    "jumped",
    "up",
    "sad",
    "pompous",
}
_VOCATIVE_BLOCK = {
    "my",
    "the",
    "a",
    "an",
    "your",
    "his",
    "her",
    "their",
    "our",
    "this",
    "that",
    "so",
    "too",
    "very",
    "really",
    "is",
    "was",
    "be",
    "its",
    "it",
    "feel",
    "felt",
    "look",
    "looks",
    "seem",
    "sounds",
    "sound",
    "am",
    "not",
    "bit",
    "quite",
    "pretty",
    "how",
    "just",
    "being",
}
_YOU = {"you", "u", "ya", "ye", "ты", "вы", "тебя", "вас", "դու", "դուք", "քեզ", "ձեզ"}
_VOCATIVE_MIN_WEIGHT = 0.5  # "dick", "pig", "stupid" at the end of a turn are not vocatives
# endings of English place names: a lexicon prefix followed by one is a place
_PLACE_ENDINGS = (
    "field", "ford", "ham", "ton", "bury", "borough", "ley", "worth", "wick", "thorpe",
    "mouth", "stone", "well", "wood", "combe", "minster", "port", "stead", "dale", "hurst",
    "town",
)  # fmt: skip
# a word after which an insult is part of an address ("Bell End Road"), not aimed at anyone
_STREET_WORDS = frozenset({
    "road", "street", "lane", "avenue", "close", "drive", "crescent", "terrace", "grove",
    "gardens", "way", "row", "court", "mews", "farm", "cottage", "cottages", "estate",
})  # fmt: skip
MASKED_MIN_WEIGHT = 0.5  # lexicon words a mask may stand for ("p***k" = "prick")
MASKED_WEIGHT = 1.0  # what a masked word weighs at least: the default threshold
# categories whose multi-word patterns do not count inside someone else's reported words
# ("the note said, and I'm reading it out, 'I'll smash your face in'"); profanity does
REPORTABLE = ("insult", "harassment", "threat")
_REPORT_REACH = 40  # characters after a report frame in which insults do not count
_REPORT_BACK = 100  # characters before a closing frame ("his words, not mine")


@dataclass(frozen=True)
class Hit:
    category: str
    term: str
    weight: float
    start: int  # character offset in the normalised text
    end: int = -1  # end of the words it was found in (-1: spread over the turn, a feature)
    word: bool = False  # a lexicon word (or a masked or split one), not a phrase pattern


@dataclass(frozen=True)
class CategoryScore:
    category: str
    score: float
    terms: tuple[str, ...]
    severity: str


def severity(category: str, score: float, threshold: float) -> str:
    level = "high" if score >= 2 * threshold else "medium" if score >= 1.5 * threshold else "low"
    if category == "threat" and level == "low":
        return "medium"
    return level


@lru_cache(maxsize=4096)
def _whole(pattern: str) -> re.Pattern[str]:
    """``pattern`` as whole words. Remembered: the English pack has more patterns than
    ``re``'s own cache holds (512), and a scorer is built per call and per rules reload."""
    return re.compile(rf"(?<!\S)(?:{pattern.strip()})(?!\S)")


def _any_of(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One whole-word regex matching any of ``patterns``; None when there are none."""
    return _whole("|".join(f"(?:{p})" for p in patterns)) if patterns else None


# The model judges a turn only from this many words on: on a few words ("Right you
# are.") its n-grams say more about the phrase's length than about its meaning.
MODEL_MIN_WORDS = 4
# Below this many words it must be surer: on held-out 45-60 its flags on such turns were
# 1 right in 7 ("Who are you with?" 0.82, "I'll put your name down. What's your name?"
# 0.94), against 58 in 65 on longer turns.
SHORT_TURN_WORDS = 12
SHORT_TURN_BAR = 0.9
CONTENT_AGREEMENT = 0.5  # the model on content words alone must still give this much
# ... unless the model is this sure of the whole turn as said: then its content words
# need only not speak against it. Put-downs live in their function words ("you're not
# the brightest, are ya", 0.86 whole, 0.24 on content). In grouped cross-validation
# (five batches, 93-100 to 140-147) this caught 641 -> 650 hostile turns with the model
# alone, false flags 18 -> 18; JFK's "ask not what your country" (0.68) stays quiet.
SURE = 0.85
CONTENT_AGREEMENT_SURE = 0.2
# Windows only sharpen a turn the model already leans towards: read window by window, the
# ASR garble of a friendly real call ("such as the cut from you and you've been a
# wonderful customer", aws-auto-repairs-40, 0.06 as a whole) looked like an insult.
WINDOW_FLOOR = 0.2
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "so", "as", "of", "at", "by", "for", "from",
    "in", "into", "on", "onto", "to", "with", "about", "i", "me", "my", "mine", "we", "us",
    "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it",
    "its", "they", "them", "their", "theirs", "this", "that", "these", "those", "there",
    "here", "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did",
    "have", "has", "had", "will", "would", "shall", "should", "can", "could", "may", "might",
    "must", "not", "no", "just", "all", "some", "any", "very", "really", "then", "than",
    "too", "also", "only", "well", "oh", "um", "uh", "like", "yeah", "okay", "ok", "right",
})  # fmt: skip


class HostilityScorer:
    """Scores utterances with one language pack plus the config's additions."""

    def __init__(self, pack: LanguagePack, settings: HostilitySettings) -> None:
        self.pack = pack
        self.settings = settings
        self._flags_memo = TextMemo()
        self._read_memo = TextMemo()
        self.aimed_bonus = (
            pack.aimed_bonus if settings.aimed_bonus is None else settings.aimed_bonus
        )
        self.exact: dict[str, tuple[str, float]] = {}
        self.prefixes: list[tuple[str, str, float]] = []
        terms = [(t, c, w) for c in CATEGORIES for t, w in pack.terms[c]]
        terms += list(settings.extra_terms)
        for term, category, weight in terms:
            if term.endswith("*") and term not in ("****",):
                self.prefixes.append((term.rstrip("*"), category, weight))
            else:
                self.exact[term] = (category, weight)
        self.prefixes.sort(key=lambda item: len(item[0]), reverse=True)
        prefix_alt = "|".join(re.escape(p) for p, _, _ in self.prefixes) or "(?!)"
        self.prefix_re = re.compile(rf"(?:{prefix_alt})")
        self.prefix_map = {p: (c, w) for p, c, w in self.prefixes}
        # full words for resolving masks such as f**king, a**hole, p***k: the strongest
        # word that fits first (a masked "s***" is "shit", not "scum")
        weighed = {t: w for t, (c, w) in self.exact.items() if "*" not in t and " " not in t}
        weighed |= {p + s: w for p, _, w in self.prefixes for s in ("", "ing", "er", "ed", "s")}
        self.mask_words = [
            word
            for word, weight in sorted(weighed.items(), key=lambda item: (-item[1], item[0]))
            if weight >= MASKED_MIN_WEIGHT and len(word) >= 3
        ]
        sources = [(c, p, w) for c in CATEGORIES for p, w in pack.patterns[c]]
        sources += [(c, p, w) for p, c, w in settings.extra_patterns]
        # (category, regex, source, weight, anchors): a pattern runs only when one of
        # its anchors is in the text (``anchors``), which skips most of them
        self.patterns = [(c, _whole(p), p, w, anchor_test(p)) for c, p, w in sources]
        allow = list(pack.allow) + list(settings.allow)
        self.allow = _any_of(allow)
        self.report = _any_of(pack.report)
        self.report_after = _any_of(pack.report_after)
        self.report_end = _any_of(pack.report_end)
        self.model = load_model(pack.language)

    # ---- words ----

    def _lookup(self, word: str) -> tuple[str, float] | None:
        if word in self.exact:
            return self.exact[word]
        match = self.prefix_re.match(word)
        if match:
            prefix = max((p for p in self.prefix_map if word.startswith(p)), key=len)
            if word[len(prefix) :].endswith(_PLACE_ENDINGS) and len(word) - len(prefix) >= 3:
                return None  # a place name ("Bitchfield", "Shitterton"), not the word
            return self.prefix_map[prefix]
        return None

    def _lookup_joined(self, first: str, second: str) -> tuple[str, float] | None:
        """A word ASR split in two ("ass hole", "f ucking"): the joined form in full, or a
        lexicon prefix plus at most a short ending ("a bit cheeky" is not "bitch...")."""
        joined = first + second
        if joined in self.exact:
            return self.exact[joined]
        if not self.prefix_re.match(joined):
            return None
        prefix = max((p for p in self.prefix_map if joined.startswith(p)), key=len)
        return self.prefix_map[prefix] if len(joined) - len(prefix) <= 3 else None

    def _resolve_mask(self, word: str) -> str | None:
        if word == MASK_TOKEN or set(word) == {"*"}:
            return MASK_TOKEN if word == MASK_TOKEN else "****"
        if not word[0].isalpha():
            return None
        strict = re.compile("^" + re.escape(word).replace(r"\*", ".") + "$")
        loose = re.compile("^" + re.sub(r"(\\\*)+", ".+", re.escape(word)) + "$")
        for candidates in (strict, loose):
            for full in self.mask_words:
                if candidates.match(full):
                    return full
        return None

    def _aimed(self, words: list[str], i: int) -> bool:
        j = i - 1
        steps = 0
        while j >= 0 and steps < 4:
            w = words[j]
            if w in _YOU:
                return True
            if w in _AIM_SKIP or (self._lookup(w) or ("", 0.0))[0] == "insult":
                j -= 1
                steps += 1
                continue
            break
        # vocative at the end of the turn: "... this problem, idiot"; not for the weakest,
        # most ambiguous words ("everyone calls me Dick") nor after an adjective
        # ("I felt a total idiot")
        weight = (self._lookup(words[i]) or ("", 0.0))[1]
        return (
            i == len(words) - 1
            and i > 0
            and weight >= _VOCATIVE_MIN_WEIGHT
            and words[i - 1] not in _VOCATIVE_BLOCK
            and words[i - 1] not in _AIM_SKIP
        )

    # ---- scoring ----

    def _read(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """The normalised text with allow-listed phrases blanked out (as ``~``), and its
        reported spans (``_reported``). Remembered: the rules and then the model read the
        same utterance."""
        return self._read_memo.get(text, lambda: self._read_once(text))

    def _read_once(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        norm = normalise(text, self.pack.fillers)
        if self.allow is not None:
            norm = self.allow.sub(lambda m: "~" * len(m.group(0)), norm)
        return norm, self._reported(norm)

    def _content_agrees(self, prepared: str, probability: float = 0.0) -> bool:
        """The model still leans hostile on the content words alone: a verdict that rests
        on "you", "your", "can't" is about phrasing, not meaning ("And I know you guys
        can't a lot of your..." in a real call). ``probability`` is the model on the whole
        text: at ``SURE`` or more the content words need only ``CONTENT_AGREEMENT_SURE``."""
        assert self.model is not None
        content = " ".join(w for w in prepared.split() if w not in FUNCTION_WORDS)
        needed = CONTENT_AGREEMENT_SURE if probability >= SURE else CONTENT_AGREEMENT
        return self.model.verdict(content).probability >= needed

    def _model_verdict(self, prepared: str, bar: float) -> Verdict | None:
        """The model's verdict on the turn, or on its most hostile window of words when
        the turn is long: one insult inside a calm 40-word complaint scores low on the
        whole turn. A window is a short text with many chances to look hostile, so it
        must reach ``model_threshold_window``. None when nothing reaches its bar or the
        content words do not agree."""
        assert self.model is not None
        words = prepared.split()
        if len(words) < MODEL_MIN_WORDS:
            return None
        whole = self.model.verdict(prepared)
        best = (
            whole
            if whole.probability >= bar and self._content_agrees(prepared, whole.probability)
            else None
        )
        size = self.settings.model_window_words
        if not size or len(words) <= size or whole.probability < WINDOW_FLOOR:
            return best
        window_bar = max(bar, self.settings.model_threshold_window)
        for start in range(0, len(words) - size // 2, max(size // 2, 1)):
            window = " ".join(words[start : start + size])
            verdict = self.model.verdict(window)
            if verdict.probability < window_bar:
                continue
            if (best is None or verdict.probability > best.probability) and self._content_agrees(
                window
            ):
                best = verdict
        return best

    def _reported(self, norm: str) -> list[tuple[int, int]]:
        """Spans of someone else's words: a report frame and the few words after it, or
        a closing frame ("his words, not mine") and the words before it. A report ends
        early where the speaker's own voice comes back ("he said it's fine, honestly
        that boy is a useless lump")."""
        spans = []
        if self.report is not None:
            for m in self.report.finditer(norm):
                end = m.end() + _REPORT_REACH
                if self.report_end is not None:
                    own = self.report_end.search(norm, m.end(), end)
                    end = own.start() if own else end
                spans.append((m.start(), end))
        if self.report_after is not None:
            spans += [
                (max(m.start() - _REPORT_BACK, 0), m.end())
                for m in self.report_after.finditer(norm)
            ]
        return spans

    def _without_hits(self, text: str, hits: list[Hit]) -> str:
        """The model's text with the words of rule hits blanked where they stand (masked
        and split spellings included); a feature, spread over the turn, drops its words.
        Reported words are blanked too (``model_text``)."""
        spread = {w for hit in hits if hit.end < 0 for w in hit.term.replace(" + ", " ").split()}
        norm, reported = self._read(text)
        placed = [(hit.start, hit.end) for hit in hits if hit.end >= 0] + reported
        words = blank_spans(norm, placed).replace("~", " ").split()
        return " ".join(word for word in words if word not in spread)

    def model_text(self, text: str) -> str:
        """What the statistical model reads: the normalised text without allowed phrases
        and without reported words ("he goes, shut up you stupid woman")."""
        norm, reported = self._read(text)
        return " ".join(blank_spans(norm, reported).replace("~", " ").split())

    def score_text(self, text: str) -> list[Hit]:
        """Every hostile word or pattern in ``text`` (one utterance), with weights."""
        norm, reported = self._read(text)

        def in_report(pos: int) -> bool:
            return any(start <= pos <= end for start, end in reported)

        hits: list[Hit] = []
        words: list[str] = []
        offsets: list[int] = []
        for match in re.finditer(r"\S+", norm):
            words.append(match.group(0))
            offsets.append(match.start())
        skip_next = False
        for i, word in enumerate(words):
            if skip_next:
                skip_next = False
                continue
            term = word
            found = None
            if "*" in word or word == MASK_TOKEN:
                resolved = self._resolve_mask(word)
                if resolved:
                    term = resolved
                    category, weight = self._lookup(resolved) or ("profanity", 1.2)
                    # someone masked it because it is offensive: "that p***k" counts in full
                    found = (category, max(weight, MASKED_WEIGHT))
            elif (
                i + 1 < len(words)
                and (joined := self._lookup_joined(word, words[i + 1]))
                and (joined[1] >= 1.0 and not self._lookup(word) and not self._lookup(words[i + 1]))
            ):
                term, found, skip_next = word + words[i + 1], joined, True
                span_end = offsets[i + 1] + len(words[i + 1])
            else:
                found = self._lookup(word)
            if not found:
                continue
            if not skip_next:
                span_end = offsets[i] + len(word)
            category, weight = found
            if weight <= 0:
                continue
            if category in ("insult", "harassment") and in_report(offsets[i]):
                continue
            after = i + (2 if skip_next else 1)
            if category == "insult" and after < len(words) and words[after] in _STREET_WORDS:
                continue
            weak = category == "insult" and weight < self.settings.threshold("insult")
            if weak and self._aimed(words, i):
                weight += self.aimed_bonus
            hits.append(Hit(category, term, weight, offsets[i], span_end, word=True))
        for category, regex, _source, weight, needs in self.patterns:
            if needs is not None and not needs(norm):
                continue
            for match in regex.finditer(norm):
                quoted = in_report(match.start()) or in_report(match.end() - 1)
                if category in REPORTABLE and quoted:
                    continue
                hits.append(Hit(category, match.group(0), weight, match.start(), match.end()))
        for fh in feature_hits(norm, self.pack.language):
            if fh.category in REPORTABLE and in_report(fh.start):
                continue
            hits.append(Hit(fh.category, fh.term, fh.weight, fh.start))
        return hits

    def flags(self, text: str) -> list[CategoryScore]:
        """Categories whose summed weight reaches the configured threshold (remembered per
        text, so re-judging a call scores only the utterances whose words changed)."""
        return list(self._flags_memo.get(text, lambda: tuple(self._flags(text))))

    def _flags(self, text: str) -> list[CategoryScore]:
        if not self.settings.enabled:
            return []
        totals: dict[str, list[Hit]] = {}
        for hit in self.score_text(text):
            totals.setdefault(hit.category, []).append(hit)
        out = []
        for category in CATEGORIES:
            hits = totals.get(category)
            if not hits:
                continue
            score = round(sum(h.weight for h in hits), 3)
            threshold = self.settings.threshold(category)
            if score >= threshold:
                terms = tuple(dict.fromkeys(h.term for h in sorted(hits, key=lambda h: h.start)))
                out.append(
                    CategoryScore(category, score, terms, severity(category, score, threshold))
                )
        # No rule reached its threshold: the statistical model catches wording no rule
        # lists (sarcasm, condescension, veiled menace), reported as harassment. Where
        # lexicon words are present but below their thresholds, those words were judged
        # (and the user may have raised a threshold to silence them): the model reads the
        # turn without them and must be surer (``model_threshold_weak_terms``). A phrase
        # pattern below threshold ("what time do you finish tonight", 0.6) is half a
        # signal: the model reads the rest of the turn at the ordinary bar, or the whole
        # turn at the weak-terms bar. Long turns are also read window by window
        # (``_model_verdict``).
        hits = [h for hs in totals.values() for h in hs]
        words = any(hit.word for hit in hits)
        bar = self.settings.model_threshold_weak_terms if words else self.settings.model_threshold
        if bar > 0 and len(text.split()) < SHORT_TURN_WORDS:
            bar = max(bar, SHORT_TURN_BAR)
        if not out and self.model is not None and self.settings.model_threshold > 0 and bar > 0:
            verdict = self._model_verdict(self._without_hits(text, hits), bar)
            if verdict is None and hits and not words:
                # the phrase's own words may be what the model needs ("each to their own,
                # I suppose"): read whole, the turn must clear the weak-terms bar
                whole_bar = max(bar, self.settings.model_threshold_weak_terms)
                verdict = self._model_verdict(self.model_text(text), whole_bar)
            if verdict is not None:
                level = "medium" if verdict.probability >= 0.8 else "low"
                score = round(verdict.probability, 3)
                out.append(CategoryScore("harassment", score, verdict.terms, level))
        return out
