"""Recordings, resampling, pacing, levels, device lookup and the no-PortAudio path."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import AUDIO_DIR

from monitor import audio
from monitor.audio import (
    NO_DEVICES,
    DeviceInfo,
    StreamResampler,
    find_device,
    format_devices,
    measure_level,
    open_recording,
    resample,
)
from monitor.config import AudioConfig
from monitor.errors import AudioError
from monitor.types import SAMPLE_RATE

CALLBACK = AUDIO_DIR / "tts-outbound-callback.wav"  # agent left, customer right
JFK = AUDIO_DIR / "jfk.wav"  # mono


def drain(source, timeout: float = 0.5) -> dict[str, np.ndarray]:
    """Read a source to its end; the samples per speaker, joined in order."""
    parts: dict[str, list[np.ndarray]] = {s: [] for s in source.speakers}
    source.start()
    while (chunks := source.read(timeout)) is not None:
        for chunk in chunks:
            parts[chunk.speaker].append(chunk.samples)
    return {s: np.concatenate(p) for s, p in parts.items()}


def tone(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(x))


# ---- recordings ----


def test_stereo_recording_splits_agent_left_customer_right():
    data, rate = soundfile.read(CALLBACK, dtype="float32")
    got = drain(open_recording(CALLBACK, AudioConfig(), speed=0))
    assert rate == SAMPLE_RATE
    np.testing.assert_array_equal(got["agent"], data[:, 0])
    np.testing.assert_array_equal(got["customer"], data[:, 1])
    # the agent speaks first (0.40-9.57 s) while the customer channel is silent
    opening = slice(int(1.0 * SAMPLE_RATE), int(9.0 * SAMPLE_RATE))
    assert measure_level(got["agent"][opening])[0] > -40
    assert measure_level(got["customer"][opening])[0] == audio.FLOOR_DBFS


def test_recording_channels_follow_the_config():
    cfg = AudioConfig(recording_agent_channel=2, recording_customer_channel=1)
    data, _ = soundfile.read(CALLBACK, dtype="float32")
    got = drain(open_recording(CALLBACK, cfg, speed=0))
    np.testing.assert_array_equal(got["agent"], data[:, 1])
    np.testing.assert_array_equal(got["customer"], data[:, 0])


def test_recording_channel_beyond_the_file_names_the_key():
    with pytest.raises(AudioError, match=r"recording_customer_channel = 3 must be 1\.\.2"):
        open_recording(CALLBACK, AudioConfig(recording_customer_channel=3))


def test_mono_recording_is_one_speaker():
    source = open_recording(JFK, AudioConfig(), speed=0)
    assert source.speakers == ("mixed",)
    assert abs(source.duration - 11.0) < 0.01
    named = open_recording(JFK, AudioConfig(mono_speaker="agent"), speed=0)
    assert named.speakers == ("agent",)
    assert len(drain(named)["agent"]) == soundfile.info(JFK).frames


def test_stereo_file_with_identical_channels_counts_as_mono(tmp_path):
    x = tone(300, SAMPLE_RATE, 0.5)
    path = tmp_path / "dup.wav"
    soundfile.write(path, np.stack([x, x], axis=1), SAMPLE_RATE)
    assert open_recording(path, AudioConfig()).speakers == ("mixed",)


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_any_rate_is_resampled_to_16k_per_speaker(tmp_path, rate):
    seconds = 2.0
    left, right = tone(440, rate, seconds), tone(1000, rate, seconds, amplitude=0.25)
    path = tmp_path / f"tones-{rate}.wav"
    soundfile.write(path, np.stack([left, right], axis=1), rate, subtype="PCM_16")
    got = drain(open_recording(path, AudioConfig(), speed=0))
    for speaker, freq, amplitude in (("agent", 440, 0.5), ("customer", 1000, 0.25)):
        x = got[speaker]
        assert abs(len(x) - seconds * SAMPLE_RATE) <= 2
        middle = x[SAMPLE_RATE // 4 : -SAMPLE_RATE // 4]
        assert abs(dominant_hz(middle) - freq) < 5
        rms_db = measure_level(middle)[0]
        assert abs(rms_db - 20 * np.log10(amplitude / np.sqrt(2))) < 0.2


def test_streaming_resampler_keeps_state_across_blocks():
    x = tone(700, 48_000, 1.0) + tone(3100, 48_000, 1.0, amplitude=0.2)
    whole = resample(x, 48_000)
    r = StreamResampler(48_000)
    blocks = [r.push(x[i : i + 1536]) for i in range(0, len(x), 1536)]
    streamed = np.concatenate([*blocks, r.flush()])
    assert len(streamed) == len(whole) == SAMPLE_RATE
    # no clicks at block edges: streamed equals one-shot resampling
    assert np.max(np.abs(streamed - whole)) < 1e-4


def _write_with_av(path: Path, samples: np.ndarray, rate: int, codec: str) -> None:
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="stereo")
        pcm = np.ascontiguousarray((samples.T * 32767).astype(np.int16).T.reshape(1, -1))
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


@pytest.mark.parametrize(
    ("name", "writer"),
    [
        ("call.ogg", "soundfile"),  # Vorbis via libsndfile
        ("call.mp3", "soundfile"),  # MPEG layer III via libsndfile
        ("call.flac", "soundfile"),
        ("call.m4a", "aac"),  # AAC: only FFmpeg (PyAV) reads it
    ],
)
def test_compressed_formats_decode_with_speakers_right(tmp_path, name, writer):
    rate = 44100
    left = np.concatenate([tone(500, rate, 1.0), np.zeros(rate, np.float32)])
    right = np.concatenate([np.zeros(rate, np.float32), tone(900, rate, 1.0)])
    path = tmp_path / name
    if writer == "soundfile":
        soundfile.write(path, np.stack([left, right], axis=1), rate)
    else:
        _write_with_av(path, np.stack([left, right], axis=1), rate, writer)
    source = open_recording(path, AudioConfig(), speed=0)
    assert source.speakers == ("agent", "customer")
    assert abs(source.duration - 2.0) < 0.1  # codecs pad a little
    got = drain(source)
    first = slice(int(0.2 * SAMPLE_RATE), int(0.8 * SAMPLE_RATE))
    second = slice(int(1.2 * SAMPLE_RATE), int(1.8 * SAMPLE_RATE))
    assert abs(dominant_hz(got["agent"][first]) - 500) < 5
    assert abs(dominant_hz(got["customer"][second]) - 900) < 5
    assert measure_level(got["agent"][second])[0] < -40  # agent quiet while customer talks
    assert measure_level(got["customer"][first])[0] < -40


# ---- pacing ----


def _short_file(tmp_path: Path, seconds: float = 1.2) -> Path:
    path = tmp_path / "short.wav"
    soundfile.write(path, tone(440, SAMPLE_RATE, seconds), SAMPLE_RATE)
    return path


def test_paced_replay_releases_blocks_on_schedule(tmp_path):
    source = open_recording(_short_file(tmp_path), AudioConfig(block_ms=32), speed=4.0)
    t_start = source.start()
    chunks = []
    began = time.monotonic()
    while (got := source.read(0.05)) is not None:
        for chunk in got:
            assert time.time() >= chunk.t_wall - 0.005  # never handed out early
        chunks.extend(got)
    elapsed = time.monotonic() - began
    assert elapsed >= 1.2 / 4 - 0.02  # not faster than 4x real time allows
    for chunk in chunks:  # t_wall = release time of the block's last sample
        assert chunk.t_wall == pytest.approx(t_start + chunk.t_end / 4.0, abs=1e-6)
    starts = [c.t0 for c in chunks]
    assert starts == sorted(starts) and starts[0] == 0.0
    assert sum(len(c.samples) for c in chunks) == int(1.2 * SAMPLE_RATE)


def test_speed_zero_is_faster_than_paced(tmp_path):
    path = _short_file(tmp_path)
    timings = {}
    for speed in (0.0, 4.0):
        began = time.monotonic()
        drain(open_recording(path, AudioConfig(), speed=speed), timeout=0.05)
        timings[speed] = time.monotonic() - began
    assert timings[0.0] < timings[4.0]


def test_read_returns_empty_list_while_waiting_and_none_after_close(tmp_path):
    source = open_recording(_short_file(tmp_path), AudioConfig(block_ms=500), speed=1.0)
    source.start()
    assert source.read(0.01) == []  # the first 0.5 s block is not due yet
    source.close()
    assert source.read(0.01) is None


def test_pending_blocks_shows_a_slow_reader_falling_behind(tmp_path):
    source = open_recording(_short_file(tmp_path), AudioConfig(block_ms=20), speed=4.0)
    source.start()
    assert source.pending_blocks() == 0
    time.sleep(0.2)  # 0.8 s of audio (40 blocks) become due while nobody reads
    assert source.pending_blocks() >= 30
    assert len(source.read(0.0)) >= 30  # all due blocks come at once ...
    assert source.pending_blocks() <= 1  # ... and the backlog is gone


def test_negative_speed_is_refused():
    with pytest.raises(AudioError, match="--speed"):
        open_recording(JFK, AudioConfig(), speed=-1)


# ---- bad files ----


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.wav"
    with pytest.raises(AudioError, match=rf"{missing}: file not found"):
        open_recording(missing, AudioConfig())


def test_unreadable_file_is_named(tmp_path):
    bogus = tmp_path / "notes.wav"
    bogus.write_text("this is not audio\n")
    with pytest.raises(AudioError, match=rf"recording {bogus}: cannot decode audio") as info:
        open_recording(bogus, AudioConfig())
    assert "\n" not in str(info.value)


def test_empty_and_directory_are_refused(tmp_path):
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros((0, 2), np.float32), SAMPLE_RATE)
    with pytest.raises(AudioError, match=rf"{empty}: contains no audio"):
        open_recording(empty, AudioConfig())
    with pytest.raises(AudioError, match="is a directory"):
        open_recording(tmp_path, AudioConfig())


# ---- levels ----


def test_levels_of_tone_silence_and_clipping():
    rms, peak, clipped = measure_level(tone(1000, SAMPLE_RATE, 0.5, amplitude=0.1))
    assert rms == pytest.approx(-23.01, abs=0.05)
    assert peak == pytest.approx(-20.0, abs=0.05)
    assert not clipped
    assert measure_level(np.zeros(512, np.float32)) == (-120.0, -120.0, False)
    assert measure_level(np.zeros(0, np.float32)) == (-120.0, -120.0, False)
    full = np.clip(tone(1000, SAMPLE_RATE, 0.5, amplitude=1.5), -1, 1)
    assert measure_level(full)[2]


# ---- devices ----

DEVICES = [
    DeviceInfo(0, "HDA Intel PCH: ALC892 Analog (hw:0,0)", 2, 44100.0, "ALSA"),
    DeviceInfo(3, "USB Headset: Audio (hw:1,0)", 1, 48000.0, "ALSA"),
    DeviceInfo(7, "pulse", 32, 44100.0, "ALSA", is_default=True),
]


def test_format_devices_lists_channels_rates_and_default():
    text = format_devices(DEVICES)
    row = next(line for line in text.splitlines() if "USB Headset" in line)
    assert " 3 " in row and " 1 " in row and "48000 Hz" in row and "ALSA" in row
    assert next(line for line in text.splitlines() if "pulse" in line).lstrip().startswith("*")
    assert format_devices([]) == NO_DEVICES


def test_find_device_by_index_name_or_substring():
    assert find_device(3, DEVICES).name.startswith("USB")
    assert find_device("3", DEVICES).index == 3
    assert find_device("usb headset", DEVICES).index == 3
    assert find_device("pulse", DEVICES).index == 7
    assert find_device("", DEVICES).index == 7  # the default input


def test_unknown_device_lists_the_inputs():
    with pytest.raises(AudioError) as info:
        find_device("Jabra", DEVICES)
    message = str(info.value)
    assert "'Jabra'" in message and "3: USB Headset" in message and "7: pulse" in message


def test_device_with_too_few_channels_names_the_keys(monkeypatch):
    monkeypatch.setattr(audio, "list_input_devices", lambda: DEVICES)
    with pytest.raises(AudioError, match=r"has 1 input channel.*customer_channel = 2"):
        audio.open_live(AudioConfig(), device="USB")


def test_two_devices_route_one_speaker_each(monkeypatch):
    monkeypatch.setattr(audio, "list_input_devices", lambda: DEVICES)
    monkeypatch.setattr(audio.LiveSource, "open_streams", lambda self: None)
    source = audio.open_live(AudioConfig(), device="USB", customer_device="ALC892")
    assert source.speakers == ("agent", "customer")
    assert source.devices == (DEVICES[1].name, DEVICES[0].name)
    assert [(i.rate, i.routes) for i in source.inputs] == [
        (48000, [("agent", 0)]),  # mono headset: channel 1
        (44100, [("customer", 1)]),  # customer_channel = 2 of the stereo line-in
    ]


# ---- without PortAudio ----


def test_missing_portaudio_gives_the_install_hint_and_recordings_still_work(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails like a missing lib
    for attempt in (audio.list_input_devices, lambda: audio.open_live(AudioConfig())):
        with pytest.raises(AudioError, match=r"live capture needs PortAudio: .*libportaudio2"):
            attempt()
    assert open_recording(JFK, AudioConfig(), speed=0).speakers == ("mixed",)


def test_callmon_devices_without_portaudio_is_one_line(tmp_path):
    blocker = tmp_path / "sounddevice.py"
    blocker.write_text("raise OSError('PortAudio library not found')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{Path(__file__).resolve().parents[1]}", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "devices"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "libportaudio2" in result.stderr and "Traceback" not in result.stderr
