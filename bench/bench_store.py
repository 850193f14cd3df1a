"""Store numbers: `callmon sessions` over 10,000 sessions, and a 2-hour call's summary.

    python bench/bench_store.py [--sessions 10000] [--hours 2]

Targets: `callmon sessions` < 1 s; summary of a 2-hour call < 2 s. Generated data
(random words, a turn every ~3 s); the store file lives in a temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.config import StoreConfig  # noqa: E402
from monitor.report import build_report, render  # noqa: E402
from monitor.store import SessionMeta, SqliteStore, event_to_json  # noqa: E402
from monitor.types import (  # noqa: E402
    FlagEvent,
    LevelEvent,
    Segment,
    SegmentEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
)

VOCABULARY = (
    "thank you for calling how can I help account bill internet down today technician "
    "tomorrow morning booked confirm sorry trouble payment plan number please fine okay"
)
WORDS = VOCABULARY.split()
STEPS = ("greet_company", "introduce_self", "offer_help", "resolve_or_redirect",
         "agree_next_steps", "thank_for_time")  # fmt: skip


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 18))).capitalize() + "."


def fill_sessions(store: SqliteStore, count: int, rng: random.Random) -> None:
    """Bulk-insert ``count`` finished sessions of ~20 turns (one transaction, as fast as SQL)."""
    conn = store.connect()
    conn.execute("BEGIN")
    now = time.time()
    for n in range(count):
        started = now - rng.uniform(0, 365 * 86400)
        flags = 1 if rng.random() < 0.1 else 0
        cur = conn.execute(
            "INSERT INTO sessions (started_at, ended_at, heartbeat, duration, status, source, "
            "title, direction, agent_name, company, language, model, config_path, config_text, "
            "flags, score) VALUES (?, ?, ?, ?, 'complete', 'live', ?, ?, ?, 'Acme', 'en', "
            "'tiny.en', '', '', ?, ?)",
            (started, started + 300, started + 300, rng.uniform(60, 900), f"call {n}",
             rng.choice(("inbound", "outbound")), rng.choice(("Ana", "Tom", "Priya", "Li")),
             flags, rng.choice((50.0, 75.0, 90.0, 100.0))),
        )  # fmt: skip
        sid = cur.lastrowid
        conn.executemany(
            "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, 0.4, -0.2, 0.01)",
            [(sid, i, i, ("agent", "customer")[i % 2], 3.0 * i, 3.0 * i + 2.5, sentence(rng))
             for i in range(20)],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, 'step', ?, ?)",
            [(sid, 100 + k, 3.0 * k, event_to_json(StepEvent(s, s, "covered", at=3.0 * k)))
             for k, s in enumerate(STEPS)],
        )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


def write_long_call(store: SqliteStore, hours: float, rng: random.Random) -> tuple[int, float]:
    """A call of ``hours`` through the real writer (levels at 10/s, stats at 1/s)."""
    writer = store.start_session(SessionMeta(source="bench", title=f"{hours:g}-hour call",
                                             agent_name="Ana", company="Acme"))  # fmt: skip
    duration = hours * 3600
    t0 = time.perf_counter()
    t, turn = 0.0, 0
    for k, step in enumerate(STEPS):
        writer(StepEvent(step, step, "covered", at=10.0 * k + 5, evidence="thank you"))
    while t < duration:
        speaker = ("agent", "customer")[turn % 2]
        length = rng.uniform(1.0, 6.0)
        for i in range(int(length * 10)):
            writer(LevelEvent(speaker, -20.0, -6.0, False, t + i / 10))
        text = sentence(rng)
        writer(SegmentEvent(Segment(speaker, turn, t, t + length, text, True, latency=0.5)))
        writer(StatsEvent(at=t + length, latency_p50=0.5, cpu_share=0.7, dropped_blocks=0))
        if turn % 97 == 0:
            writer(FlagEvent(turn, speaker, "insult", "high", 2.0, ("idiot",), text, t))
        t += length + rng.uniform(0.1, 1.5)
        turn += 1
    writer(SummaryEvent(duration=t, segments=turn, finals=turn, partials=0, latency_p50=0.5,
                        latency_p95=0.7, first_partial_p50=0.5, cpu_seconds=t * 0.7,
                        dropped_blocks=0, startup_s=1.0))  # fmt: skip
    return writer.session_id, time.perf_counter() - t0


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def cli_seconds(args: list[str], env: dict[str, str], repeat: int = 3) -> float:
    cmd = [sys.executable, "-m", "monitor.cli", *args]
    return timed(lambda: subprocess.run(cmd, env=env, cwd=ROOT, check=True,
                                        stdout=subprocess.DEVNULL), repeat)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    results: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sessions.db"
        store = SqliteStore(db, StoreConfig())
        start = time.perf_counter()
        fill_sessions(store, args.sessions, rng)
        results["fill_s"] = round(time.perf_counter() - start, 2)
        long_id, write_s = write_long_call(store, args.hours, rng)
        results["long_call_write_s"] = round(write_s, 2)
        session = store.load_session(long_id)
        results["long_call_segments"] = len(session.segments)
        results["db_mb"] = round(db.stat().st_size / 1e6, 1)
        env = {**os.environ, "CALLMON_DB": str(db)}
        results["list_50_s"] = round(timed(lambda: store.list_sessions(limit=50)), 4)
        results["list_all_s"] = round(timed(lambda: store.list_sessions()), 4)
        results["list_flagged_s"] = round(timed(lambda: store.list_sessions(flagged=True)), 4)
        results["cli_sessions_s"] = round(cli_seconds(["sessions"], env), 3)
        results["cli_sessions_all_json_s"] = round(
            cli_seconds(["sessions", "--limit", "0", "--json"], env), 3
        )
        results["long_load_s"] = round(timed(lambda: store.load_session(long_id)), 3)
        report = build_report(store, long_id)
        for fmt in ("text", "md", "json", "html"):
            results[f"long_render_{fmt}_s"] = round(timed(lambda f=fmt: render(report, f)), 3)
        results["long_summary_build_and_html_s"] = round(
            timed(lambda: render(build_report(store, long_id), "html")), 3
        )
        results["cli_summary_html_s"] = round(
            cli_seconds(
                ["summary", str(long_id), "--format", "html", "-o", str(Path(tmp) / "s.html")], env
            ),
            3,
        )
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"store with {args.sessions:,} sessions + one {args.hours:g}-hour call "
          f"({results['long_call_segments']} turns), {results['db_mb']} MB")  # fmt: skip
    for key, value in results.items():
        print(f"  {key:<32} {value}")
    print(f"callmon sessions: {results['cli_sessions_s']:.3f} s (target < 1 s); "
          f"{args.hours:g}-hour summary (load + html): "
          f"{results['long_summary_build_and_html_s']:.3f} s in-process, "
          f"{results['cli_summary_html_s']:.3f} s as a command (target < 2 s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
