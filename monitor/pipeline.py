"""The engine: one worker thread from audio source to events.

    source.read() → Segmenter per speaker → Transcriber → CallJudge → on_event(...)

Finals are transcribed before partials, and a partial is skipped when audio is
waiting, so the engine never falls behind to polish text that is about to be replaced.
Every event goes to ``on_event`` in order, from the worker thread.
"""

from __future__ import annotations

import itertools
import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np

from monitor.audio import AudioSource, measure_level
from monitor.config import Config
from monitor.errors import CallmonError
from monitor.segmenter import Segmenter
from monitor.settle import SettledText, Settler
from monitor.types import (
    AudioChunk,
    ErrorEvent,
    Event,
    FlagEvent,
    LevelEvent,
    MarkEvent,
    Segment,
    SegmentEvent,
    Speaker,
    StartEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
    Utterance,
)

log = logging.getLogger(__name__)
PARTIAL_MAX_BACKLOG_S = 0.1  # skip partial text while more audio than this waits to be read
PARTIAL_RETRY_S = 0.15  # after a partial with no trustworthy text, the next one comes this soon


class TranscriberLike(Protocol):
    name: str

    def transcribe(self, samples: np.ndarray, biased: bool = False, partial: bool = False): ...
    def is_speech_text(self, transcript, duration: float, partial: bool = False) -> bool: ...


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class Pipeline:
    """Runs one call: ``start()`` in a thread or ``run()`` in the caller's."""

    def __init__(
        self,
        config: Config,
        source: AudioSource,
        on_event: Callable[[Event], None],
        transcriber: TranscriberLike | None = None,
        judge=None,
        on_audio: Callable[[AudioChunk], None] | None = None,
        partials: bool = True,
        model_name: str = "",
    ) -> None:
        self.config = config
        self.source = source
        self.on_event = on_event
        self.on_audio = on_audio
        self.judge = judge
        self._transcriber = transcriber
        self.model_name = model_name
        self.partials = partials
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._commands: deque[Callable[[], list[Event]]] = deque()
        self._thread: threading.Thread | None = None
        self.summary: SummaryEvent | None = None
        self.latencies: list[float] = []
        self.first_partial_delays: list[float] = []
        self.counts = {"finals": 0, "partials": 0, "revised": 0}
        self.settle_delays: list[float] = []
        self._call_time = 0.0
        self._t_wall0 = 0.0

    # ---- control (any thread) ----

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run_safely, name="callmon-pipeline", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> SummaryEvent | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.summary

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def mark(self, note: str = "") -> None:
        self._commands.append(lambda: [MarkEvent(at=round(self._call_time, 3), note=note)])

    def set_direction(self, direction: str) -> None:
        if self.judge is not None:
            self._commands.append(lambda: list(self.judge.set_direction(direction, "user")))

    def reload_config(self, config: Config) -> None:
        """Apply new rules (and thresholds) from a reloaded config to the running call."""

        def apply() -> list[Event]:
            self.config = config
            if self.judge is None or not hasattr(self.judge, "reload"):
                return []
            return list(self.judge.reload(config.rules, config.call))

        self._commands.append(apply)

    def steps(self) -> list[StepEvent]:
        return list(self.judge.steps()) if self.judge is not None else []

    def flags(self) -> list[FlagEvent]:
        return list(self.judge.flags()) if self.judge is not None else []

    # ---- worker ----

    def run(self) -> SummaryEvent:
        self._run_safely()
        assert self.summary is not None
        return self.summary

    def _run_safely(self) -> None:
        try:
            self._run()
        except CallmonError as exc:
            self._emit(ErrorEvent(message=str(exc), fatal=True))
            self._finish(interrupted=True)
        except Exception as exc:
            log.exception("pipeline crashed")
            self._emit(ErrorEvent(message=f"engine error: {exc!r}", fatal=True))
            self._finish(interrupted=True)
        finally:
            if getattr(self, "settler", None) is not None:
                self.settler.close()  # no decode may outlive the call (native teardown)
            self.source.close()

    def _emit(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("event sink failed on %s", type(event).__name__)

    def _emit_all(self, events) -> None:
        for event in events:
            self._emit(event)

    def _transcriber_or_load(self) -> TranscriberLike:
        if self._transcriber is None:
            from monitor.asr import Transcriber

            self._transcriber = Transcriber(self.config.asr, self.config.call)
        return self._transcriber

    def _run(self) -> None:
        started = time.perf_counter()
        self._cpu0 = time.process_time()
        transcriber = self._transcriber_or_load()
        ids = itertools.count()
        self._ids = ids
        self.segmenters = {
            speaker: Segmenter(speaker, self.config.vad, self.config.asr, ids, self.partials)
            for speaker in self.source.speakers
        }
        self.settler = self._make_settler(transcriber)
        self._t_wall0 = self.source.start()
        self.startup_s = time.perf_counter() - started
        self._emit(
            StartEvent(
                source=self.source.description,
                speakers=tuple(self.source.speakers),
                model=self.model_name or getattr(transcriber, "name", ""),
                t_wall=self._t_wall0,
                direction=self.config.call.direction,
                devices=tuple(self.source.devices),
            )
        )
        if self.judge is not None:
            self._emit_all(self.judge.start() if hasattr(self.judge, "start") else ())
        self._level_buffers: dict[Speaker, list[np.ndarray]] = {s: [] for s in self.source.speakers}
        self._next_level = 0.0
        self._next_stats = time.monotonic() + 1.0
        self._stats_cpu = (time.monotonic(), time.process_time())
        self._speech_started: dict[int, float] = {}
        partial_queue: dict[Speaker, Utterance] = {}
        while not self._stop.is_set():
            while self._commands:
                self._emit_all(self._commands.popleft()())
            chunks = self.source.read(0.05)
            if chunks is None:
                for seg in self.segmenters.values():
                    for utt in seg.flush(time.time()):
                        self._transcribe(transcriber, utt)
                break
            finals: list[Utterance] = []
            for chunk in chunks:
                self._call_time = max(self._call_time, chunk.t_end)
                if self._paused.is_set():
                    self.segmenters[chunk.speaker].reset()
                    if self.settler is not None:
                        self.settler.break_speech(chunk.speaker)
                    continue
                if self.on_audio is not None:
                    self.on_audio(chunk)
                self._level_buffers[chunk.speaker].append(chunk.samples)
                for utt in self.segmenters[chunk.speaker].push(chunk):
                    if utt.final:
                        partial_queue.pop(utt.speaker, None)
                        finals.append(utt)
                    else:
                        partial_queue[utt.speaker] = utt
            self._levels()
            for utt in sorted(finals, key=lambda u: u.end):
                self._transcribe(transcriber, utt)
            if partial_queue and not self._backlogged():
                for speaker in list(partial_queue):
                    self._transcribe(transcriber, partial_queue.pop(speaker))
            if self.settler is not None:
                self._apply_settled(self.settler.pump())
            self._stats()
        if self.settler is not None:
            self._apply_settled(self.settler.finish())
            if self.settler.failed is not None:
                self._emit(ErrorEvent(f"settle pass stopped: {self.settler.failed!r}"))
        self._finish(interrupted=self._stop.is_set())

    def _make_settler(self, transcriber: TranscriberLike) -> Settler | None:
        if not self.config.asr.settle or not hasattr(transcriber, "model"):
            return None  # off, or a stand-in transcriber without a Whisper model
        settler = Settler.for_call(transcriber, self.config, self.source.speakers)
        for speaker, segmenter in self.segmenters.items():
            segmenter.on_frames = settler.feeder(speaker)
        return settler

    def _apply_settled(self, settled: list[SettledText]) -> None:
        """Replace live finals with settled text (a ``revised`` final per changed utterance)."""
        segments = self.settler.revisions(settled, self._ids) if self.settler else []
        now = time.time()
        revised = []
        for segment in segments:
            delay = max(0.0, now - self.settler.t_wall_end(segment.utterance_id, now))
            segment = replace(segment, latency=round(delay, 4))
            self.settle_delays.append(delay)
            self.counts["revised"] += 1
            revised.append(segment)
            self._emit(SegmentEvent(segment))
        if revised and self.judge is not None:
            revise = getattr(self.judge, "revise", None)
            if revise is not None:
                self._emit_all(revise(revised))

    def _backlogged(self) -> bool:
        """Audio is waiting: read it first, a final may be in it (finals go before partials)."""
        pending = getattr(self.source, "pending_blocks", None)
        if pending is None:
            return False
        return pending() * self.config.audio.block_ms / 1000 > PARTIAL_MAX_BACKLOG_S

    def _transcribe(self, transcriber: TranscriberLike, utt: Utterance) -> None:
        duration = utt.end - utt.start
        if len(utt.samples) == 0:
            return
        # Names are said in the agent's opening; prompting with them later only hurts
        # (tiny.en then truncates or invents text: WER 0.167 -> 0.234 on the fixtures).
        biased = utt.speaker != "customer" and utt.start < self.config.asr.bias_window_s
        result = transcriber.transcribe(utt.samples, biased, partial=not utt.final)
        keep = transcriber.is_speech_text(result, duration, partial=not utt.final)
        if not keep and not utt.final:
            # Too little speech yet for words Whisper is sure of ("you", "Thank you."):
            # try again shortly instead of a whole partial interval later.
            self.segmenters[utt.speaker].partial_soon(PARTIAL_RETRY_S)
            return
        if not keep and utt.utterance_id not in self._speech_started:
            if utt.final and self.settler is not None:  # settled text may still land here
                self.settler.live_final(
                    Segment(utt.speaker, utt.utterance_id, utt.start, utt.end, "", True),
                    utt.t_wall_end,
                )
            return  # nothing was ever shown for it: stay silent
        latency = time.time() - utt.t_wall_end
        segment = Segment(
            speaker=utt.speaker,
            utterance_id=utt.utterance_id,
            start=round(utt.start, 3),
            end=round(utt.end, 3),
            text=result.text if keep else "",
            final=utt.final,
            avg_logprob=round(result.avg_logprob, 4),
            no_speech_prob=round(result.no_speech_prob, 4),
            latency=round(latency, 4),
        )
        if utt.final and self.settler is not None:
            self.settler.live_final(segment, utt.t_wall_end)
        if utt.final:
            self.counts["finals"] += 1
            self.latencies.append(latency)
            self._speech_started.pop(utt.utterance_id, None)
        else:
            self.counts["partials"] += 1
            if utt.utterance_id not in self._speech_started:
                self._speech_started[utt.utterance_id] = utt.start
                wall_per_second = self._wall_per_audio_second()
                if wall_per_second:
                    speech_start_wall = self._t_wall0 + utt.start * wall_per_second
                    self.first_partial_delays.append(time.time() - speech_start_wall)
        self._emit(SegmentEvent(segment))
        if self.judge is not None:
            self._emit_all(self.judge.feed(segment))

    def _wall_per_audio_second(self) -> float:
        speed = getattr(self.source, "speed", 1.0)
        return 1.0 / speed if speed else 0.0

    def _levels(self) -> None:
        if self._call_time < self._next_level:
            return
        self._next_level = self._call_time + self.config.audio.level_interval_s
        for speaker, blocks in self._level_buffers.items():
            if not blocks:
                continue
            rms, peak, clipped = measure_level(np.concatenate(blocks))
            blocks.clear()
            self._emit(
                LevelEvent(
                    speaker=speaker,
                    rms_dbfs=round(rms, 1),
                    peak_dbfs=round(peak, 1),
                    clipped=clipped,
                    at=round(self._call_time, 3),
                )
            )

    def _stats(self) -> None:
        now = time.monotonic()
        if now < self._next_stats:
            return
        self._next_stats = now + 1.0
        cpu = time.process_time()
        wall0, cpu0 = self._stats_cpu
        self._stats_cpu = (now, cpu)
        recent = self.latencies[-20:]
        self._emit(
            StatsEvent(
                at=round(self._call_time, 3),
                latency_p50=round(statistics.median(recent), 3) if recent else None,
                cpu_share=round((cpu - cpu0) / max(now - wall0, 1e-6), 3),
                dropped_blocks=self.source.dropped_blocks,
            )
        )

    def _finish(self, interrupted: bool) -> None:
        if self.summary is not None:
            return
        if self.judge is not None:
            self._emit_all(self.judge.finish(round(self._call_time, 3)))
        steps = {step.step_id: step.status for step in self.steps()}
        rounded = lambda v: None if v is None else round(v, 3)  # noqa: E731
        self.summary = SummaryEvent(
            duration=round(self._call_time, 3),
            segments=self.counts["finals"] + self.counts["partials"],
            finals=self.counts["finals"],
            partials=self.counts["partials"],
            latency_p50=rounded(percentile(self.latencies, 50)),
            latency_p95=rounded(percentile(self.latencies, 95)),
            first_partial_p50=rounded(percentile(self.first_partial_delays, 50)),
            cpu_seconds=round(time.process_time() - getattr(self, "_cpu0", time.process_time()), 3),
            dropped_blocks=self.source.dropped_blocks,
            startup_s=round(getattr(self, "startup_s", 0.0), 3),
            steps=steps,
            flags=len(self.flags()),
            interrupted=interrupted,
            revised=self.counts["revised"],
            settle_delay_p50=rounded(percentile(self.settle_delays, 50)),
        )
        self._emit(self.summary)
