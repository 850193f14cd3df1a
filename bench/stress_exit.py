"""Interrupt ``callmon replay`` at random moments and count exits that are not clean.

    python bench/stress_exit.py headless [--runs 50] [--max-delay 8] [--seed 1]
    python bench/stress_exit.py tui      [--runs 50] [--max-delay 8] [--key q|ctrl-c]

headless: ``callmon replay WAV --headless --json --speed 4 --no-store``; SIGINT (or SIGTERM
with ``--signal term``) after a random delay from launch, sometimes twice in a row.
tui: the Textual monitor in a pseudo-terminal (pexpect); ``q`` (or Ctrl-C) after a random
delay. A clean exit is code 0 (130 for a signal before the call started; a SIGINT while Python
still imports callmon gives the interpreter's own KeyboardInterrupt traceback), no traceback and
no "Fatal Python error" on the output; in headless mode the last stdout line of a call that
had started is its summary. Prints one line per bad run and the counts at the end.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAV = ROOT.parent / "shared" / "data" / "audio" / "tts-inbound-hostile.wav"
CALLMON = str(Path(sys.executable).with_name("callmon"))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TERM": "xterm-256color", "PYTHONFAULTHANDLER": "1"}
BAD_WORDS = ("Traceback", "Fatal Python error", "Segmentation fault")


def headless_run(delay: float, sig: int, twice: bool, speed: float) -> tuple[int, str]:
    """One interrupted headless replay: (exit code, problem or "")."""
    cmd = [CALLMON, "replay", str(WAV), "--headless", "--json", "--speed", str(speed)]
    proc = subprocess.Popen(
        [*cmd, "--no-store"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(sig)
    if twice:
        time.sleep(random.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    lines = out.splitlines()
    started = any(line.startswith('{"type": "start"') for line in lines)
    problem = ""
    # Ctrl-C while Python still imports callmon: the interpreter's own traceback, no engine yet
    last_err = err.strip().splitlines()[-1] if err.strip() else ""
    during_import = not started and last_err == "KeyboardInterrupt" and "Fatal" not in err
    if any(word in err for word in BAD_WORDS) and not during_import:
        problem = "stderr: " + err.strip().splitlines()[-1][:200]
    elif started and (not lines or json.loads(lines[-1]).get("type") != "summary"):
        problem = f"last line is not the summary: {lines[-1][:120] if lines else '(none)'}"
    elif during_import:
        pass
    elif proc.returncode not in ((0,) if started else (0, 130)):
        problem = f"exit {proc.returncode}, started={started}: {err.strip()[-200:]}"
    return proc.returncode, problem


def tui_run(delay: float, key: str, speed: float) -> tuple[int, str]:
    """One Textual monitor quit after ``delay`` seconds: (exit code, problem or "")."""
    import pexpect

    child = pexpect.spawn(
        CALLMON,
        ["replay", str(WAV), "--speed", str(speed), "--no-store"],
        env=ENV,
        dimensions=(40, 120),
        encoding="utf-8",
        codec_errors="replace",
        timeout=120,
    )
    seen: list[str] = []
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        try:
            seen.append(child.read_nonblocking(65536, timeout=0.05))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            break
    child.send("\x03" if key == "ctrl-c" else "q")
    try:
        child.expect(pexpect.EOF, timeout=90)
    except pexpect.TIMEOUT:
        child.close(force=True)
        return -1, "did not exit within 90 s after the key"
    seen.append(child.before or "")
    child.close()
    code = child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)
    text = "".join(seen)
    problem = ""
    if any(word in text for word in BAD_WORDS):
        bad = next(line for line in text.splitlines() if any(w in line for w in BAD_WORDS))
        problem = "output: " + bad.strip()[:200]
    elif code != 0:
        problem = f"exit {code}"
    return code, problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("headless", "tui"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--max-delay", type=float, default=8.0, help="seconds after launch")
    parser.add_argument("--speed", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--signal", choices=("int", "term"), default="int")
    parser.add_argument("--key", choices=("q", "ctrl-c"), default="q")
    args = parser.parse_args()
    if not WAV.exists():
        print(f"missing {WAV}", file=sys.stderr)
        return 2
    random.seed(args.seed)
    sig = signal.SIGINT if args.signal == "int" else signal.SIGTERM
    codes: collections.Counter[int] = collections.Counter()
    bad = 0
    started = time.perf_counter()
    for run in range(1, args.runs + 1):
        delay = random.uniform(0.0, args.max_delay)
        if args.mode == "headless":
            twice = random.random() < 0.25
            code, problem = headless_run(delay, sig, twice, args.speed)
            what = f"delay {delay:5.2f}s{' x2' if twice else ''}"
        else:
            code, problem = tui_run(delay, args.key, args.speed)
            what = f"delay {delay:5.2f}s"
        codes[code] += 1
        if problem:
            bad += 1
            print(f"run {run:3d} {what}: exit {code}: {problem}", flush=True)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{code}: {n}" for code, n in sorted(codes.items()))
    print(
        f"{args.mode}: {args.runs} runs in {elapsed:.0f} s; exit codes {{{summary}}}; "
        f"bad runs {bad}; segfaults (139/-11) {codes[139] + codes[-11]}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
