"""The `callmon` console command, run as a user runs it: headless JSON, demo, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import AUDIO_DIR

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = AUDIO_DIR / "tts-inbound-hostile.wav"


def callmon(*args: str, timeout: float = 180, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **kwargs.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=kwargs.pop("cwd", ROOT),
        **kwargs,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.model
def test_headless_json_replay_prints_the_call_as_it_happens() -> None:
    result = callmon("replay", str(HOSTILE), "--headless", "--json", "--speed", "4", "--no-store")
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    start, summary = events[0], events[-1]
    assert start["type"] == "start"
    assert start["speakers"] == ["agent", "customer"]
    assert "tiny.en" in start["model"]
    assert start["t_wall"] == pytest.approx(time.time(), abs=120)
    assert summary["type"] == "summary"
    segments = [e for e in events if e["type"] == "segment"]
    finals = [s for s in segments if s["final"] and not s.get("revised")]
    partials = [s for s in segments if not s["final"]]
    settled = [s for s in segments if s.get("revised")]
    assert {s["speaker"] for s in finals} == {"agent", "customer"}
    assert len(finals) == summary["finals"] == 8
    assert partials, "no partial text at 4x real time"
    for seg in segments:
        assert set(seg) >= {"speaker", "start", "end", "text", "final", "latency"}
        assert 0 <= seg["start"] < seg["end"] <= 40.5
        assert 0 <= seg["latency"] < (60 if seg.get("revised") else 10)
    # settled text (the settle pass) replaces finals already shown, after them
    assert len(settled) == summary["revised"] > 0
    for seg in settled:
        assert seg["final"]
        live = [f for f in finals if f["utterance_id"] == seg["utterance_id"]]
        assert live and events.index(live[0]) < events.index(seg)
    # partials of an utterance come before its final
    for final in finals:
        before = [s for s in partials if s["utterance_id"] == final["utterance_id"]]
        assert all(events.index(p) < events.index(final) for p in before)
    agent_first = next(s for s in finals if s["speaker"] == "agent")
    assert "how can i help" in agent_first["text"].lower()
    flags = [e for e in events if e["type"] == "flag" and not e["withdrawn"]]
    assert flags and all(f["speaker"] == "customer" for f in flags)
    steps = {e["step_id"]: e["status"] for e in events if e["type"] == "step"}
    assert steps["offer_help"] == "covered"
    assert summary["latency_p50"] is not None and summary["dropped_blocks"] == 0


@pytest.mark.model
def test_ctrl_c_ends_cleanly_with_the_summary() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "replay", str(HOSTILE), "--headless", "--json",
         "--no-store"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    assert first["type"] == "start"
    for line in proc.stdout:  # wait for the first final text, then press Ctrl-C
        if json.loads(line).get("final"):
            break
    proc.send_signal(signal.SIGINT)
    rest, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    summary = json.loads(rest.splitlines()[-1])
    assert summary["type"] == "summary"
    assert summary["interrupted"] is True
    assert summary["duration"] < 30
    assert "Traceback" not in stderr


@pytest.mark.model
def test_demo_replays_the_bundled_sample_and_says_so() -> None:
    result = callmon("demo", "--headless", "--json", "--speed", "0", "--no-store")
    assert result.returncode == 0, result.stderr
    assert "replaying the bundled sample call" in result.stderr
    events = json_lines(result.stdout)
    text = " ".join(e["text"] for e in events if e["type"] == "segment" and e["final"])
    assert "Brightline" in text or "Bright Line" in text


def test_plain_callmon_without_a_device_falls_back_to_the_sample(monkeypatch) -> None:
    import argparse

    from monitor import runner

    calls: list[argparse.Namespace] = []
    monkeypatch.setattr("monitor.audio.list_input_devices", lambda: [])
    monkeypatch.setattr(runner, "run_demo", lambda args: calls.append(args) or 0)
    args = argparse.Namespace(headless=False)
    assert runner.run_default(args) == 0
    assert calls and calls[0].no_device_notice is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["replay", "/no/such/call.wav", "--headless"],
            "recording /no/such/call.wav: file not found",
        ),
        (["replay", "{bad}", "--headless"], "{bad}: cannot decode audio"),
        (
            ["replay", str(HOSTILE), "--headless", "--model", "no-such-model", "--no-store"],
            "Whisper model 'no-such-model' not found",
        ),
        (["replay", str(HOSTILE), "--headless", "--config", "{config}"], "key 'asr.beam' is not"),
        (["replay", str(HOSTILE), "--headless", "--speed", "-1"], "--speed must be 0"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_text("this is not audio")
    config = tmp_path / "config.toml"
    config.write_text("[asr]\nbeam = 2\n")
    args = [a.replace("{bad}", str(bad)).replace("{config}", str(config)) for a in args]
    message = message.replace("{bad}", str(bad))
    result = callmon(*args, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("callmon: error: ")
    assert message in lines[0]
    assert result.stdout == ""


@pytest.mark.model
def test_a_closed_pipe_ends_the_call_quietly() -> None:
    """`callmon ... --json | head -3`: no traceback, no broken-pipe noise, exit 0."""
    command = (
        f"'{sys.executable}' -m monitor.cli replay '{HOSTILE}' --headless --json --speed 4 "
        "--no-store | head -3; exit ${PIPESTATUS[0]}"
    )
    result = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""
