"""Rules engine speed and accuracy: per-turn scoring time, `callmon score` wall time,
step / hostility accuracy on the dev and held-out labelled calls, and the false-flag
rate on the benign-turn corpus.

    python bench/bench_rules.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.config import CallConfig, Config  # noqa: E402
from monitor.rules.judge import CallJudge  # noqa: E402
from monitor.scoring import evaluate, load_call  # noqa: E402
from monitor.types import Segment  # noqa: E402

sys.path.insert(0, str(REPO / "scripts"))
# blind-written held-out sets whose misses were read after their first measurement, and
# those measured without ever reading them: one list, kept beside the model's training
from train_hostility_model import NEVER_READ, READ_SINCE  # noqa: E402

DEV = REPO.parent / "shared" / "eval" / "calls" / "dev"
HELDOUT = REPO / "tests" / "data" / "calls" / "heldout"
HELDOUT2 = REPO / "tests" / "data" / "calls" / "heldout2"
CALLS = REPO / "tests" / "data" / "calls"
BENIGN = REPO / "tests" / "data" / "benign_turns.txt"
AUDIO = REPO.parent / "shared" / "data" / "audio"


def per_turn_times() -> list[float]:
    config = Config()
    times = []
    for path in sorted(DEV.glob("*.call.json")) * 5:
        call = load_call(path)
        judge = CallJudge(
            config.rules,
            CallConfig(direction=call.direction, company=call.company, agent_name=call.agent_name),
        )
        for index, turn in enumerate(call.turns):
            segment = Segment(turn.speaker, index, turn.start, turn.end, turn.text, True)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            judge.feed(segment)
            times.append(time.perf_counter() - t0)
    return times


def rejudge_time(turns: int = 1000) -> float:
    """Seconds to re-judge a ``turns``-turn call after settled text changed one utterance."""
    from dataclasses import replace

    texts = [t for p in sorted(CALLS.glob("heldout5/*.call.json")) for t in load_call(p).turns]
    judge = CallJudge(Config().rules, CallConfig(direction="inbound"))
    for index in range(turns):
        turn = texts[index % len(texts)]
        judge.feed(Segment(turn.speaker, index, 2.5 * index, 2.5 * index + 2, turn.text, True))  # type: ignore[arg-type]
    changed = Segment("agent", turns // 2, 0.0, 2.0, "thanks for calling", True, revised=True)
    t0 = time.perf_counter()
    judge.revise([replace(changed, start=2.5 * (turns // 2))])
    return time.perf_counter() - t0


def main() -> None:
    times = sorted(per_turn_times())
    print(
        f"per-turn scoring: median {statistics.median(times) * 1000:.3f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.3f} ms over {len(times)} turns"
    )
    print(f"re-judge a 1,000-turn call after settled text: {rejudge_time() * 1000:.1f} ms")
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "monitor.cli", "score", str(DEV), "--json"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    print(f"callmon score dev/ (24 calls) incl. start-up: {time.perf_counter() - t0:.2f} s")
    sets = [
        ("dev", DEV),
        ("held-out", HELDOUT),
        ("held-out 2", HELDOUT2),
        ("held-out 3", CALLS / "heldout3"),
        ("held-out 4", CALLS / "heldout4"),
        ("held-out 5", CALLS / "heldout5"),
        ("held-out 6 (blind, read since)", CALLS / "heldout6"),
        ("held-out 7 (blind, tuned on after its first measurement)", CALLS / "heldout7"),
        ("held-out 8 (blind, read since)", CALLS / "heldout8"),
        ("held-out 9 (blind, read since)", CALLS / "heldout9"),
        ("held-out 10 (blind, tuned on after its first measurement)", CALLS / "heldout10"),
        ("held-out 11 (blind, tuned on after its first measurement)", CALLS / "heldout11"),
    ]
    sets += [(f"held-out {n} (blind, read since)", CALLS / f"heldout{n}") for n in READ_SINCE]
    sets += [(f"held-out {n} (blind, never read)", CALLS / f"heldout{n}") for n in NEVER_READ]
    sets.append(("audio fixtures", AUDIO))
    for name, folder in sets:
        _print_report(name, evaluate([str(folder)], Config()))
    unread = [str(CALLS / f"heldout{n}") for n in NEVER_READ]
    _print_report(f"{len(unread)} never-read sets pooled", evaluate(unread, Config()))
    benign_false_flags()
    # hostility-4 trains nothing (scripts/train_hostility_model.py NOT_TRAINED)
    untrained_corpus(REPO / "tests" / "data" / "training" / "hostility-4.jsonl")


def untrained_corpus(path: Path) -> None:
    """Line-level hostile P / R on a blind-written corpus the model is not trained on,
    by turn length."""
    import json

    from monitor.rules.hostility import HostilityScorer
    from monitor.rules.packs import load_pack

    rules = Config().rules
    scorer = HostilityScorer(load_pack(rules.language), rules.hostility)
    counts: dict[tuple[str, bool, bool], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        words = len(item["text"].split())
        band = "short" if words < 12 else "medium" if words <= 30 else "long"
        key = (band, bool(item["hostile"]), bool(scorer.flags(item["text"])))
        counts[key] = counts.get(key, 0) + 1
    parts = []
    for band in ("short", "medium", "long", "all"):
        bands = ("short", "medium", "long") if band == "all" else (band,)
        tp = sum(counts.get((b, True, True), 0) for b in bands)
        fn = sum(counts.get((b, True, False), 0) for b in bands)
        fp = sum(counts.get((b, False, True), 0) for b in bands)
        negatives = fp + sum(counts.get((b, False, False), 0) for b in bands)
        parts.append(f"{band} R {tp}/{tp + fn} fp {fp}/{negatives}")
    print(f"{path.name:>15} (untrained): " + ", ".join(parts))


def _print_report(name: str, report) -> None:
    print(
        f"{name:>15}: {report.calls} calls, {report.turns} turns, step accuracy "
        f"{report.step_accuracy:.1%} ({sum(report.step_total.values())} decisions), "
        f"hostile P {report.precision:.3f} R {report.recall:.3f} F1 {report.f1:.2f} "
        f"(tp {report.tp}, fp {report.fp}, fn {report.fn})"
    )


def benign_false_flags() -> None:
    """False flags per 1,000 ordinary turns (tests/data/benign_turns.txt)."""
    lines = BENIGN.read_text(encoding="utf-8").splitlines()
    turns = [line for line in lines if line.strip() and not line.startswith("#")]
    judge = CallJudge(Config().rules, CallConfig(direction="inbound"))
    for index, text in enumerate(turns):
        speaker = "agent" if index % 2 else "customer"
        judge.feed(Segment(speaker, index, float(index), index + 1.0, text, True))  # type: ignore[arg-type]
    flags = judge.flags()
    print(
        f"{'benign turns':>15}: {len(turns)} turns, {len(flags)} false flags "
        f"({1000 * len(flags) / len(turns):.1f} per 1,000)"
    )


if __name__ == "__main__":
    main()
