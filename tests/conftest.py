"""Shared fixtures. Keep each one small and generic."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"  # CI clones the repo with shared/ beside it
AUDIO_DIR = SHARED / "data" / "audio"
EVAL_DIR = SHARED / "eval" / "calls" / "dev"
SOUNDCARD_SCRIPT = ROOT / "scripts" / "virtual-soundcard.sh"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class VirtualSoundcard:
    """A private PulseAudio daemon with the null sink ``callsink`` (capture: device ``pulse``)."""

    dir: Path
    env: dict[str, str]  # HOME, XDG_RUNTIME_DIR, PULSE_SERVER for child processes

    def child_env(self) -> dict[str, str]:
        """The environment for a subprocess that plays into or records from the sink."""
        return {**os.environ, **self.env}

    def play(self, wav: Path | str, latency_ms: int = 20) -> subprocess.Popen[bytes]:
        """Start ``paplay`` of ``wav`` into ``callsink`` in real time.

        20 ms keeps the null sink at real-time pace (for latency figures); a busy CPU then
        makes paplay underrun now and then, which inserts short silences into the stream.
        """
        return subprocess.Popen(
            ["paplay", "--device=callsink", f"--latency-msec={latency_ms}", str(wav)],
            env=self.child_env(),
            stderr=subprocess.PIPE,
        )


def _warm_up() -> None:
    """A fresh daemon takes ~2 s to deliver its first block; pay that once, here."""
    from monitor.audio import open_live
    from monitor.config import AudioConfig

    source = open_live(AudioConfig(), device="pulse")
    try:
        source.start()
        for _ in range(100):
            if source.read(0.1):
                break
    finally:
        source.close()


@pytest.fixture(scope="session")
def virtual_soundcard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualSoundcard]:
    """Start the null-sink sound card once per session; skip without pulseaudio (fail in CI)."""
    missing = [tool for tool in ("pulseaudio", "pactl", "paplay") if shutil.which(tool) is None]
    if missing:
        message = (
            f"{', '.join(missing)} not installed: sudo apt-get install -y libportaudio2 "
            "pulseaudio pulseaudio-utils libasound2-plugins alsa-utils"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("soundcard")
    started = subprocess.run(
        [str(SOUNDCARD_SCRIPT), "start", str(folder)], capture_output=True, text=True, timeout=30
    )
    if started.returncode != 0:
        pytest.fail(f"virtual sound card did not start: {started.stderr.strip()}")
    env = {}
    for line in started.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    # This process records through the ALSA pulse plugin, which finds the daemon by PULSE_SERVER;
    # HOME stays untouched so other tests keep their own folders.
    previous = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]
    from monitor.audio import rescan_devices

    rescan_devices()
    _warm_up()
    try:
        yield VirtualSoundcard(folder, env)
    finally:
        subprocess.run([str(SOUNDCARD_SCRIPT), "stop", str(folder)], timeout=30, check=False)
        if previous is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = previous
