"""Real capture through a PulseAudio null sink: the path a user's headset takes.

``paplay`` plays a stereo call into ``callsink`` in real time; ``LiveSource`` (and ``callmon
live``) record the sink's monitor through sounddevice's ALSA device ``pulse``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import AUDIO_DIR

from monitor import audio
from monitor.audio import measure_level, open_live
from monitor.config import AudioConfig
from monitor.errors import AudioError
from monitor.types import SAMPLE_RATE

pytestmark = pytest.mark.capture

ROOT = Path(__file__).resolve().parents[1]
CALLBACK = AUDIO_DIR / "tts-outbound-callback.wav"


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory) -> tuple[Path, np.ndarray]:
    """5 s with both sides talking at once: agent (left) 0-5 s, customer (right) 10-15 s."""
    data, rate = soundfile.read(CALLBACK, dtype="float32")
    left = data[0 : 5 * rate, 0]
    right = data[10 * rate : 15 * rate, 1]
    stereo = np.stack([left, right], axis=1)
    path = tmp_path_factory.mktemp("capture") / "two-voices.wav"
    soundfile.write(path, stereo, rate, subtype="PCM_16")
    return path, soundfile.read(path, dtype="float32")[0]


def capture_while_playing(sources, soundcard, wav: Path, tail_s: float = 0.4, latency_ms=20):
    """Start the sources, play ``wav`` into the sink, read until it ends; samples per speaker."""
    got = [{s: [] for s in source.speakers} for source in sources]
    for source in sources:
        source.start()
    try:
        for source in sources:  # the stream is running once a block arrived
            while not source.read(0.5):
                pass
        player = soundcard.play(wav, latency_ms)
        ended_at = None
        while ended_at is None or time.monotonic() - ended_at < tail_s:
            for source, store in zip(sources, got, strict=True):
                for chunk in source.read(0.05):
                    store[chunk.speaker].append(chunk.samples)
            if ended_at is None and player.poll() is not None:
                ended_at = time.monotonic()
                assert player.returncode == 0, player.stderr.read()
    finally:
        for source in sources:
            source.close()
    return [{s: np.concatenate(p) for s, p in store.items()} for store in got]


def best_lag(captured: np.ndarray, reference: np.ndarray) -> int:
    """Offset of ``reference`` inside ``captured`` (normalised FFT cross-correlation)."""
    valid = len(captured) - len(reference) + 1
    if valid <= 0:
        return 0
    n = 1 << int(np.ceil(np.log2(len(captured) + len(reference))))
    spectrum = np.fft.rfft(captured, n) * np.conj(np.fft.rfft(reference, n))
    corr = np.fft.irfft(spectrum, n)[:valid]
    energy = np.concatenate([[0.0], np.cumsum(captured.astype(np.float64) ** 2)])
    window_energy = energy[len(reference) :][:valid] - energy[:valid]
    return int(np.argmax(corr / np.sqrt(np.maximum(window_energy, 1e-9))))


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def test_pulse_device_is_listed(virtual_soundcard):
    names = {d.name: d for d in audio.list_input_devices()}
    assert "pulse" in names and names["pulse"].input_channels >= 2


def matched_windows(captured, reference, exact: bool) -> tuple[int, int]:
    """How many 0.1 s windows where both sides talk are found in the capture at one lag.

    Windows, not the whole file: under CPU load paplay underruns now and then and the sink
    inserts a short silence, shifting everything after it (so lags only grow).
    """
    width, slack = SAMPLE_RATE // 10, SAMPLE_RATE // 2
    found = total = lag = 0
    for at in range(0, len(reference) - width, width):
        agent_ref, customer_ref = reference[at : at + width, 0], reference[at : at + width, 1]
        if min(measure_level(agent_ref)[0], measure_level(customer_ref)[0]) < -35:
            continue
        total += 1
        base = lag + at
        reach = slack if total > 1 else len(captured["agent"])  # the first window: anywhere
        lag += best_lag(captured["agent"][base : base + width + reach], agent_ref)
        agent = captured["agent"][lag + at : lag + at + width]
        customer = captured["customer"][lag + at : lag + at + width]  # same lag: one stream
        if len(agent) < width:
            break
        if exact:  # sample for sample (16-bit rounding only)
            diff = max(np.max(np.abs(agent - agent_ref)), np.max(np.abs(customer - customer_ref)))
            found += bool(diff < 1e-3)
        else:
            found += correlation(agent, agent_ref) > 0.98 < correlation(customer, customer_ref)
    return found, total


def test_capture_matches_the_file_on_both_channels(virtual_soundcard, two_voices):
    wav, reference = two_voices
    native = open_live(AudioConfig(sample_rate=16000), device="pulse")  # no resampling at all
    resampled = open_live(AudioConfig(), device="pulse")  # device default rate → 16 kHz
    assert resampled.inputs[0].rate != SAMPLE_RATE
    got_native, got_resampled = capture_while_playing(
        [native, resampled], virtual_soundcard, wav, latency_ms=200
    )
    assert native.dropped_blocks == 0 and resampled.dropped_blocks == 0
    for got in (got_native, got_resampled):
        assert len(got["agent"]) == len(got["customer"]) >= len(reference)

    found, total = matched_windows(got_native, reference, exact=True)
    assert total >= 30 and found >= 0.8 * total, f"{found} of {total} windows sample-exact"
    found, total = matched_windows(got_resampled, reference, exact=False)
    assert found >= 0.8 * total, f"{found} of {total} windows match after resampling"
    # with the channels swapped nothing matches
    swapped = {"agent": got_native["customer"], "customer": got_native["agent"]}
    assert matched_windows(swapped, reference, exact=False)[0] == 0


def test_full_queue_is_counted_not_silent(virtual_soundcard):
    source = open_live(AudioConfig(queue_blocks=10, block_ms=20), device="pulse")
    source.start()
    try:
        while not source.read(0.5):  # running
            pass
        time.sleep(0.8)  # the worker "hangs": ~40 blocks arrive, 10 fit
        assert source.pending_blocks() == 10
        assert source.dropped_blocks > 0
        dropped = source.dropped_blocks
        assert len(source.read(0.5)) > 0  # capture goes on after the overflow
        for _ in range(5):
            source.read(0.1)
        assert source.dropped_blocks - dropped <= 1  # a reader that keeps up drops nothing
    finally:
        source.close()


def test_unknown_device_lists_real_inputs(virtual_soundcard):
    with pytest.raises(AudioError, match=r"no input device matches 'Jabra Evolve'.*pulse"):
        open_live(AudioConfig(), device="Jabra Evolve")


def test_sound_server_lost_mid_call_is_an_error(virtual_soundcard, tmp_path, monkeypatch):
    """Kill a second, private daemon under a running capture ("device unplugged")."""
    script = str(ROOT / "scripts" / "virtual-soundcard.sh")
    folder = tmp_path / "doomed"
    started = subprocess.run([script, "start", str(folder)], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    monkeypatch.setenv("PULSE_SERVER", f"unix:{folder}/run/pulse/native")
    source = open_live(AudioConfig(sample_rate=16000), device="pulse")
    try:
        source.start()
        deadline = time.monotonic() + 5
        while not source.read(0.2):
            assert time.monotonic() < deadline, "no audio from the second daemon"
        subprocess.run([script, "stop", str(folder)], check=True)
        deadline = time.monotonic() + audio.STALL_S + 3
        with pytest.raises(AudioError, match=r"input device 'pulse' stopped delivering audio"):
            while time.monotonic() < deadline:
                source.read(0.2)
    finally:
        source.close()
        subprocess.run([script, "stop", str(folder)], check=False)


def test_callmon_devices_lists_the_sink(virtual_soundcard):
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "devices"],
        capture_output=True,
        text=True,
        env=virtual_soundcard.child_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if " pulse " in f" {line} ")
    assert " 32 " in row and "Hz" in row


@pytest.mark.model
def test_callmon_live_transcribes_the_call_played_into_the_sink(virtual_soundcard, tmp_path):
    """`callmon live --headless --json --device pulse` on a call played through the sound card."""
    data, rate = soundfile.read(CALLBACK, dtype="float32")
    excerpt = tmp_path / "callback-first-four-turns.wav"  # turns 0-3 end at 22.93 s
    soundfile.write(excerpt, data[: int(23.3 * rate)], rate, subtype="PCM_16")
    config = tmp_path / "config.toml"
    config.write_text('[call]\ncompany = "Greenfield Energy"\nagent_name = "Emma"\n')
    env = {**virtual_soundcard.child_env(), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "monitor.cli", "live", "--headless", "--json"]
    command += ["--config", str(config), "--device", "pulse", "--duration", "90", "--no-store"]
    call = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    players: list[subprocess.Popen[bytes]] = []

    def play_then_hang_up() -> None:
        players.append(virtual_soundcard.play(excerpt))
        players[0].wait(timeout=60)
        time.sleep(3.0)  # the last words' final text comes within ~1.5 s
        call.terminate()  # SIGTERM ends the call cleanly, with a summary

    lines: list[dict] = []
    try:
        assert call.stdout is not None
        for raw in call.stdout:
            lines.append(json.loads(raw))
            if lines[-1]["type"] == "start":
                threading.Thread(target=play_then_hang_up, daemon=True).start()
    finally:
        if call.poll() is None:
            call.terminate()
        call.wait(timeout=60)
    stderr = call.stderr.read() if call.stderr else ""
    assert call.returncode == 0, stderr
    assert players and players[0].returncode == 0
    assert lines[0]["type"] == "start" and lines[0]["speakers"] == ["agent", "customer"]
    assert lines[-1]["type"] == "summary" and lines[-1]["dropped_blocks"] == 0
    text = {"agent": "", "customer": ""}
    for e in lines:
        if e["type"] == "segment" and e["final"]:
            text[e["speaker"]] += " " + e["text"].lower()
    joined = {speaker: words.replace(" ", "") for speaker, words in text.items()}
    assert "greenfield" in joined["agent"] and "callyou" in joined["agent"], text
    assert "tomorrow" in text["customer"] and "sorry" in text["customer"], text
    assert "greenfield" not in joined["customer"] and "tomorrow" not in text["agent"], text
