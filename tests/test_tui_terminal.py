"""The real ``callmon replay`` console entry point in a real terminal (tmux), end to end.

Proves the installed command opens the monitor, shows the call (transcript words and
checklist), quits on ``q`` and on Ctrl-C with exit code 0, and leaves the terminal as it
found it (alternate screen off, cursor shown).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

AUDIO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "audio"
HOSTILE = AUDIO / "tts-inbound-hostile.wav"
CALLMON = Path(sys.executable).with_name("callmon")

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not CALLMON.exists(), reason="callmon console script not installed"),
]


class Terminal:
    """One private tmux server with one 120x40 window running a command."""

    def __init__(self, tmp_path: Path, command: str) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.rc_file = tmp_path / "rc"
        env = {
            "HF_HUB_OFFLINE": "1",
            "PYTHONFAULTHANDLER": "1",  # a crash at exit leaves its stack on the screen
            "CALLMON_DB": str(tmp_path / "sessions.db"),
            "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
        }
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        script = f"cd {tmp_path} && env -i {exports} {command}; echo $? > {self.rc_file}; sleep 30"
        self.tmux("new-session", "-d", "-x", "120", "-y", "40", "sh", "-c", script)
        self.tmux("resize-window", "-t", "0", "-x", "120", "-y", "40")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "0")

    def wait_for(self, *words: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(word.lower() in text.lower() for word in words):
                return text
            time.sleep(0.3)
        raise AssertionError(f"never saw {words} on screen; last screen:\n{text}")

    def exit_code(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.rc_file.exists() and self.rc_file.read_text().strip():
                return int(self.rc_file.read_text())
            time.sleep(0.2)
        raise AssertionError(f"callmon did not exit; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path):
    terminals: list[Terminal] = []

    def start(command: str) -> Terminal:
        term = Terminal(tmp_path, command)
        terminals.append(term)
        return term

    yield start
    for term in terminals:
        term.close()


def test_callmon_replay_shows_the_call_and_quits_cleanly(terminal):
    term = terminal(f"{CALLMON} replay {HOSTILE} --speed 4 --no-store")
    screen = term.wait_for("Transcript", "Checklist", "Flags", "q Quit")
    assert "LIVE" in screen or "STARTING" in screen
    screen = term.wait_for("Brightline", "AGENT", "CUST", "idiots", timeout=90)
    assert "✓" in screen  # a covered step
    assert "⚠" in screen  # the customer's flag
    term.tmux("send-keys", "-t", "0", "q")
    assert term.exit_code() == 0, term.tmux("capture-pane", "-p", "-t", "0", "-S", "-60")
    assert term.tmux("display", "-p", "-t", "0", "#{alternate_on}").strip() == "0"
    assert term.tmux("display", "-p", "-t", "0", "#{cursor_flag}").strip() == "1"
    assert "Transcript" not in term.screen()


def test_ctrl_c_quits_and_restores_the_terminal(terminal):
    term = terminal(f"{CALLMON} replay {HOSTILE} --speed 1 --no-store")
    term.wait_for("Transcript", "LIVE", timeout=60)
    term.tmux("send-keys", "-t", "0", "C-c")
    assert term.exit_code() == 0
    assert term.tmux("display", "-p", "-t", "0", "#{alternate_on}").strip() == "0"
    assert "Checklist" not in term.screen()
