"""Literal anchors of a regular expression: strings one of which every match contains.

The hostility scorer runs a few hundred patterns on every utterance; most cannot match
because a word they need is absent ("rocket science", "(set|sic) (the|my) dogs"). A
substring test on a pattern's anchors skips it for a fraction of the cost of the regex
search. Anchors are read from the parsed pattern, so a pattern without a safe anchor
(one that may match text without any fixed string) simply has none and always runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

try:  # the parser behind re.compile: re._parser from Python 3.11, sre_parse before
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_C = sre_parse  # opcodes are re-exported by the parser module
_MIN_ANCHOR = 2  # shorter literals ("a", "i") are in nearly every utterance
# up to this many anchors, plain substring tests (~50 ns each) beat a regex alternation
# of literals, which Python's engine tries at every position (~700 ns for three)
_MAX_PLAIN_TESTS = 8


@cache
def anchors(pattern: str) -> tuple[str, ...] | None:
    """Strings of which every match of ``pattern`` contains at least one, or None
    (remembered: every call's scorer asks for the same few hundred patterns)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    found = _required(list(parsed))
    if not found or min(len(s) for s in found) < _MIN_ANCHOR:
        return None
    return tuple(sorted(found))


@cache
def anchor_test(pattern: str) -> Callable[[str], object] | None:
    """A fast test that ``pattern`` may match a text: a literal search for its anchors,
    truthy when one is in the text. None when the pattern has no anchor (always run it)."""
    found = anchors(pattern)
    if found is None:
        return None
    if len(found) > _MAX_PLAIN_TESTS:  # one regex beats many substring tests
        return re.compile("|".join(re.escape(anchor) for anchor in found)).search
    if len(found) == 1:
        (only,) = found
        return lambda text: only in text

    def any_anchor(text: str) -> bool:
        for anchor in found:  # noqa: SIM110 - a loop, not any(): no generator per call
            if anchor in text:
                return True
        return False

    return any_anchor


def _required(items: list) -> frozenset[str] | None:
    """The most selective mandatory literal set of one sequence of parsed items."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is _C.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        if op is _C.SUBPATTERN:
            inner = _required(list(arg[-1]))
            if inner:
                candidates.append(inner)
        elif op is _C.BRANCH:
            alternatives = [_required(list(branch)) for branch in arg[1]]
            if all(alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            low, _high, body = arg
            if low >= 1:
                inner = _required(list(body))
                if inner:
                    candidates.append(inner)
        # anything else (classes, any-char, anchors, lookarounds) is not a fixed string
    flush()
    if not candidates:
        return None
    # the set whose shortest member is longest, then the smallest set
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))
