"""The settle pass: each speaker's speech decoded again exactly as offline Whisper would.

Live text is decoded utterance by utterance so it can show 0.6 s after someone stops
talking; that loses the 30 s of context an offline pass has, and costs accuracy (WER
×1.8 of offline on the real call in ``bench/``). This pass runs beside it on the same
model and replays faster-whisper's own offline algorithm incrementally:

1. speech chunks from the Silero probabilities the segmenter already computed, with
   faster-whisper's rules (``VadOptions``: threshold, 300 ms of silence ends a chunk,
   400 ms of padding, split gaps shared);
2. the chunks joined into one stream of speech, as ``vad_filter=True`` does;
3. 30 s windows over that stream, each decoded once a full window is there, with the
   previous text as prompt, temperature fallback, and the seek moved to the last
   timestamp, as ``WhisperModel.generate_segments`` does.

A window's text comes out when 30 s of a speaker's speech has been heard after it
started (the rest at the end of the call), so it settles a call's text 30-60 s late at
about 0.07 CPU-s per second of call. The one departure from offline: the log-Mel floor
(offline: loudest frame of the whole file − 80 dB) uses the loudest frame heard so far.
"""

from __future__ import annotations

import bisect
import logging
import queue
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from monitor.types import SAMPLE_RATE, Speaker

if TYPE_CHECKING:  # faster-whisper is imported when a call starts, not with the engine
    from faster_whisper.vad import VadOptions

log = logging.getLogger(__name__)

HOP = 160  # samples per Mel frame (10 ms)
WINDOW_FRAMES = 3000  # Whisper's 30 s window
STFT_REACH = 400  # samples past a window's last frame that its STFT reads
MARGIN_FRAMES = 3  # frames of audio kept before a window, so its first frames see real audio
TIME_PRECISION = 0.02  # seconds per timestamp token


def offline_vad() -> VadOptions:
    """faster-whisper's VAD options, as the offline comparison in ``bench/`` uses them."""
    from faster_whisper.vad import VadOptions

    return VadOptions(min_silence_duration_ms=300)


@dataclass(frozen=True, slots=True)
class SettledText:
    """One segment of settled text, in call time."""

    speaker: Speaker
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    words: tuple[tuple[float, float, str], ...] = ()  # (start, end, word with its space)


class SpeechChunker:
    """``faster_whisper.vad.get_speech_timestamps``, one frame at a time, for its options
    ``threshold``, ``neg_threshold``, ``min_silence_duration_ms`` and ``speech_pad_ms``
    (speech is never cut at a maximum length and no chunk is too short, as offline's
    defaults have it).

    ``push`` takes 512-sample frames with their speech probabilities and returns the
    padded chunks ``(start_sample, end_sample)`` whose bounds can no longer change.
    """

    FRAME = 512

    def __init__(self, options: VadOptions | None = None) -> None:
        options = options or offline_vad()
        self.threshold = options.threshold
        self.neg_threshold = (
            options.neg_threshold
            if options.neg_threshold is not None
            else max(options.threshold - 0.15, 0.01)  # faster-whisper's default
        )
        self.pad = options.speech_pad_ms * SAMPLE_RATE // 1000
        self.min_silence = options.min_silence_duration_ms * SAMPLE_RATE / 1000
        self._triggered = False
        self._temp_end = 0
        self._open: int | None = None  # raw end of speech whose padded end is undecided
        self._open_start = 0  # its padded start
        self._prev_padded_end = 0
        self._next_start = 0  # padded start of the speech in progress
        self._position = 0  # samples seen

    def push(self, first_sample: int, probs: np.ndarray) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for i, prob in enumerate(probs):
            sample = first_sample + i * self.FRAME
            self._position = sample + self.FRAME
            if prob >= self.threshold and self._temp_end:
                self._temp_end = 0
            if prob >= self.threshold and not self._triggered:
                self._triggered = True
                out += self._speech_started(sample)
                continue
            if prob < self.neg_threshold and self._triggered:
                if not self._temp_end:
                    self._temp_end = sample
                if sample - self._temp_end >= self.min_silence:
                    self._speech_ended(self._temp_end)
                    self._triggered = False
                    self._temp_end = 0
            out += self._silence_until(sample)
        return out

    def finish(self) -> list[tuple[int, int]]:
        """End of audio: speech in progress ends here; the last chunk is padded to here."""
        out: list[tuple[int, int]] = []
        if self._triggered:
            self._speech_ended(self._position)
            self._triggered = False
        if self._open is not None:
            out.append((self._open_start, min(self._position, self._open + self.pad)))
            self._prev_padded_end = out[-1][1]
            self._open = None
        return out

    def _speech_started(self, start: int) -> list[tuple[int, int]]:
        if self._open is None:
            self._next_start = max(self._prev_padded_end, start - self.pad)
            return []
        prev_end = self._open
        gap = start - prev_end
        if gap < 2 * self.pad:
            padded_end = prev_end + gap // 2
            self._next_start = max(0, start - gap // 2)
        else:
            padded_end = prev_end + self.pad
            self._next_start = max(0, start - self.pad)
        chunk = (self._open_start, padded_end)
        self._open = None
        self._prev_padded_end = padded_end
        return [chunk]

    def _speech_ended(self, end: int) -> None:
        self._open = end
        self._open_start = self._next_start

    def _silence_until(self, sample: int) -> list[tuple[int, int]]:
        """A chunk whose next speech cannot come within 2 × pad gets its full padding."""
        if self._open is None or self._triggered:
            return []
        end = self._open
        if sample + self.FRAME - end < 2 * self.pad:
            return []
        chunk = (self._open_start, end + self.pad)
        self._prev_padded_end = chunk[1]
        self._open = None
        return [chunk]

    @property
    def earliest_needed(self) -> int:
        """The first channel sample a chunk not yet returned may still start at."""
        if self._open is not None:
            return self._open_start
        if self._triggered:
            return self._next_start
        return max(0, self._prev_padded_end, self._position - self.pad - self.FRAME)


@dataclass
class _Joined:
    """The speaker's speech joined into one stream, and where each piece came from."""

    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    offset: int = 0  # joined-stream sample index of ``audio[0]``
    total: int = 0  # samples joined so far
    ends: list[int] = field(default_factory=list)  # joined-stream end of each chunk
    silence_before: list[int] = field(default_factory=list)  # channel samples skipped before it

    def channel_time(self, t: float, is_end: bool = False) -> float:
        """faster-whisper's ``SpeechTimestampsMap``: joined-stream seconds → call seconds."""
        sample = int(t * SAMPLE_RATE)
        if is_end and sample in self.ends:
            index = self.ends.index(sample)
        else:
            index = min(bisect.bisect(self.ends, sample), len(self.ends) - 1)
        return round(t + self.silence_before[index] / SAMPLE_RATE, 2)


class SettlePass:
    """One speaker's settle pass (engine thread only). ``push`` frames as the segmenter
    reads them; while ``due``, ``next_window`` gives a window to decode and ``settle``
    takes its result; at the end of the call ``break_speech`` and decode while ``left``."""

    def __init__(
        self, speaker: Speaker, decoder: WindowDecoder, options: VadOptions | None = None
    ) -> None:
        self.speaker = speaker
        self.decoder = decoder
        self.chunker = SpeechChunker(options)
        self._channel = np.zeros(0, np.float32)
        self._channel_start = 0  # channel sample index of ``_channel[0]``
        self._joined = _Joined()
        self._skipped = 0  # channel samples left out of the joined stream so far
        self._last_chunk_end = 0
        self._loudest = -np.inf  # highest log10 Mel energy heard so far
        self._mel_next = 0  # the next joined-stream frame to take into ``_loudest``
        self._seek = 0  # in frames of the joined stream
        # faster-whisper's ``initial_prompt``: the first context, until later text pushes it out
        self._tokens: list[int] = decoder.initial_tokens(speaker)
        self._prompt_from = 0
        self.in_flight = False  # a window of this pass is being decoded

    # ---- input ----

    def push(self, first_sample: int, frames: np.ndarray, probs: np.ndarray) -> None:
        """Frames (``(n, 512)`` from channel sample ``first_sample``) and their probabilities."""
        if len(self._channel) == 0:
            self._channel_start = first_sample
        gap = first_sample - (self._channel_start + len(self._channel))
        if gap > 0:  # paused or skipped audio: it is silence to the pass
            self._channel = np.concatenate([self._channel, np.zeros(gap, np.float32)])
        self._channel = np.concatenate([self._channel, frames.reshape(-1)])
        for chunk in self.chunker.push(first_sample, probs):
            self._join(*chunk)
        self._trim_channel()

    def break_speech(self) -> None:
        """The audio stops here for a while (pause, end of call): close the speech in
        progress; its last frames count for the loudest frame as offline's do."""
        for chunk in self.chunker.finish():
            self._join(*chunk)
        self._update_loudest(final=True)
        self._trim_channel()

    # ---- output ----

    @property
    def due(self) -> bool:
        """A full 30 s window of joined speech waits, and no window is being decoded."""
        end = (self._seek + WINDOW_FRAMES) * HOP + STFT_REACH
        return not self.in_flight and self._joined.total >= end

    @property
    def left(self) -> bool:
        """Joined speech not decoded yet (all of it is decoded at the end of the call)."""
        return self._joined.total // HOP - self._seek > 0

    @property
    def settled_until(self) -> float:
        """Call time up to which this speaker's text is settled."""
        if self._joined.total == 0 or self._seek == 0:
            return 0.0
        return self._joined.channel_time(self._seek * HOP / SAMPLE_RATE, is_end=True)

    def next_window(self) -> WindowJob:
        """The next window to decode (full, or what is left at the end of the call)."""
        joined = self._joined
        size = min(WINDOW_FRAMES, joined.total // HOP - self._seek)
        lo = max(0, self._seek - MARGIN_FRAMES) * HOP
        hi = (self._seek + size) * HOP + STFT_REACH
        mel = log_mel(joined.audio[lo - joined.offset : hi - joined.offset])
        features = (np.maximum(mel, self._loudest - 8.0) + 4.0) / 4.0
        first = self._seek - lo // HOP
        self.in_flight = True
        return WindowJob(
            self.speaker,
            np.ascontiguousarray(features[:, first : first + size]),
            self._tokens[self._prompt_from :],
            self._seek,
            size,
        )

    def settle(self, result: WindowResult) -> list[SettledText]:
        """Take a decoded window: move the seek, keep its text as the next prompt."""
        joined = self._joined
        self.in_flight = False
        self._seek = max(result.seek, self._seek + 1)  # never decode the same window twice
        out: list[SettledText] = []
        for piece in result.pieces:
            self._tokens.extend(piece.tokens)
            words = tuple(
                (joined.channel_time(a), joined.channel_time(b, is_end=True), word)
                for a, b, word in piece.words
            )
            out.append(
                SettledText(
                    speaker=self.speaker,
                    start=joined.channel_time(piece.start),
                    end=joined.channel_time(piece.end, is_end=True),
                    text=piece.text,
                    avg_logprob=result.avg_logprob,
                    no_speech_prob=result.no_speech_prob,
                    compression_ratio=result.compression_ratio,
                    words=words,
                )
            )
        if result.temperature > 0.5:  # faster-whisper's prompt_reset_on_temperature
            self._prompt_from = len(self._tokens)
        self._trim_joined()
        return out

    # ---- internals ----

    def _join(self, start: int, end: int) -> None:
        if end <= start:
            return
        lo = start - self._channel_start
        audio = self._channel[max(0, lo) : end - self._channel_start]
        if lo < 0:  # older than what is kept (cannot happen with ``earliest_needed``)
            audio = np.concatenate([np.zeros(-lo, np.float32), audio])
        joined = self._joined
        self._skipped += start - self._last_chunk_end
        self._last_chunk_end = end
        joined.audio = np.concatenate([joined.audio, audio.astype(np.float32, copy=False)])
        joined.total += len(audio)
        joined.ends.append(joined.total)
        joined.silence_before.append(self._skipped)
        self._update_loudest()

    def _update_loudest(self, final: bool = False) -> None:
        """The loudest Mel frame so far, over exactly the frames offline computes on the
        joined stream (each one once its 400-sample window is all there)."""
        joined = self._joined
        reach = STFT_REACH // 2  # a frame reads 200 samples either side of its centre
        end = joined.total // HOP + 1 if final else max(0, (joined.total - reach) // HOP + 1)
        start = self._mel_next
        if end <= start:
            return
        lo = max(0, (start - 2) * HOP)  # two frames before: their centre padding is dropped
        hi = joined.total if final else (end - 1) * HOP + reach
        mel = log_mel(joined.audio[lo - joined.offset : hi - joined.offset])
        first = start - lo // HOP
        self._loudest = max(self._loudest, float(mel[:, first : first + end - start].max()))
        self._mel_next = end

    def _trim_channel(self) -> None:
        keep_from = min(self.chunker.earliest_needed, self._channel_start + len(self._channel))
        drop = keep_from - self._channel_start
        if drop > 0:
            self._channel = self._channel[drop:]
            self._channel_start = keep_from

    def _trim_joined(self) -> None:
        joined = self._joined
        keep_from = max(0, self._seek - MARGIN_FRAMES) * HOP
        drop = keep_from - joined.offset
        if drop > 0:
            joined.audio = joined.audio[drop:]
            joined.offset = keep_from


def log_mel(audio: np.ndarray) -> np.ndarray:
    """Whisper's log10 Mel spectrogram before its floor and scaling (80 Mel bins): the
    first half of ``FeatureExtractor.__call__``, whose floor needs the whole file."""
    extractor, window = _extractor()
    waveform = np.pad(audio.astype(np.float32, copy=False), (0, HOP))
    stft = extractor.stft(
        waveform, extractor.n_fft, extractor.hop_length, window=window, return_complex=True
    ).astype(np.complex64)
    magnitudes = np.abs(stft[..., :-1]) ** 2
    return np.log10(np.clip(extractor.mel_filters @ magnitudes, 1e-10, None))


@lru_cache(maxsize=1)
def _extractor():
    from faster_whisper.feature_extractor import FeatureExtractor

    extractor = FeatureExtractor()
    return extractor, np.hanning(extractor.n_fft + 1)[:-1].astype(np.float32)


@dataclass(frozen=True, slots=True)
class _Piece:
    start: float  # joined-stream seconds
    end: float
    text: str
    tokens: list[int]
    words: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class WindowJob:
    """One window to decode: normalised Mel features and the prompt, as offline has them."""

    speaker: Speaker
    features: np.ndarray
    previous: list[int]
    seek: int
    size: int


@dataclass(frozen=True, slots=True)
class WindowResult:
    pieces: list[_Piece]
    seek: int
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    temperature: float


class WindowDecoder:
    """Decodes one 30 s window as ``WhisperModel.generate_segments`` does (shared by speakers)."""

    def __init__(self, transcriber, opening_prompts: dict[str, str] | None = None) -> None:
        from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

        self.transcriber = transcriber
        self.model = transcriber.model
        self.tokenizer = transcriber.tokenizer
        self.opening_prompts = opening_prompts or {}
        asr = transcriber.asr
        self.options = TranscriptionOptions(
            beam_size=asr.beam_size,
            best_of=5,
            patience=1,
            length_penalty=1,
            repetition_penalty=1,
            no_repeat_ngram_size=0,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            compression_ratio_threshold=2.4,
            condition_on_previous_text=True,
            prompt_reset_on_temperature=0.5,
            temperatures=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
            initial_prompt=None,
            prefix=None,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(self.tokenizer, [-1]),
            without_timestamps=False,
            max_initial_timestamp=1.0,
            word_timestamps=False,
            prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、",
            multilingual=False,
            max_new_tokens=None,
            clip_timestamps="0",
            hallucination_silence_threshold=None,
            hotwords=None,
        )

    def _with_words(self, pieces: list[_Piece], encoded, seek: int, size: int) -> list[_Piece]:
        """Word times by cross-attention alignment (as ``word_timestamps=True``), used only
        to put each word on the live utterance it was said in; the seek is not moved by
        them, so the text stays what offline decoding without word timestamps says."""
        if not pieces:
            return pieces
        segments = [
            {"seek": seek, "start": p.start, "end": p.end, "tokens": p.tokens} for p in pieces
        ]
        self.model.add_word_timestamps(
            [segments], self.tokenizer, encoded, size,
            self.options.prepend_punctuations, self.options.append_punctuations,
            last_speech_timestamp=seek / 100,
        )  # fmt: skip
        return [
            replace(p, words=tuple((w["start"], w["end"], w["word"]) for w in seg["words"]))
            for p, seg in zip(pieces, segments, strict=True)
        ]

    def initial_tokens(self, speaker: str) -> list[int]:
        prompt = self.opening_prompts.get(speaker)
        return self.tokenizer.encode(" " + prompt.strip()) if prompt else []

    def decode(self, job: WindowJob) -> WindowResult:
        """Any thread: the model has a worker of its own for this (``num_workers=2``)."""
        from faster_whisper.audio import pad_or_trim

        tokenizer = self.tokenizer
        seek, size = job.seek, job.size
        encoded = self.model.encode(pad_or_trim(job.features))
        prompt = self.model.get_prompt(tokenizer, job.previous, without_timestamps=False)
        result, avg_logprob, temperature, ratio = self.model.generate_with_fallback(
            encoded, prompt, tokenizer, self.options
        )
        if result.no_speech_prob > 0.6 and not avg_logprob > -1.0:
            return WindowResult([], seek + size, avg_logprob, result.no_speech_prob, ratio, 0.0)
        pieces, new_seek = split_at_timestamps(result.sequences_ids[0], tokenizer, seek, size)
        pieces = self._with_words(pieces, encoded, seek, size)
        return WindowResult(
            pieces, new_seek, avg_logprob, result.no_speech_prob, ratio, temperature
        )


def split_at_timestamps(
    tokens: list[int], tokenizer, seek: int, size: int
) -> tuple[list[_Piece], int]:
    """Segments between timestamp pairs, and the next seek (faster-whisper's rules)."""
    begin = tokenizer.timestamp_begin
    offset = seek / 100
    raw: list[tuple[float, float, list[int]]] = []
    single_ending = len(tokens) >= 2 and tokens[-2] < begin <= tokens[-1]
    pairs = [i for i in range(1, len(tokens)) if tokens[i] >= begin and tokens[i - 1] >= begin]
    if pairs:
        slices = pairs + ([len(tokens)] if single_ending else [])
        last = 0
        for cut in slices:
            part = tokens[last:cut]
            raw.append(
                (
                    offset + (part[0] - begin) * TIME_PRECISION,
                    offset + (part[-1] - begin) * TIME_PRECISION,
                    part,
                )
            )
            last = cut
        if single_ending:
            seek += size
        else:
            seek += (tokens[last - 1] - begin) * 2  # timestamp steps are 2 frames
    else:
        stamps = [t for t in tokens if t >= begin]
        duration = size / 100
        if stamps and stamps[-1] != begin:
            duration = (stamps[-1] - begin) * TIME_PRECISION
        raw.append((offset, offset + duration, tokens))
        seek += size
    pieces = []
    for start, end, part in raw:
        text = tokenizer.decode(part)
        if start == end or not text.strip():
            continue
        pieces.append(_Piece(start, end, text.strip(), part))
    return pieces, seek


@dataclass
class _Line:
    """An utterance as the live pass decided it (text may be empty: nothing was shown)."""

    speaker: Speaker
    utterance_id: int
    start: float
    end: float
    text: str
    t_wall_end: float
    settled_only: bool = False  # speech only the settle pass heard
    pieces: list[SettledText] = field(default_factory=list)
    words: list[tuple[float, float, str]] = field(default_factory=list)


HOST_GAP_S = 1.5  # settled text this close to a live utterance joins it


class Settler:
    """The settle pass of a whole call: one ``SettlePass`` per speaker, their windows
    decoded on a thread of its own (so live text is never held up behind a 1 s decode),
    and the mapping of settled text onto the live utterances it replaces.

    ``pump``, ``finish`` and ``close`` are called from the engine thread; ``finish`` and
    ``close`` make sure no decode is still running when the call ends."""

    def __init__(self, transcriber, passes: dict[Speaker, SettlePass], decoder=None) -> None:
        self.transcriber = transcriber  # its ``is_speech_text`` filters settled text too
        self.passes = passes
        self.decoder = decoder
        self._lines: dict[int, _Line] = {}
        self._last_host: dict[Speaker, _Line] = {}  # the line that got each speaker's last word
        self._jobs: queue.Queue[WindowJob | None] = queue.Queue()
        self._results: queue.Queue[tuple[WindowJob, WindowResult | BaseException]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.failed: BaseException | None = None

    @classmethod
    def for_call(cls, transcriber, config, speakers) -> Settler:
        """One pass per speaker on the call's model; the agent's first window is prompted
        with the company and agent names, as live text in the opening is."""
        from monitor.asr import build_initial_prompt

        prompt = build_initial_prompt(config.call) if config.asr.bias_with_names else None
        prompts = {s: prompt for s in speakers if s != "customer" and prompt}
        decoder = WindowDecoder(transcriber, prompts)
        passes = {speaker: SettlePass(speaker, decoder) for speaker in speakers}
        return cls(transcriber, passes, decoder)

    def feeder(self, speaker: Speaker):
        return self.passes[speaker].push

    def break_speech(self, speaker: Speaker) -> None:
        self.passes[speaker].break_speech()

    def pump(self) -> list[SettledText]:
        """Settled text of the windows decoded since the last call; due windows are sent off."""
        out: list[SettledText] = []
        while True:
            try:
                job, result = self._results.get_nowait()
            except queue.Empty:
                break
            out += self._take(job, result)
        if self.failed is None:
            for settle in self.passes.values():
                if settle.due:
                    self._start_thread()
                    self._jobs.put(settle.next_window())
        return out

    def finish(self) -> list[SettledText]:
        """End of call: wait for the windows in flight, then decode everything left here."""
        out: list[SettledText] = []
        while any(p.in_flight for p in self.passes.values()):
            job, result = self._results.get()
            out += self._take(job, result)
        self.close()
        for settle in self.passes.values():
            settle.break_speech()
            while self.failed is None and settle.left:
                job = settle.next_window()
                out += self._take(job, self._decode(job))
        return out

    def close(self) -> None:
        """Stop the decode thread (waits for a decode in progress: at most about a second)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _start_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="callmon-settle", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._results.put((job, self._decode(job)))

    def _decode(self, job: WindowJob) -> WindowResult | BaseException:
        try:
            return self.decoder.decode(job)
        except Exception as exc:  # a bad window must not end the call: live text goes on
            log.exception("settle pass failed")
            return exc

    def _take(self, job: WindowJob, result: WindowResult | BaseException) -> list[SettledText]:
        settle = self.passes[job.speaker]
        if isinstance(result, BaseException):
            settle.in_flight = False
            self.failed = result
            return []
        return settle.settle(result)

    def live_final(self, segment, t_wall_end: float) -> None:
        """The live pass decided an utterance (shown, or dropped with empty text)."""
        self._lines[segment.utterance_id] = _Line(
            segment.speaker, segment.utterance_id, segment.start, segment.end,
            segment.text, t_wall_end,
        )  # fmt: skip

    def t_wall_end(self, utterance_id: int, default: float) -> float:
        line = self._lines.get(utterance_id)
        return line.t_wall_end if line else default

    def revisions(self, settled: list[SettledText], ids) -> list:
        """Finals (``revised=True``) for the utterances whose text the settled text changes."""
        from monitor.asr import Transcript
        from monitor.types import Segment

        touched: dict[int, _Line] = {}
        for piece in settled:
            transcript = Transcript(
                piece.text, piece.avg_logprob, piece.no_speech_prob, piece.compression_ratio,
                window_s=30.0, seconds=0.0,
            )  # fmt: skip
            if not self.transcriber.is_speech_text(transcript, piece.end - piece.start):
                continue
            for start, end, word in piece.words or ((piece.start, piece.end, " " + piece.text),):
                previous = self._last_host.get(piece.speaker)
                if previous is not None and not word.startswith(" "):
                    line = previous  # the rest of a word ("-L", "'s") stays with it
                else:
                    line = self._host(piece.speaker, start, end, ids, previous)
                self._last_host[piece.speaker] = line
                line.words.append((start, end, word))
                line.pieces.append(piece)
                touched[line.utterance_id] = line
        for speaker, settle in self.passes.items():
            until = settle.settled_until
            for line in self._lines.values():  # heard live, but not by the settle pass
                if line.speaker == speaker and line.end <= until and not line.pieces:
                    touched[line.utterance_id] = line
        out = []
        for line in sorted(touched.values(), key=lambda ln: ln.end):
            pieces = line.pieces
            text = "".join(w for _, _, w in line.words).strip()
            if text == line.text:
                continue
            line.text = text
            out.append(
                Segment(
                    speaker=line.speaker,
                    utterance_id=line.utterance_id,
                    start=line.start,
                    end=line.end,
                    text=text,
                    final=True,
                    avg_logprob=round(min((p.avg_logprob for p in pieces), default=0.0), 4),
                    no_speech_prob=round(max((p.no_speech_prob for p in pieces), default=0.0), 4),
                    revised=True,
                )
            )
        return out

    def _host(
        self, speaker: Speaker, start: float, end: float, ids, previous: _Line | None
    ) -> _Line:
        """The live utterance a settled word was said in: most overlap, else the nearest
        within ``HOST_GAP_S``, else a new utterance (speech the live pass had dropped).
        Never one before the previous word's, so words keep the order they were said in
        when their times are a little off."""
        floor = (previous.start, previous.utterance_id) if previous else None
        best: _Line | None = None
        best_overlap = -HOST_GAP_S
        for line in self._lines.values():
            if line.speaker != speaker or (floor and (line.start, line.utterance_id) < floor):
                continue
            overlap = min(line.end, end) - max(line.start, start)
            if overlap > best_overlap or (best is None and overlap >= -HOST_GAP_S):
                best, best_overlap = line, overlap
        if best is None:
            begin = max(start, previous.start) if previous else start
            best = _Line(speaker, next(ids), begin, max(end, begin), "", 0.0, settled_only=True)
            self._lines[best.utterance_id] = best
        elif best.settled_only:
            best.start, best.end = min(best.start, start), max(best.end, end)
        return best
