"""The settle pass: faster-whisper's offline VAD chunks from streamed probabilities, and
settled words put back on the live utterances they were said in."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import AUDIO_DIR
from faster_whisper.vad import VadOptions, get_speech_timestamps

from monitor.config import load_config
from monitor.segmenter import Segmenter
from monitor.settle import SettledText, Settler, SpeechChunker, _Line
from monitor.types import AudioChunk, Segment

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "channel"), [("aws-auto-repairs-40", 0), ("aws-auto-repairs-40", 1)]
)
def test_streamed_chunks_are_faster_whispers_offline_chunks(name: str, channel: int) -> None:
    """Fed the segmenter's probabilities 100 ms at a time, the chunker returns exactly the
    padded speech chunks ``get_speech_timestamps`` finds on the whole file."""
    audio, _ = sf.read(AUDIO_DIR / f"{name}.wav", dtype="float32", always_2d=True)
    samples = audio[:, channel]
    config = load_config(ROOT / "config.toml")
    segmenter = Segmenter("agent", config.vad, config.asr, itertools.count(), partials=False)
    chunker = SpeechChunker()  # the offline options: 300 ms of silence ends a chunk
    streamed: list[tuple[int, int]] = []
    segmenter.on_frames = lambda first, _frames, probs: streamed.extend(chunker.push(first, probs))
    for at in range(0, len(samples), 1600):
        segmenter.push(AudioChunk("agent", samples[at : at + 1600], at / 16_000, 0.0))
    streamed += chunker.finish()
    offline = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300))
    expected = [(c["start"], c["end"]) for c in offline]
    assert len(expected) > 5
    # the very last chunk may end a few samples apart (offline pads the file to 512)
    assert streamed[:-1] == expected[:-1]
    assert streamed[-1][0] == expected[-1][0]
    assert abs(streamed[-1][1] - expected[-1][1]) < 512


def test_chunker_splits_a_short_gap_and_pads_a_long_one() -> None:
    rules = VadOptions(min_silence_duration_ms=300, speech_pad_ms=400)
    chunker = SpeechChunker(rules)
    frame = SpeechChunker.FRAME
    # speech 1.0-2.0 s, silence 0.6 s (< 2 x pad: shared), speech 2.6-3.0 s, then 2 s silence
    probs = np.zeros(200, np.float32)
    for a, b in ((1.0, 2.0), (2.6, 3.0)):
        probs[int(a * 16_000 / frame) : int(b * 16_000 / frame)] = 0.9
    chunks = chunker.push(0, probs)
    assert len(chunks) == 2
    (s1, e1), (s2, e2) = chunks
    assert s1 == int(1.0 * 16_000 / frame) * frame - 6400  # 400 ms of padding before
    assert e1 == s2  # the short gap is shared, nothing is lost or doubled
    assert e2 - int(3.0 * 16_000 / frame) * frame == 6400  # full padding after
    assert chunker.finish() == []


class _KeepAll:
    """Stands in for the Transcriber's text filter: everything is speech."""

    @staticmethod
    def is_speech_text(transcript, duration: float, partial: bool = False) -> bool:
        return transcript.text.strip() not in ("", "Thank you.")


def _settler(lines: list[Segment]) -> Settler:
    settler = Settler(_KeepAll(), passes={})
    for segment in lines:
        settler.live_final(segment, t_wall_end=100.0)
    return settler


def _piece(words: list[tuple[float, float, str]], speaker: str = "agent") -> SettledText:
    text = "".join(w for _, _, w in words).strip()
    return SettledText(speaker, words[0][0], words[-1][1], text, -0.2, 0.01, 1.2, tuple(words))


def test_settled_words_go_back_to_the_utterances_they_were_said_in() -> None:
    """One settled segment across two live lines is split by word times; a word whose time
    is a little off cannot jump back before the previous word's line; a continuation of
    a word stays on its line; unchanged text is not re-sent."""
    settler = _settler(
        [
            Segment("agent", 1, 0.5, 3.0, "thank you for coling acme", True),
            Segment("agent", 4, 3.6, 6.0, "how can i help", True),
            Segment("customer", 2, 3.1, 3.5, "hi", True),
        ]
    )
    piece = _piece(
        [
            (0.6, 0.9, " Thank"), (0.9, 1.1, " you"), (1.1, 1.3, " for"),
            (1.3, 1.8, " calling"), (1.9, 2.6, " Acme."), (3.7, 4.0, " How"),
            (3.5, 3.6, " can"),  # timed before its neighbour: stays on line 4
            (4.3, 4.5, " I"), (4.5, 5.0, " help"), (5.0, 5.3, " you"), (5.3, 5.4, "?"),
        ]
    )  # fmt: skip
    revised = settler.revisions([piece], itertools.count(10))
    assert [(s.utterance_id, s.text, s.revised) for s in revised] == [
        (1, "Thank you for calling Acme.", True),
        (4, "How can I help you?", True),
    ]
    assert settler.revisions([], itertools.count(10)) == []  # nothing changed since


def test_speech_only_the_settle_pass_heard_becomes_a_new_utterance() -> None:
    settler = _settler([Segment("customer", 1, 0.5, 2.0, "hello", True)])
    revised = settler.revisions(
        [_piece([(0.6, 1.0, " Hello,"), (1.0, 1.5, " hi.")], "customer"),
         _piece([(9.0, 9.4, " Sorry,"), (9.4, 9.9, " what?")], "customer")],
        itertools.count(50),
    )  # fmt: skip
    assert [(s.utterance_id, s.text) for s in revised] == [(1, "Hello, hi."), (50, "Sorry, what?")]
    assert (revised[1].start, revised[1].end) == (9.0, 9.9)


def test_hallucinated_segments_do_not_replace_live_text() -> None:
    settler = _settler([Segment("agent", 1, 0.5, 2.0, "okay", True)])
    assert settler.revisions([_piece([(0.6, 1.5, " Thank you.")])], itertools.count(9)) == []
    assert isinstance(settler._lines[1], _Line) and settler._lines[1].text == "okay"
