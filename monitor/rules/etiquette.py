"""Step matching: does this (normalised) agent turn cover a checklist step?

Three layers, cheapest first: the configured company and agent names are found fuzzily
and replaced by marker words; regular-expression pattern families (with slots such as
``{name}`` and ``{gap}``) run on the marked text; plain phrases are matched fuzzily
(rapidfuzz partial ratio) to survive ASR slips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from monitor.rules.anchors import anchor_test
from monitor.rules.classifier import load_step_model
from monitor.rules.packs import LanguagePack
from monitor.rules.settings import RulesConfig, StepSettings
from monitor.rules.text import TextMemo, blank_spans, normalise, squash

COMPANY_MARK = "zcompanyz"
AGENT_MARK = "zagentz"
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mister", "sir", "madam"}
# joining words that speakers add or drop in names ("Spoke & Chain" = "spoke and chain")
_CONNECTORS = {"and", "n", "the", "of", "at"}
_LEAD_WORD_MIN = 6  # the first distinctive word alone names the company ("Brackley Council")
_LEAD_WORD_CUTOFF = 90.0
_NAME_STEPS = ("greet_company", "introduce_self")
# "I'm calling from Castle Recoveries" reads like a purpose or a convenience check; for
# these two steps the model reads the turn past its greeting and introduction clauses
# (offer_help is not among them: "Castle Recoveries, how can I help" is one clause)
AFTER_NAMES = {"check_convenience", "state_purpose"}
MODEL_MIN_WORDS = 4  # on fewer words the model says more about length than meaning
HEDGE_REACH = 60  # characters after a match in which a hedge ("at some point") voids it


@cache
def compile_pattern(pattern: str, stopwords: frozenset[str]) -> re.Pattern[str]:
    """One pack pattern as a whole-word regex over normalised text, macros expanded.

    Cached: every call's judge (and every rules reload) compiles the same ~250 patterns,
    which took 45 ms per judge."""
    stop = "|".join(sorted((re.escape(w) for w in stopwords), key=len, reverse=True)) or "(?!)"
    body = (
        pattern.strip()
        .replace("{company}", COMPANY_MARK)
        .replace("{agent}", AGENT_MARK)
        # a name is not a function word, nor the configured company (already marked)
        .replace("{name}", rf"(?:(?!(?:{stop}|{COMPANY_MARK})(?:\s|$))[^\W\d_]\w*)")
        .replace("{gap}", r"(?:\S+ ){0,3}")
    )
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)")


@dataclass(frozen=True)
class NameTarget:
    mark: str
    variants: tuple[tuple[str, float], ...]  # squashed spellings with their fuzzy cutoff
    max_words: int


class NameMarker:
    """Replaces fuzzy occurrences of the company and agent names by marker words."""

    def __init__(self, company: str, agent: str, pack: LanguagePack, threshold: float) -> None:
        self.threshold = threshold
        self.targets: list[NameTarget] = []
        for mark, name, generic in (
            (COMPANY_MARK, company, pack.company_generic),
            (AGENT_MARK, agent, _TITLES),
        ):
            words = [w for w in normalise(name).split() if w not in _CONNECTORS]
            if not words:
                continue
            core = [w for w in words if w not in generic]
            cutoffs = {squash("".join(words)): threshold}
            if core and core != words:
                cutoffs.setdefault(squash("".join(core)), threshold)
            if mark == COMPANY_MARK and len(core) > 1 and len(squash(core[0])) >= _LEAD_WORD_MIN:
                cutoffs.setdefault(squash(core[0]), max(threshold, _LEAD_WORD_CUTOFF))
            variants = tuple(sorted((v, c) for v, c in cutoffs.items() if len(v) >= 3))
            if variants:
                self.targets.append(NameTarget(mark, variants, len(words) + 2))

    def mark(self, text: str) -> tuple[str, dict[str, str]]:
        """``text`` with names replaced; the mapping gives the words each marker replaced."""
        found: dict[str, str] = {}
        if not self.targets or not text:
            return text, found
        words = text.split()
        taken = [False] * len(words)
        replacements: list[tuple[int, int, str]] = []
        for target in self.targets:
            windows: list[tuple[int, int]] = []
            choices: list[str] = []
            for size in range(1, min(target.max_words, len(words)) + 1):
                for i in range(len(words) - size + 1):
                    joined = "".join(w for w in words[i : i + size] if w not in _CONNECTORS)
                    if joined:
                        windows.append((i, i + size))
                        choices.append(joined)
            best: tuple[float, int, int] | None = None
            for variant, variant_cutoff in target.variants:
                cutoff = variant_cutoff if len(variant) >= 5 else 100
                hit = process.extractOne(variant, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit:
                    start, end = windows[hit[2]]
                    # equal scores: the wider window ("harbour side lettings", not "harbour side")
                    if best is None or (hit[1], end - start) > (best[0], best[2] - best[1]):
                        best = (hit[1], start, end)
            if best and not any(taken[best[1] : best[2]]):
                _, start, end = best
                for i in range(start, end):
                    taken[i] = True
                replacements.append((start, end, target.mark))
                found[target.mark] = " ".join(words[start:end])
        for start, end, mark in sorted(replacements, reverse=True):
            words[start:end] = [mark]
        return " ".join(words), found


class PhraseMatcher:
    """Patterns (exact, on marked text) then phrases (fuzzy); returns the evidence words.

    A match with a hedge inside it or just after it ("someone will call you at some
    point", "they'll get back to you, can't say when") does not count."""

    def __init__(
        self,
        patterns: tuple[str, ...],
        phrases: tuple[str, ...],
        threshold: float,
        pack: LanguagePack,
        hedges: tuple[str, ...] = (),
    ) -> None:
        self.patterns = [compile_pattern(p, pack.name_stopwords) for p in patterns]
        self.anchor_tests = [anchor_test(p.pattern) for p in self.patterns]
        self.phrases = [
            normalise(p, pack.fillers) for p in phrases if len(normalise(p).split()) >= 3
        ]
        self.threshold = threshold
        self.hedge = (
            compile_pattern("|".join(f"(?:{h})" for h in hedges), pack.name_stopwords)
            if hedges
            else None
        )

    def hedged(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """A hedge within ``text[start:end]`` or the few words after it."""
        if self.hedge is None:
            return False
        stop = len(text) if end is None else min(len(text), end + HEDGE_REACH)
        return self.hedge.search(text, start, stop) is not None

    def search(self, text: str, names: dict[str, str] | None = None) -> str | None:
        for pattern, may_match in zip(self.patterns, self.anchor_tests, strict=True):
            if may_match is not None and not may_match(text):
                continue
            for match in pattern.finditer(text):
                if not self.hedged(text, match.start(), match.end()):
                    return _restore(match.group(0), names)
        for phrase in self.phrases:
            if len(text) + 2 < len(phrase) * 0.8:
                continue
            found = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=self.threshold)
            if (
                found is not None
                and found.score >= self.threshold
                and not self.hedged(text, found.dest_start, found.dest_end)
            ):
                return _restore(text[found.dest_start : found.dest_end].strip(), names)
        return None


def _restore(evidence: str, names: dict[str, str] | None) -> str:
    for mark, words in (names or {}).items():
        evidence = evidence.replace(mark, words)
    return evidence


class Etiquette:
    """All step, condition and direction matchers for one call's settings.

    Results are remembered per text: when settled text re-judges a long call, only the
    utterances whose words changed are matched again (1,000 turns: 0.76 s -> ms)."""

    def __init__(self, rules: RulesConfig, pack: LanguagePack, company: str, agent: str) -> None:
        self._memo = TextMemo()
        self.pack = pack
        self.names = NameMarker(company, agent, pack, rules.name_threshold)
        self.steps: dict[str, PhraseMatcher] = {}
        for step in rules.steps:
            self.steps[step.id] = self._step_matcher(step, pack)
        self.conditions = {
            name: PhraseMatcher(patterns, (), 100.0, pack)
            for name, patterns in pack.conditions.items()
        }
        self.direction = {
            d: PhraseMatcher(patterns, (), 100.0, pack) for d, patterns in pack.direction.items()
        }
        model = load_step_model(pack.language)
        self.model = model
        self.model_thresholds = {
            step.id: step.model_threshold
            for step in rules.steps
            if model is not None and step.model_threshold > 0 and step.id in model.steps
        }

    @staticmethod
    def _step_matcher(step: StepSettings, pack: LanguagePack) -> PhraseMatcher:
        patterns = pack.step_patterns.get(step.id, ()) + step.extra_patterns
        phrases = pack.step_phrases.get(step.id, ()) + step.extra_phrases
        hedges = pack.step_hedges.get(step.id, ()) + step.extra_hedges
        return PhraseMatcher(patterns, phrases, step.threshold, pack, hedges)

    def prepare(self, raw_text: str) -> tuple[str, dict[str, str]]:
        """Normalise and mark names; the result feeds ``match``."""
        return self._memo.get(
            ("prepare", raw_text),
            lambda: self.names.mark(normalise(raw_text, self.pack.fillers)),
        )

    def match(self, step_id: str, marked: tuple[str, dict[str, str]]) -> str | None:
        """The evidence that this marked turn covers ``step_id`` (remembered per text):
        the words a pattern or phrase matched, else the whole turn when the step model
        is sure enough, else None."""
        matcher = self.steps.get(step_id)
        if matcher is None:
            return None
        key = ("step", step_id, marked[0], tuple(sorted(marked[1].items())))
        return self._memo.get(key, lambda: self._match(step_id, matcher, marked))

    def _match(
        self, step_id: str, matcher: PhraseMatcher, marked: tuple[str, dict[str, str]]
    ) -> str | None:
        found = matcher.search(*marked)
        if found is not None or not marked[0]:
            return found
        threshold = self.model_thresholds.get(step_id)
        if matcher.hedged(marked[0]):
            return None  # the model reads the whole turn: a hedge anywhere makes it vague
        if threshold and self.model_probability(step_id, marked[0]) >= threshold:
            return _restore(marked[0], marked[1])  # the model's words: the whole turn
        return None

    def model_text(self, text: str, step_id: str) -> str:
        """What the step model reads for ``step_id``: the marked turn, for the steps of
        ``AFTER_NAMES`` without the clauses that greet or introduce (remembered)."""
        if step_id not in AFTER_NAMES:
            return text
        return self._memo.get(("past names", text), lambda: self._past_names(text))

    def _past_names(self, text: str) -> str:
        spans = [
            (found.start(), found.end())
            for name_step in _NAME_STEPS
            if name_step in self.steps
            for pattern in self.steps[name_step].patterns
            for found in pattern.finditer(text)
        ]
        return " ".join(blank_spans(text, spans).split()) if spans else text

    def model_probability(self, step_id: str, text: str) -> float:
        """The step model's probability that one marked turn covers ``step_id``."""
        model = self.model
        assert model is not None
        read = self.model_text(text, step_id)
        if len(read.split()) < MODEL_MIN_WORDS:
            return 0.0
        weighed = self._memo.get(("model", read), lambda: model.weigh(read))
        return model.probability(weighed, step_id)

    def condition(self, name: str, marked: tuple[str, dict[str, str]]) -> str | None:
        matcher = self.conditions.get(name)
        if matcher is None:
            return None
        key = ("condition", name, marked[0], tuple(sorted(marked[1].items())))
        return self._memo.get(key, lambda: matcher.search(*marked))

    def direction_cue(self, marked: tuple[str, dict[str, str]]) -> str | None:
        """ "inbound"/"outbound" when the turn has a clear opening cue of one side only."""
        inbound = self.direction["inbound"].search(*marked)
        outbound = self.direction["outbound"].search(*marked)
        if bool(inbound) == bool(outbound):
            return None
        return "inbound" if inbound else "outbound"
