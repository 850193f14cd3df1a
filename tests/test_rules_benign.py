"""False-flag rate on ordinary conversation: tests/data/benign_turns.txt must stay clean.

The corpus holds everyday customer, agent and small-talk turns that a hostility flagger
tends to trip on (idioms like "killing me", "shoot me an email", names and places such as
Cockburn or Scunthorpe, frustration, firm refusals, quoted insults, polite requests such
as "could you say it slowly"). Target: at most 1 false flag per 1,000 turns.
"""

from pathlib import Path

from monitor.config import CallConfig
from monitor.rules.judge import CallJudge
from monitor.rules.settings import RulesConfig
from monitor.types import Segment

BENIGN = Path(__file__).parent / "data" / "benign_turns.txt"
MAX_FALSE_FLAGS_PER_1000 = 1.0


def benign_turns() -> list[str]:
    lines = BENIGN.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_benign_corpus_is_big_and_varied() -> None:
    turns = benign_turns()
    assert len(turns) >= 500
    assert len(set(turns)) == len(turns)  # no padding by repetition


def test_false_flag_rate_on_ordinary_turns_is_at_most_one_per_thousand() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    turns = benign_turns()
    flagged = []
    for index, text in enumerate(turns):
        speaker = "agent" if index % 2 else "customer"
        judge.feed(Segment(speaker, index, float(index), index + 1.0, text, final=True))  # type: ignore[arg-type]
    for flag in judge.flags():
        flagged.append(f"{flag.category} {flag.terms}: {turns[flag.turn]}")
    rate = 1000.0 * len(flagged) / len(turns)
    assert rate <= MAX_FALSE_FLAGS_PER_1000, "\n".join(flagged)
