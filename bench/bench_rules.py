"""Rules engine speed and accuracy: per-turn scoring time, `callmon score` wall time,
and step / hostility accuracy on the dev and held-out labelled calls.

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

DEV = REPO.parent / "shared" / "eval" / "calls" / "dev"
HELDOUT = REPO / "tests" / "data" / "calls" / "heldout"
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


def main() -> None:
    times = sorted(per_turn_times())
    print(
        f"per-turn scoring: median {statistics.median(times) * 1000:.3f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.3f} ms over {len(times)} turns"
    )
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "monitor.cli", "score", str(DEV), "--json"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    print(f"callmon score dev/ (24 calls) incl. start-up: {time.perf_counter() - t0:.2f} s")
    for name, folder in (("dev", DEV), ("held-out", HELDOUT), ("audio fixtures", AUDIO)):
        report = evaluate([str(folder)], Config())
        print(
            f"{name:>15}: {report.calls} calls, {report.turns} turns, step accuracy "
            f"{report.step_accuracy:.1%}, hostile P {report.precision:.2f} R {report.recall:.2f} "
            f"F1 {report.f1:.2f} (fp {report.fp})"
        )


if __name__ == "__main__":
    main()
