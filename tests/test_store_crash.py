"""kill -9 in the middle of a call: the session reads back, interrupted, up to the kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from store_helpers import AUDIO

from monitor.config import StoreConfig
from monitor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
LOSS_WINDOW_S = 1.0  # what a kill may lose: events printed less than this before it

WRITER_SCRIPT = """
import json, sys, time
from monitor.config import StoreConfig
from monitor.store import SessionMeta, open_store
from monitor.types import Segment, SegmentEvent, StepEvent
writer = open_store(StoreConfig()).start_session(SessionMeta(source="crash test"))
for i in range(100000):
    segment = Segment("agent" if i % 2 else "customer", i, i, i + 0.8, f"line {i}", True)
    writer(SegmentEvent(segment))
    if i % 5 == 0:
        writer(StepEvent(f"step_{i}", "a step", "covered", at=i + 0.8))
    print(json.dumps({"type": "segment", "final": True, "text": segment.text}), flush=True)
    time.sleep(0.05)
"""


class LineReader:
    """Collects a process's stdout lines with the time each arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, dict]] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                self.lines.append((time.monotonic(), json.loads(line)))

    def finals(self, before: float | None = None) -> list[str]:
        return [
            d["text"]
            for t, d in list(self.lines)
            if d.get("type") == "segment" and d.get("final") and (before is None or t <= before)
        ]

    def wait_finals(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.finals()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.finals())} final segments in {timeout} s")
            time.sleep(0.05)


def _kill_and_read_back(proc: subprocess.Popen[str], reader: LineReader, db: Path):
    killed_at = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.2)  # let the reader thread take the last lines the pipe held
    store = open_store(StoreConfig(path=str(db)))
    [info] = store.list_sessions()
    return store.load_session(info.id), killed_at


def test_a_killed_writer_process_leaves_its_session_readable(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    env = {**os.environ, "CALLMON_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    reader = LineReader(proc)
    try:
        reader.wait_finals(20, timeout=60)
        time.sleep(LOSS_WINDOW_S + 0.2)
        session, killed_at = _kill_and_read_back(proc, reader, db)
    finally:
        proc.kill()
    printed = reader.finals()
    safe = reader.finals(before=killed_at - LOSS_WINDOW_S)
    stored = [s.text for s in session.segments]
    assert session.info.status == "interrupted"
    assert stored == printed[: len(stored)]  # in order, nothing invented
    assert len(stored) >= len(safe) >= 20  # everything printed a second before the kill
    covered = [s for s in session.scoring.steps if s.status == "covered"]
    assert len(covered) >= len(safe) // 5
    assert session.info.duration >= len(safe) - 1


def test_kill_9_during_a_real_headless_replay(tmp_path: Path) -> None:
    pytest.importorskip("monitor.rules.judge", reason="the rules engine has not landed yet")
    db = tmp_path / "s.db"
    env = {**os.environ, "CALLMON_DB": str(db), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "replay", str(AUDIO / "tts-inbound-hostile.wav"),
         "--headless", "--json", "--speed", "4"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    reader = LineReader(proc)
    try:
        reader.wait_finals(3, timeout=120)
        time.sleep(LOSS_WINDOW_S + 0.1)
        assert proc.poll() is None, "the replay ended before it could be killed"
        session, killed_at = _kill_and_read_back(proc, reader, db)
    finally:
        proc.kill()
    printed = reader.finals()
    safe = reader.finals(before=killed_at - LOSS_WINDOW_S)
    stored = [s.text for s in session.segments]
    assert session.info.status == "interrupted"
    assert session.summary is None
    assert stored == printed[: len(stored)]
    assert len(stored) >= len(safe) >= 3
    assert len(stored) < 8  # the call was cut short: not all eight turns are there
    assert session.meta.source  # what was being replayed is known
