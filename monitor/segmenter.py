"""Streaming voice-activity segmentation: audio chunks in, utterances out, per speaker.

Silero VAD (the ONNX model that faster-whisper ships) runs on 32 ms frames with its
recurrent state carried across chunks, so a stream gives exactly the probabilities an
offline pass would. An utterance starts when a frame reaches ``vad.threshold``, ends
after ``vad.end_silence_ms`` below ``vad.neg_threshold``, and is cut at
``vad.max_utterance_s``. While speech goes on the segmenter hands out a partial
utterance (audio so far) after ``asr.first_partial_s`` and then every
``asr.partial_interval_s``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from monitor.config import AsrConfig, VadConfig
from monitor.types import SAMPLE_RATE, AudioChunk, Speaker, Utterance

FRAME = 512  # samples per VAD frame (32 ms at 16 kHz)
CONTEXT = 64  # samples of the previous frame Silero v6 expects in front of each frame
FRAME_S = FRAME / SAMPLE_RATE


@lru_cache(maxsize=1)
def _vad_session():
    from faster_whisper.vad import get_vad_model

    return get_vad_model().session


class SileroVad:
    """Silero VAD with its state kept between calls (one instance per speaker)."""

    def __init__(self) -> None:
        self.session = _vad_session()
        self.reset()

    def reset(self) -> None:
        self.h = np.zeros((1, 1, 128), dtype=np.float32)
        self.c = np.zeros((1, 1, 128), dtype=np.float32)
        self.context = np.zeros(CONTEXT, dtype=np.float32)

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """Speech probability for each row of ``frames`` (shape ``(n, 512)``)."""
        contexts = np.vstack([self.context[None, :], frames[:-1, -CONTEXT:]])
        batch = np.hstack([contexts, frames]).astype(np.float32, copy=False)
        probs, self.h, self.c = self.session.run(None, {"input": batch, "h": self.h, "c": self.c})
        self.context = frames[-1, -CONTEXT:].copy()
        return np.asarray(probs, dtype=np.float32).reshape(-1)


@dataclass
class _Speech:
    """The utterance in progress."""

    start: float  # audio time of the first speech frame (before padding)
    last_speech_end: float
    last_speech_wall: float
    silence_s: float = 0.0
    next_partial_at: float = 0.0  # speech seconds at which the next partial is due
    frames: list[np.ndarray] = field(default_factory=list)


class Segmenter:
    """Turns one speaker's audio chunks into partial and final utterances."""

    def __init__(
        self,
        speaker: Speaker,
        vad: VadConfig,
        asr: AsrConfig,
        ids: Iterator[int] | None = None,
        partials: bool = True,
    ) -> None:
        self.speaker = speaker
        self.vad_cfg = vad
        self.asr_cfg = asr
        self.partials = partials and asr.partials
        self.ids = ids if ids is not None else itertools.count()
        self.model = SileroVad()
        # Receives (first sample, frames, speech probabilities) of every frame read: the
        # settle pass reuses them instead of running the VAD a second time.
        self.on_frames: Callable[[int, np.ndarray, np.ndarray], None] | None = None
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_start = 0  # sample index of the first pending sample
        self._pending_wall = 0.0
        pad_frames = max(1, round(vad.speech_pad_ms / 1000 / FRAME_S))
        self._history: deque[np.ndarray] = deque(maxlen=pad_frames)
        self._speech: _Speech | None = None
        self._utterance_id: int | None = None

    # ---- public ----

    def push(self, chunk: AudioChunk) -> list[Utterance]:
        """Feed a chunk; returns finals (and at most one partial) that became ready."""
        if len(self._pending) == 0:
            self._pending_start = round(chunk.t0 * SAMPLE_RATE)
        self._pending = np.concatenate(
            [self._pending, chunk.samples.astype(np.float32, copy=False)]
        )
        self._pending_wall = chunk.t_wall
        n = len(self._pending) // FRAME
        if n == 0:
            return []
        frames = self._pending[: n * FRAME].reshape(n, FRAME)
        first = self._pending_start
        self._pending = self._pending[n * FRAME :]
        self._pending_start = first + n * FRAME
        probs = self.model(frames)
        if self.on_frames is not None:
            self.on_frames(first, frames, probs)
        out: list[Utterance] = []
        partial: Utterance | None = None
        for i, prob in enumerate(probs):
            t = (first + i * FRAME) / SAMPLE_RATE
            ready = self._step(frames[i], float(prob), t, chunk.t_wall)
            for utt in ready:
                if utt.final:
                    out.append(utt)
                    partial = None
                else:
                    partial = utt
        if partial is not None:
            out.append(partial)
        return out

    def flush(self, t_wall: float) -> list[Utterance]:
        """End of audio: close the utterance in progress, if any."""
        if self._speech is None:
            return []
        utt = self._finish(t_wall)
        return [utt] if utt else []

    def reset(self) -> None:
        self.model.reset()
        self._pending = np.zeros(0, dtype=np.float32)
        self._history.clear()
        self._speech = None
        self._utterance_id = None

    def partial_soon(self, after_s: float) -> None:
        """Bring the next partial of the utterance in progress forward to ``after_s`` from now."""
        speech = self._speech
        if speech is not None:
            duration = speech.last_speech_end - speech.start
            speech.next_partial_at = min(speech.next_partial_at, duration + after_s)

    @property
    def speaking(self) -> bool:
        return self._speech is not None

    # ---- internals ----

    def _step(self, frame: np.ndarray, prob: float, t: float, wall: float) -> list[Utterance]:
        cfg = self.vad_cfg
        speech = self._speech
        if speech is None:
            if prob >= cfg.threshold:
                self._speech = _Speech(
                    start=t,
                    last_speech_end=t + FRAME_S,
                    last_speech_wall=wall,
                    next_partial_at=self.asr_cfg.first_partial_s,
                    frames=[*self._history, frame],
                )
                self._history.clear()
            else:
                self._history.append(frame)
            return []

        speech.frames.append(frame)
        if prob >= cfg.neg_threshold:
            speech.last_speech_end = t + FRAME_S
            speech.last_speech_wall = wall
            speech.silence_s = 0.0
        else:
            speech.silence_s += FRAME_S
        ready: list[Utterance] = []
        if speech.silence_s * 1000 >= cfg.end_silence_ms:
            utt = self._finish(wall)
            if utt:
                ready.append(utt)
            return ready
        duration = speech.last_speech_end - speech.start
        if t + FRAME_S - speech.start >= cfg.max_utterance_s:
            utt = self._finish(wall, cut=True)
            if utt:
                ready.append(utt)
            return ready
        if self.partials and duration >= speech.next_partial_at and speech.silence_s == 0.0:
            speech.next_partial_at = duration + self.asr_cfg.partial_interval_s
            ready.append(self._utterance(final=False, wall=wall))
        return ready

    def _utterance(self, final: bool, wall: float) -> Utterance:
        speech = self._speech
        assert speech is not None
        if self._utterance_id is None:
            self._utterance_id = next(self.ids)
        # Lead-in padding plus the trailing silence that ended the utterance: Whisper
        # garbles a last word that ends exactly at the edge of its input.
        samples = np.concatenate(speech.frames)
        return Utterance(
            speaker=self.speaker,
            utterance_id=self._utterance_id,
            start=speech.start,
            end=speech.last_speech_end,
            samples=samples,
            final=final,
            t_wall_end=speech.last_speech_wall if final else wall,
        )

    def _finish(self, wall: float, cut: bool = False) -> Utterance | None:
        speech = self._speech
        assert speech is not None
        duration = speech.last_speech_end - speech.start
        long_enough = duration * 1000 >= self.vad_cfg.min_speech_ms
        utt = self._utterance(final=True, wall=wall) if long_enough or cut else None
        if not long_enough and self._utterance_id is not None:
            # A blip that already produced a partial: close it with empty audio text.
            utt = self._utterance(final=True, wall=wall)
        self._speech = None
        self._utterance_id = None
        if cut:
            # Speech goes on: the next utterance starts right away, with a little overlap.
            tail = speech.frames[-self._history.maxlen :] if self._history.maxlen else []
            self._history.extend(tail)
        return utt
