"""Audio sources: live capture (sounddevice) and recordings, as 16 kHz mono chunks per speaker.

Every source follows ``AudioSource``: ``start()`` returns the wall time of audio t=0 and
``read(timeout)`` hands out ``AudioChunk`` lists (``[]`` when nothing arrived in time, ``None``
once the source has ended). ``sounddevice`` is imported lazily, only for live capture, so
recordings work on a machine without PortAudio.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from monitor.errors import AudioError
from monitor.types import SAMPLE_RATE, AudioChunk, Speaker

PORTAUDIO_HINT = (
    "live capture needs PortAudio: sudo apt-get install libportaudio2 "
    "(recordings work without it: callmon replay FILE)"
)
NO_DEVICES = "no input devices found (is a sound server running?)"
STALL_S = 3.0  # a live input silent (no blocks at all) this long counts as lost
CLIP_LEVEL = 0.999
FLOOR_DBFS = -120.0


class AudioSource(Protocol):
    """What the pipeline reads from: a live device or a recording."""

    description: str
    speakers: tuple[Speaker, ...]
    devices: tuple[str, ...]

    @property
    def dropped_blocks(self) -> int: ...

    def start(self) -> float: ...

    def read(self, timeout: float) -> list[AudioChunk] | None: ...

    def close(self) -> None: ...


# ---- levels ----


def measure_level(samples: np.ndarray) -> tuple[float, float, bool]:
    """``(rms_dbfs, peak_dbfs, clipped)`` of a block; silence reads as -120 dBFS."""
    if len(samples) == 0:
        return FLOOR_DBFS, FLOOR_DBFS, False
    x = np.asarray(samples, dtype=np.float32)
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    peak = float(np.max(np.abs(x)))
    return _dbfs(rms), _dbfs(peak), peak >= CLIP_LEVEL


def _dbfs(value: float) -> float:
    return FLOOR_DBFS if value <= 1e-6 else max(FLOOR_DBFS, 20.0 * math.log10(value))


# ---- resampling ----


class StreamResampler:
    """Any rate → 16 kHz mono float32, keeping filter state across blocks (libswresample)."""

    def __init__(self, rate_in: int) -> None:
        self.rate_in = int(rate_in)
        self._resampler: Any = None
        if self.rate_in != SAMPLE_RATE:
            import av

            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def push(self, samples: np.ndarray) -> np.ndarray:
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        if self._resampler is None:
            return samples
        import av

        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
        frame.sample_rate = self.rate_in
        return self._collect(self._resampler.resample(frame))

    def flush(self) -> np.ndarray:
        if self._resampler is None:
            return np.zeros(0, np.float32)
        return self._collect(self._resampler.resample(None))

    @staticmethod
    def _collect(frames: list[Any]) -> np.ndarray:
        parts = [f.to_ndarray()[0] for f in frames]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def resample(samples: np.ndarray, rate_in: int) -> np.ndarray:
    """A whole signal at ``rate_in`` → 16 kHz (identity at 16 kHz)."""
    if rate_in == SAMPLE_RATE:
        return np.ascontiguousarray(samples, dtype=np.float32)
    r = StreamResampler(rate_in)
    step = rate_in * 10
    parts = [r.push(samples[i : i + step]) for i in range(0, len(samples), step)]
    parts.append(r.flush())
    return np.concatenate(parts)


# ---- recordings ----


def decode_file(path: Path) -> tuple[np.ndarray, int]:
    """``(samples[frames, channels] float32, rate)``: soundfile first, PyAV for the rest."""
    if not path.exists():
        raise AudioError(f"recording {path}: file not found")
    if path.is_dir():
        raise AudioError(f"recording {path}: is a directory, not an audio file")
    try:
        import soundfile

        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        return data, int(rate)
    except Exception as sf_exc:  # unknown to libsndfile: try FFmpeg through PyAV
        try:
            return _decode_with_av(path)
        except AudioError:
            raise
        except PermissionError:
            raise AudioError(f"recording {path}: permission denied") from None
        except Exception as av_exc:
            reason = str(av_exc) or str(sf_exc) or type(av_exc).__name__
            raise AudioError(f"recording {path}: cannot decode audio ({reason})") from None


def _decode_with_av(path: Path) -> tuple[np.ndarray, int]:
    import av

    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise AudioError(f"recording {path}: has no audio stream")
        stream = container.streams.audio[0]
        rate = int(stream.rate or stream.codec_context.sample_rate)
        layout = stream.codec_context.layout.name
        converter = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        parts = []
        for frame in container.decode(stream):
            frame.pts = None
            parts.extend(f.to_ndarray() for f in converter.resample(frame))
        parts.extend(f.to_ndarray() for f in converter.resample(None))
    if not parts:
        raise AudioError(f"recording {path}: contains no audio")
    return np.concatenate(parts, axis=1).T.astype(np.float32), rate


def _recording_tracks(
    path: Path, audio_cfg: Any
) -> tuple[tuple[Speaker, ...], list[np.ndarray], int]:
    data, rate = decode_file(path)
    if data.shape[0] == 0:
        raise AudioError(f"recording {path}: contains no audio")
    channels = data.shape[1]
    if channels == 1 or np.array_equal(data[:, 0], data[:, 1]):
        return (audio_cfg.mono_speaker,), [data[:, 0]], rate
    picks = []
    for key in ("recording_agent_channel", "recording_customer_channel"):
        channel = getattr(audio_cfg, key)
        if channel > channels:
            raise AudioError(
                f"recording {path} has {channels} channels; [audio] {key} = {channel} "
                f"must be 1..{channels}"
            )
        picks.append(data[:, channel - 1])
    return ("agent", "customer"), picks, rate


class RecordingSource:
    """A decoded recording fed in blocks, paced at ``speed``× real time (0 = at once)."""

    def __init__(
        self,
        path: Path,
        speakers: tuple[Speaker, ...],
        tracks: Sequence[np.ndarray],
        speed: float,
        block_ms: int,
        source_rate: int,
    ) -> None:
        self.path = path
        self.speakers = speakers
        self.tracks = [np.ascontiguousarray(t, dtype=np.float32) for t in tracks]
        self.speed = speed
        self.block = max(1, SAMPLE_RATE * block_ms // 1000)
        self.source_rate = source_rate
        self.devices: tuple[str, ...] = ()
        self.description = f"recording {path.name}"
        self.frames = len(self.tracks[0])
        self._pos = 0
        self._start_wall: float | None = None
        self._closed = threading.Event()

    @property
    def duration(self) -> float:
        return self.frames / SAMPLE_RATE

    @property
    def dropped_blocks(self) -> int:
        return 0

    def start(self) -> float:
        self._start_wall = time.time()
        return self._start_wall

    def pending_blocks(self) -> int:
        """Blocks already due but not yet read (the reader's backlog); 0 at speed 0."""
        if self._start_wall is None or self.speed <= 0:
            return 0
        due_frames = min((time.time() - self._start_wall) * self.speed * SAMPLE_RATE, self.frames)
        return max(0, int(due_frames - self._pos) // self.block)

    def _due(self, end_frame: int) -> float:
        assert self._start_wall is not None
        return self._start_wall + end_frame / SAMPLE_RATE / self.speed

    def read(self, timeout: float) -> list[AudioChunk] | None:
        if self._start_wall is None:
            self.start()
        if self._closed.is_set() or self._pos >= self.frames:
            return None
        if self.speed <= 0:
            return self._take(time.time())
        wait = self._due(min(self._pos + self.block, self.frames)) - time.time()
        if wait > timeout:
            self._closed.wait(max(timeout, 0.0))
            return []
        if wait > 0 and self._closed.wait(wait):
            return None
        chunks: list[AudioChunk] = []
        now = time.time()
        while self._pos < self.frames:
            due = self._due(min(self._pos + self.block, self.frames))
            if due > now:
                break
            chunks.extend(self._take(due))
        return chunks

    def _take(self, t_wall: float) -> list[AudioChunk]:
        start, end = self._pos, min(self._pos + self.block, self.frames)
        self._pos = end
        return [
            AudioChunk(speaker, track[start:end], start / SAMPLE_RATE, t_wall)
            for speaker, track in zip(self.speakers, self.tracks, strict=True)
        ]

    def close(self) -> None:
        self._closed.set()


def open_recording(path: str | Path, audio_cfg: Any, speed: float = 1.0) -> RecordingSource:
    """Decode a WAV/FLAC/OGG/MP3/... file; stereo = agent/customer channels from the config."""
    if speed < 0 or not math.isfinite(speed):
        raise AudioError(f"--speed must be 0 (as fast as possible) or positive, got {speed}")
    path = Path(path)
    speakers, tracks, rate = _recording_tracks(path, audio_cfg)
    tracks = [resample(t, rate) for t in tracks]
    return RecordingSource(path, speakers, tracks, speed, audio_cfg.block_ms, rate)


# ---- devices ----


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    input_channels: int
    default_rate: float
    host_api: str
    is_default: bool = False


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError) as exc:
        raise AudioError(f"{PORTAUDIO_HINT}; {exc}") from None
    return sounddevice


def rescan_devices() -> None:
    """Make PortAudio look again (it sees only devices present when it was initialised)."""
    import sys

    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


def list_input_devices() -> list[DeviceInfo]:
    """Input-capable devices PortAudio sees (raises ``AudioError`` without PortAudio)."""
    sd = _sounddevice()
    try:
        raw = sd.query_devices()
        default_in = sd.default.device[0]
        apis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioError(f"cannot list audio devices: {exc}") from None
    return [
        DeviceInfo(
            index=int(d["index"]),
            name=str(d["name"]),
            input_channels=int(d["max_input_channels"]),
            default_rate=float(d["default_samplerate"]),
            host_api=str(apis[d["hostapi"]]["name"]),
            is_default=int(d["index"]) == default_in,
        )
        for d in raw
        if d["max_input_channels"] > 0
    ]


def format_devices(devices: Sequence[DeviceInfo] | None = None) -> str:
    """The ``callmon devices`` table (``*`` marks the default input)."""
    devices = list_input_devices() if devices is None else list(devices)
    if not devices:
        return NO_DEVICES
    width = max(len(d.name) for d in devices)
    lines = [f"   idx  {'name':<{width}}  in ch  default rate  host API"]
    for d in devices:
        mark = "*" if d.is_default else " "
        lines.append(
            f"  {mark}{d.index:>3}  {d.name:<{width}}  {d.input_channels:>5}  "
            f"{d.default_rate:>9.0f} Hz  {d.host_api}"
        )
    lines.append("(* = default input; choose with --device NAME|INDEX or [audio] device)")
    return "\n".join(lines)


def find_device(spec: int | str, devices: Sequence[DeviceInfo]) -> DeviceInfo:
    """A device by index, exact name or name substring ("" = the default input)."""
    if not devices:
        raise AudioError(NO_DEVICES)
    text = str(spec).strip()
    if text == "":
        for d in devices:
            if d.is_default:
                return d
        return devices[0]
    if text.lstrip("-").isdigit():
        for d in devices:
            if d.index == int(text):
                return d
    else:
        lowered = text.lower()
        for match in (lambda d: d.name.lower() == lowered, lambda d: lowered in d.name.lower()):
            for d in devices:
                if match(d):
                    return d
    listing = "; ".join(f"{d.index}: {d.name} ({d.input_channels} ch)" for d in devices)
    raise AudioError(f"no input device matches {text!r}; input devices: {listing}")


# ---- live capture ----


@dataclass
class _Input:
    """One opened device and which of its channels feed which speaker."""

    device: DeviceInfo
    rate: int
    channels: int
    routes: list[tuple[Speaker, int]]  # (speaker, 0-based channel)
    stream: Any = None
    finished: bool = False
    last_block: float = 0.0


class LiveSource:
    """``sounddevice.InputStream`` capture; the callback only queues a copy of each block."""

    def __init__(self, inputs: list[_Input], block_ms: int, queue_blocks: int) -> None:
        self.inputs = inputs
        self.block_ms = block_ms
        self.speakers: tuple[Speaker, ...] = tuple(s for i in inputs for s, _ in i.routes)
        self.devices = tuple(i.device.name for i in inputs)
        self.description = "live " + ", ".join(
            f"{s}: {i.device.name} ch{c + 1}" for i in inputs for s, c in i.routes
        )
        self._queue: queue.Queue[tuple[int, np.ndarray, float]] = queue.Queue(queue_blocks)
        self._dropped = [0] * len(inputs)
        self._resamplers = {s: StreamResampler(i.rate) for i in inputs for s, _ in i.routes}
        self._frames = dict.fromkeys(self.speakers, 0)
        self._closed = False
        self._started_at = 0.0

    @property
    def dropped_blocks(self) -> int:
        return sum(self._dropped)

    def pending_blocks(self) -> int:
        """Blocks captured but not yet read (the reader's backlog)."""
        return self._queue.qsize()

    def _callback(self, index: int) -> Any:
        put = self._queue.put_nowait
        dropped = self._dropped

        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            if status.input_overflow:
                dropped[index] += 1
            try:
                put((index, indata.copy(), time.time()))
            except queue.Full:
                dropped[index] += 1

        return callback

    def _finished(self, index: int) -> Any:
        def finished() -> None:
            self.inputs[index].finished = True

        return finished

    def open_streams(self) -> None:
        sd = _sounddevice()
        for n, inp in enumerate(self.inputs):
            try:
                inp.stream = sd.InputStream(
                    device=inp.device.index,
                    channels=inp.channels,
                    samplerate=inp.rate,
                    blocksize=max(1, inp.rate * self.block_ms // 1000),
                    dtype="float32",
                    callback=self._callback(n),
                    finished_callback=self._finished(n),
                )
            except (sd.PortAudioError, ValueError) as exc:
                self.close()
                raise AudioError(
                    f"cannot open input device {inp.device.name!r} "
                    f"({inp.channels} ch at {inp.rate} Hz): {exc}"
                ) from None

    def start(self) -> float:
        sd = _sounddevice()
        self._started_at = time.time()
        for inp in self.inputs:
            inp.last_block = time.monotonic()
            try:
                inp.stream.start()
            except sd.PortAudioError as exc:
                self.close()
                raise AudioError(f"cannot start input device {inp.device.name!r}: {exc}") from None
        return self._started_at

    def read(self, timeout: float) -> list[AudioChunk] | None:
        if self._closed:
            return None
        try:
            items = [self._queue.get(timeout=max(timeout, 0.0))]
        except queue.Empty:
            self._check_alive()
            return []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        chunks: list[AudioChunk] = []
        now = time.monotonic()
        for index, block, t_wall in items:
            inp = self.inputs[index]
            inp.last_block = now
            for speaker, channel in inp.routes:
                samples = self._resamplers[speaker].push(block[:, channel])
                if len(samples):
                    t0 = self._frames[speaker] / SAMPLE_RATE
                    self._frames[speaker] += len(samples)
                    chunks.append(AudioChunk(speaker, samples, t0, t_wall))
        self._check_alive()
        return chunks

    def _check_alive(self) -> None:
        now = time.monotonic()
        for inp in self.inputs:
            stream = inp.stream
            stalled = now - inp.last_block > STALL_S
            if inp.finished or stalled or (stream is not None and not stream.active):
                why = "stream stopped" if inp.finished else f"no audio for {STALL_S:.0f} s"
                raise AudioError(
                    f"input device {inp.device.name!r} stopped delivering audio ({why}; "
                    "unplugged or taken by another program?)"
                )

    def close(self) -> None:
        self._closed = True
        for inp in self.inputs:
            stream, inp.stream = inp.stream, None
            if stream is None:
                continue
            try:
                stream.abort(ignore_errors=True)
                stream.close(ignore_errors=True)
            except Exception:  # already gone with the device
                pass


def _device_rate(audio_cfg: Any, device: DeviceInfo) -> int:
    return int(audio_cfg.sample_rate or device.default_rate or 48_000)


def open_live(
    audio_cfg: Any, device: int | str | None = None, customer_device: int | str | None = None
) -> LiveSource:
    """Open (not start) capture: one device with two channels, or one device per side."""
    devices = list_input_devices()
    if not devices:
        raise AudioError(NO_DEVICES)
    agent_spec = audio_cfg.device if device in (None, "") else device
    customer_spec = audio_cfg.customer_device if customer_device in (None, "") else customer_device
    agent_dev = find_device(agent_spec, devices)
    if customer_spec in (None, ""):
        need = max(audio_cfg.agent_channel, audio_cfg.customer_channel)
        if agent_dev.input_channels < need:
            raise AudioError(
                f"input device {agent_dev.name!r} has {agent_dev.input_channels} input "
                f"channel(s) but [audio] agent_channel = {audio_cfg.agent_channel} and "
                f"customer_channel = {audio_cfg.customer_channel}; set those, or set "
                "[audio] customer_device (--customer-device) for a second device"
            )
        routes: list[tuple[Speaker, int]] = [
            ("agent", audio_cfg.agent_channel - 1),
            ("customer", audio_cfg.customer_channel - 1),
        ]
        inputs = [_Input(agent_dev, _device_rate(audio_cfg, agent_dev), need, routes)]
    else:
        customer_dev = find_device(customer_spec, devices)
        inputs = []
        for speaker, dev, key in (
            ("agent", agent_dev, "agent_channel"),
            ("customer", customer_dev, "customer_channel"),
        ):
            channel = getattr(audio_cfg, key)
            channel = channel if channel <= dev.input_channels else 1
            rate = _device_rate(audio_cfg, dev)
            inputs.append(_Input(dev, rate, channel, [(speaker, channel - 1)]))
    source = LiveSource(inputs, audio_cfg.block_ms, audio_cfg.queue_blocks)
    source.open_streams()
    return source
