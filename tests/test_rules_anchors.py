"""Literal anchors let the scorers skip patterns that cannot match; a wrong anchor would
silently drop a flag or a step, so every shipped pattern is checked against real text."""

import json
from pathlib import Path

import pytest

from monitor.rules.anchors import anchor_test, anchors
from monitor.rules.etiquette import compile_pattern
from monitor.rules.hostility import _whole
from monitor.rules.packs import load_pack
from monitor.rules.text import normalise

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("rocket science", ("rocket science",)),
        ("(set|sic) (the|my) dogs? on", (" dog",)),
        ("(shut|shut your) (up|mouth)", ("shut",)),  # the parser factors out "shut"
        ("you (idiot|moron)|what an idiot", ("idiot", "moron", "what an idiot")),
        # no fixed string every match must contain: the pattern always runs
        ("\\w+ off", (" off",)),
        ("(a|the)? ?\\w+", None),
        ("(foo|\\w+) bar", (" bar",)),
        ("(foo)?bar", ("bar",)),
        ("(foo|)x", None),
    ],
)
def test_anchors_are_strings_every_match_contains(
    pattern: str, expected: tuple[str, ...] | None
) -> None:
    assert anchors(pattern) == expected


def _texts() -> list[str]:
    texts = [
        line.strip()
        for line in (REPO / "tests/data/benign_turns.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for name in ("hostility.jsonl", "hostility-5.jsonl", "steps.jsonl"):
        lines = (REPO / "tests/data/training" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines]
    for folder in (SHARED / "eval/calls/dev", REPO / "tests/data/calls/heldout"):
        for path in sorted(folder.glob("*.call.json")):
            texts += [turn["text"] for turn in json.loads(path.read_text())["turns"]]
    return [normalise(text) for text in texts]


def test_every_shipped_pattern_that_matches_passes_its_anchor_test() -> None:
    """About 4,000 real and hand-written turns against every English hostility, step and
    condition pattern: wherever the regex matches, its anchor test lets it run."""
    pack = load_pack("en")
    regexes = [_whole(p) for patterns in pack.patterns.values() for p, _ in patterns]
    step_lists = [*pack.step_patterns.values(), *pack.conditions.values()]
    regexes += [compile_pattern(p, pack.name_stopwords) for ps in step_lists for p in ps]
    texts = _texts()
    assert len(texts) > 3000
    matched = 0
    for regex in regexes:
        may_match = anchor_test(regex.pattern)
        for text in texts:
            if regex.search(text):
                matched += 1
                assert may_match is None or may_match(text), (regex.pattern, text)
    assert matched > 1000  # the check saw many real matches, not a handful
