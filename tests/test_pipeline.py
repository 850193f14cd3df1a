"""Pipeline control flow with a stand-in transcriber (the real model is in test_engine.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import AUDIO_DIR

from monitor.asr import Transcript
from monitor.audio import open_recording
from monitor.config import Config
from monitor.pipeline import Pipeline, percentile
from monitor.types import (
    ErrorEvent,
    Event,
    LevelEvent,
    MarkEvent,
    SegmentEvent,
    StartEvent,
    SummaryEvent,
)


@dataclass
class EchoTranscriber:
    """Says how many seconds of audio it was given; can be told to fail."""

    name: str = "echo"
    fail: bool = False
    calls: int = 0

    def transcribe(
        self, samples: np.ndarray, biased: bool = False, partial: bool = False
    ) -> Transcript:
        self.calls += 1
        if self.fail:
            raise RuntimeError("decoder exploded")
        return Transcript(f"{len(samples) / 16000:.1f} seconds", -0.1, 0.01, 1.0, 10.0, 0.0)

    def is_speech_text(
        self, transcript: Transcript, duration: float, partial: bool = False
    ) -> bool:
        return True


def run(speed: float = 0, **kwargs) -> tuple[list[Event], Pipeline]:
    events: list[Event] = []
    config = Config()
    source = open_recording(AUDIO_DIR / "tts-inbound-hostile.wav", config.audio, speed)
    transcriber = kwargs.pop("t", EchoTranscriber())
    pipeline = Pipeline(config, source, events.append, transcriber=transcriber, **kwargs)
    return events, pipeline


def test_events_come_in_order_start_first_summary_last() -> None:
    events, pipeline = run(partials=True)
    pipeline.run()
    assert isinstance(events[0], StartEvent)
    assert isinstance(events[-1], SummaryEvent)
    segments = [e.segment for e in events if isinstance(e, SegmentEvent)]
    finals = [s for s in segments if s.final]
    assert [s.speaker for s in finals] == ["agent", "customer"] * 4
    assert all(a.end <= b.end for a, b in itertools.pairwise(finals))
    # every partial comes before the final of its utterance
    for final in finals:
        position = segments.index(final)
        assert all(
            segments.index(p) < position
            for p in segments
            if not p.final and p.utterance_id == final.utterance_id
        )
    assert events[-1].finals == 8
    assert events[-1].interrupted is False
    assert any(isinstance(e, LevelEvent) for e in events)


def test_partials_off_gives_only_finals() -> None:
    events, pipeline = run(partials=False)
    pipeline.run()
    segments = [e.segment for e in events if isinstance(e, SegmentEvent)]
    assert segments and all(s.final for s in segments)


def test_stop_ends_the_call_with_an_interrupted_summary() -> None:
    events: list[Event] = []
    config = Config()
    source = open_recording(AUDIO_DIR / "tts-inbound-hostile.wav", config.audio, 4.0)

    def stop_after_first_final(event: Event) -> None:
        events.append(event)
        if isinstance(event, SegmentEvent) and event.segment.final:
            pipeline.stop()

    pipeline = Pipeline(config, source, stop_after_first_final, transcriber=EchoTranscriber())
    pipeline.start()
    summary = pipeline.join(60)
    assert summary is not None and summary.interrupted
    assert summary.duration < 20
    assert events[-1] is summary


def test_mark_is_emitted_at_call_time() -> None:
    events, pipeline = run(speed=4.0)
    pipeline.start()
    pipeline.mark("customer asked for a manager")
    pipeline.join(60)
    marks = [e for e in events if isinstance(e, MarkEvent)]
    assert [m.note for m in marks] == ["customer asked for a manager"]


def test_paused_audio_is_not_transcribed() -> None:
    events, pipeline = run()
    pipeline.pause()
    pipeline.run()
    assert not [e for e in events if isinstance(e, SegmentEvent)]
    assert events[-1].duration == pytest.approx(40.5, abs=0.1)


def test_an_engine_failure_is_reported_and_still_summarised() -> None:
    events, pipeline = run(t=EchoTranscriber(fail=True))
    pipeline.run()
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert errors and errors[0].fatal and "decoder exploded" in errors[0].message
    assert isinstance(events[-1], SummaryEvent) and events[-1].interrupted


def test_a_broken_sink_does_not_stop_the_call() -> None:
    seen: list[Event] = []

    def flaky(event: Event) -> None:
        seen.append(event)
        if isinstance(event, StartEvent):
            raise ValueError("UI went away")

    config = Config()
    source = open_recording(AUDIO_DIR / "jfk.wav", config.audio, 0)
    Pipeline(config, source, flaky, transcriber=EchoTranscriber()).run()
    assert isinstance(seen[-1], SummaryEvent) and not seen[-1].interrupted


def test_percentile() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 95) == pytest.approx(95.0)
