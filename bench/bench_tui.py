"""How the Textual monitor performs: first frame, key latency under load, CPU it adds.

    python bench/bench_tui.py [--file WAV] [--runs 3] [--skip-cpu]

1. launch → first frame: the real ``callmon replay`` in a pseudo-terminal (pexpect), time
   until the screen's frame (the "Transcript" panel) has been written.
2. key latency while a 1× replay runs through the real pipeline (in-process, headless
   Textual): time from a key press entering the app to its action running, and to the
   mark it causes appearing in the app's state.
3. CPU the UI adds: the same 1× replay headless (``--headless --json``) vs with the UI in a
   pseudo-terminal; CPU seconds of the process over the call. Also the UI thread's own
   share as the app measures it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT.parent / "shared" / "data" / "audio" / "tts-inbound-hostile.wav"
CALLMON = str(Path(sys.executable).with_name("callmon"))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TERM": "xterm-256color"}


def spawn_ui(wav: Path, speed: float):
    import pexpect

    return pexpect.spawn(
        CALLMON,
        ["replay", str(wav), "--speed", str(speed), "--no-store"],
        env=ENV,
        dimensions=(40, 120),
        encoding="utf-8",
        codec_errors="replace",
        timeout=120,
    )


def first_frame(wav: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        child = spawn_ui(wav, 1.0)
        child.expect("Transcript")
        times.append(time.perf_counter() - started)
        child.send("q")
        child.expect(pexpect_eof())
        child.close()
    return times


def pexpect_eof():
    import pexpect

    return pexpect.EOF


async def key_latency(wav: Path, presses: int) -> tuple[list[float], list[float]]:
    from monitor.audio import open_recording
    from monitor.config import load_config
    from monitor.runner import CallSpec
    from monitor.tui.app import MonitorApp

    config = load_config(None)
    spec = CallSpec(
        config=config,
        make_source=lambda: open_recording(wav, config.audio, 1.0),
        title="bench",
        store=False,
    )
    app = MonitorApp(spec)
    handled: list[float] = []
    shown: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.state != "live" or len(app.view.segments) < 2:  # both speakers flowing
            await pilot.pause(0.1)
        for _ in range(presses):
            marks = len(app.view.marks)
            started = time.perf_counter()
            await pilot.press("m")
            handled.append(app.last_key_action[1] - started)
            while len(app.view.marks) == marks and app.state == "live":
                await asyncio.sleep(0.005)
            shown.append(time.perf_counter() - started)
            await pilot.pause(0.3)
            if app.state != "live":
                break
        app.stop_pipeline()
    return handled, shown


def cpu_window(child, begin: str, end: str) -> tuple[float, float, float]:
    """CPU seconds and wall seconds between two outputs, and the process's total CPU."""
    proc = psutil.Process(child.pid)
    child.expect(begin, timeout=120)
    cpu0, wall0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    child.expect(end, timeout=180)
    cpu1, wall1 = sum(proc.cpu_times()[:2]), time.perf_counter()
    return cpu1 - cpu0, wall1 - wall0, cpu1


def cpu_headless(wav: Path) -> tuple[float, float, float]:
    import pexpect

    child = pexpect.spawn(
        CALLMON,
        ["replay", str(wav), "--headless", "--json", "--speed", "1", "--no-store"],
        env=ENV,
        encoding="utf-8",
        timeout=180,
    )
    result = cpu_window(child, '"type": "start"', '"type": "summary"')
    child.expect(pexpect.EOF)
    child.close()
    return result


def cpu_with_ui(wav: Path) -> tuple[float, float, float]:
    child = spawn_ui(wav, 1.0)
    result = cpu_window(child, "LIVE", "ENDED")
    child.send("q")
    child.expect(pexpect_eof())
    child.close()
    return result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(q / 100 * (len(ordered) - 1)), len(ordered) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=HOSTILE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--skip-cpu", action="store_true")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}  file: {args.file.name}")

    frames = first_frame(args.file, args.runs)
    print(
        f"launch → first frame: median {statistics.median(frames):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in frames)})"
    )

    handled, shown = asyncio.run(key_latency(args.file, args.presses))
    print(
        f"key latency under a 1x replay ({len(handled)} presses): action ran after "
        f"p50 {1000 * pct(handled, 50):.1f} ms, p95 {1000 * pct(handled, 95):.1f} ms, "
        f"max {1000 * max(handled):.1f} ms; engine's MarkEvent back "
        f"p50 {1000 * pct(shown, 50):.0f} ms, "
        f"p95 {1000 * pct(shown, 95):.0f} ms (waits for the engine's loop)"
    )

    if not args.skip_cpu:
        h_cpu, h_wall, h_total = cpu_headless(args.file)
        u_cpu, u_wall, u_total = cpu_with_ui(args.file)
        added = u_cpu / u_wall - h_cpu / h_wall
        print(
            f"CPU during a 1x replay: headless {100 * h_cpu / h_wall:.1f} % of one core, "
            f"with UI {100 * u_cpu / u_wall:.1f} % → the UI adds {100 * added:.1f} % "
            f"(target ≤ 5 %); whole process incl. start-up: {h_total:.2f} s vs {u_total:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
