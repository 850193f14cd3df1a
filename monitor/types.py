"""Frozen dataclasses that flow between pipeline stages. No logic lives here.

Times called ``start``/``end``/``at``/``t0`` are seconds of call audio from the start of
the call. Times called ``t_wall`` are ``time.time()`` wall-clock seconds (Unix time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # numpy is most of `callmon score`'s start-up, and text needs none of it
    import numpy as np

Speaker = Literal["agent", "customer", "mixed"]
Direction = Literal["inbound", "outbound"]
StepStatus = Literal["pending", "covered", "missed", "n/a"]
FlagCategory = Literal["insult", "profanity", "threat", "harassment"]

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A block of one speaker's audio, 16 kHz mono float32 in [-1, 1]."""

    speaker: Speaker
    samples: np.ndarray
    t0: float
    t_wall: float

    @property
    def t_end(self) -> float:
        return self.t0 + len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class Utterance:
    """Speech of one speaker found by the VAD; ``final`` once the speaker stopped."""

    speaker: Speaker
    utterance_id: int
    start: float
    end: float
    samples: np.ndarray
    final: bool
    t_wall_end: float  # wall time at which the audio at ``end`` entered the pipeline


@dataclass(frozen=True, slots=True)
class Segment:
    """Text for an utterance: partial while the speaker talks, final at the end."""

    speaker: Speaker
    utterance_id: int
    start: float
    end: float
    text: str
    final: bool
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    latency: float = 0.0  # wall seconds from the utterance's last audio entering to emission
    revised: bool = False  # settled text that replaces this utterance's earlier final


# ---- events: what the pipeline emits to the UI, the store and the JSON printer ----


@dataclass(frozen=True, slots=True)
class StartEvent:
    source: str
    speakers: tuple[Speaker, ...]
    model: str
    t_wall: float  # wall time at which audio time 0 entered the pipeline
    direction: str = "auto"
    devices: tuple[str, ...] = ()
    type: Literal["start"] = "start"


@dataclass(frozen=True, slots=True)
class SegmentEvent:
    segment: Segment
    type: Literal["segment"] = "segment"


@dataclass(frozen=True, slots=True)
class StepEvent:
    """A checklist step changed state."""

    step_id: str
    label: str
    status: StepStatus
    at: float | None = None
    turn: int | None = None
    evidence: str = ""
    required: bool = True
    phase: str = "during"
    type: Literal["step"] = "step"


@dataclass(frozen=True, slots=True)
class FlagEvent:
    """Hostile language in one utterance; ``withdrawn`` when the final text no longer has it."""

    turn: int  # utterance id (live) or turn index (transcripts)
    speaker: Speaker
    category: FlagCategory
    severity: str  # "low" | "medium" | "high"
    score: float
    terms: tuple[str, ...]
    text: str
    at: float
    final: bool = True
    withdrawn: bool = False
    type: Literal["flag"] = "flag"


@dataclass(frozen=True, slots=True)
class DirectionEvent:
    """The call direction was set or decided (``auto`` decisions carry ``decided_by``)."""

    direction: Direction
    decided_by: str  # "config" | "user" | "auto"
    type: Literal["direction"] = "direction"


@dataclass(frozen=True, slots=True)
class LevelEvent:
    """Input level of one speaker, a few times a second."""

    speaker: Speaker
    rms_dbfs: float
    peak_dbfs: float
    clipped: bool
    at: float
    type: Literal["level"] = "level"


@dataclass(frozen=True, slots=True)
class StatsEvent:
    """Engine health, about once a second."""

    at: float
    latency_p50: float | None
    cpu_share: float  # CPU seconds per wall second of this process (1.0 = one core)
    dropped_blocks: int
    type: Literal["stats"] = "stats"


@dataclass(frozen=True, slots=True)
class MarkEvent:
    at: float
    note: str = ""
    type: Literal["mark"] = "mark"


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    message: str
    fatal: bool = False
    type: Literal["error"] = "error"


@dataclass(frozen=True, slots=True)
class SummaryEvent:
    duration: float
    segments: int
    finals: int
    partials: int
    latency_p50: float | None
    latency_p95: float | None
    first_partial_p50: float | None
    cpu_seconds: float
    dropped_blocks: int
    startup_s: float
    steps: dict[str, str] = field(default_factory=dict)
    flags: int = 0
    interrupted: bool = False
    revised: int = 0  # utterances whose text the settle pass replaced
    settle_delay_p50: float | None = None  # wall seconds from end of speech to settled text
    type: Literal["summary"] = "summary"


Event = (
    StartEvent
    | SegmentEvent
    | StepEvent
    | FlagEvent
    | DirectionEvent
    | LevelEvent
    | StatsEvent
    | MarkEvent
    | ErrorEvent
    | SummaryEvent
)
