"""Streaming VAD segmentation on synthetic signals and real speech (no Whisper here)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from conftest import AUDIO_DIR

from monitor.config import AsrConfig, VadConfig
from monitor.segmenter import FRAME, Segmenter, SileroVad
from monitor.types import SAMPLE_RATE, AudioChunk, Utterance


def feed(samples: np.ndarray, block: int = 512, **kwargs) -> list[Utterance]:
    segmenter = Segmenter("agent", kwargs.pop("vad", VadConfig()), kwargs.pop("asr", AsrConfig()))
    out: list[Utterance] = []
    for start in range(0, len(samples), block):
        chunk = AudioChunk("agent", samples[start : start + block], start / SAMPLE_RATE, 0.0)
        out.extend(segmenter.push(chunk))
    out.extend(segmenter.flush(0.0))
    return out


def finals(utterances: list[Utterance]) -> list[Utterance]:
    return [u for u in utterances if u.final]


@pytest.fixture(scope="module")
def jfk() -> np.ndarray:
    samples, rate = sf.read(AUDIO_DIR / "jfk.wav", dtype="float32")
    assert rate == SAMPLE_RATE
    return samples


def test_silence_gives_nothing() -> None:
    assert feed(np.zeros(SAMPLE_RATE * 30, dtype=np.float32)) == []


def test_low_noise_gives_nothing() -> None:
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(SAMPLE_RATE * 30) * 0.01).astype(np.float32)  # -40 dBFS
    assert feed(noise) == []


def test_steady_tones_give_nothing() -> None:
    t = np.arange(SAMPLE_RATE * 10) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1000 * t)).astype(
        np.float32
    )
    assert feed(tone) == []


def test_speech_becomes_final_utterances_with_partials(jfk: np.ndarray) -> None:
    out = feed(jfk)
    done = finals(out)
    assert done, "no final utterance for 11 s of speech"
    assert done[0].start == pytest.approx(0.3, abs=0.35)
    assert done[-1].end == pytest.approx(10.6, abs=0.4)
    partials = [u for u in out if not u.final]
    assert partials, "no partial while speech goes on"
    first = partials[0]
    assert first.end - first.start >= AsrConfig().first_partial_s - 0.05
    # partials of one utterance share its id, and the final closes it
    assert {p.utterance_id for p in partials} <= {u.utterance_id for u in done}


def test_chunk_size_does_not_change_the_result(jfk: np.ndarray) -> None:
    a = [(u.start, u.end) for u in finals(feed(jfk, block=512))]
    b = [(u.start, u.end) for u in finals(feed(jfk, block=1234))]
    c = [(u.start, u.end) for u in finals(feed(jfk, block=16000))]
    assert a == b == c


def test_streaming_vad_equals_offline_vad(jfk: np.ndarray) -> None:
    frames = jfk[: len(jfk) // FRAME * FRAME].reshape(-1, FRAME)
    whole = SileroVad()(frames)
    streamed = SileroVad()
    parts = np.concatenate([streamed(frames[i : i + 7]) for i in range(0, len(frames), 7)])
    np.testing.assert_allclose(parts, whole, atol=1e-5)


def test_pause_longer_than_end_silence_splits_turns(jfk: np.ndarray) -> None:
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    out = finals(feed(np.concatenate([jfk[: SAMPLE_RATE * 3], gap, jfk[: SAMPLE_RATE * 3]])))
    assert len(out) >= 2
    assert out[-1].start > 3.5


def test_long_monologue_is_cut_at_max_utterance(jfk: np.ndarray) -> None:
    speech = np.concatenate([jfk[int(0.3 * SAMPLE_RATE) : int(10.5 * SAMPLE_RATE)]] * 3)
    vad = VadConfig(max_utterance_s=4.0, end_silence_ms=2000)
    out = finals(feed(speech, vad=vad))
    assert all(u.end - u.start <= 4.0 + 0.05 for u in out)
    assert len(out) >= 5


def test_no_partials_when_disabled(jfk: np.ndarray) -> None:
    out = feed(jfk, asr=AsrConfig(partials=False))
    assert out and all(u.final for u in out)


def test_partial_soon_brings_the_next_partial_forward(jfk: np.ndarray) -> None:
    segmenter = Segmenter("agent", VadConfig(), AsrConfig(partial_interval_s=2.0))
    partial_ends: list[float] = []
    for start in range(0, SAMPLE_RATE * 3, 512):
        chunk = AudioChunk("agent", jfk[start : start + 512], start / SAMPLE_RATE, 0.0)
        for utt in segmenter.push(chunk):
            if not utt.final:
                partial_ends.append(utt.end)
                segmenter.partial_soon(0.25)  # as when the text was not trustworthy yet
    gaps = np.diff(partial_ends)
    assert len(partial_ends) >= 3
    assert gaps.max() < 1.0  # not the 2 s interval
