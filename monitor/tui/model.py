"""What the monitor knows about the call on screen, built from engine events only.

Pure state (no Textual): the app feeds every event to ``CallView.apply`` and the widgets
read from it. The end-of-call summary falls back to ``CallView.summary`` when no stored
report is available.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.types import (
    DirectionEvent,
    ErrorEvent,
    Event,
    FlagEvent,
    LevelEvent,
    MarkEvent,
    Segment,
    SegmentEvent,
    StartEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
)

PHASES = ("opening", "during", "any", "closing")
STEP_SYMBOLS = {"covered": "✓", "missed": "✗", "pending": "…", "n/a": "–"}
WARNING_SYMBOL = "!"
FLAG_SYMBOL = "⚠"
AGENT_FLAG_SYMBOL = "‼"


def clock(seconds: float | None) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a call time in seconds."""
    if seconds is None:
        return "-:--"
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def flag_key(flag: FlagEvent) -> tuple[str, int, str]:
    return (flag.speaker, flag.turn, flag.category)


@dataclass
class CallSummary:
    """The numbers on the end-of-call screen."""

    duration: float
    covered: list[StepEvent]
    missed: list[StepEvent]
    pending: list[StepEvent]
    not_applicable: list[StepEvent]
    flags: list[FlagEvent]
    talk_time: dict[str, float]
    score: float | None
    marks: list[MarkEvent]
    interrupted: bool = False
    source: str = ""


@dataclass
class CallView:
    """Accumulated state of one call, in the order the engine decided it."""

    start: StartEvent | None = None
    segments: dict[tuple[str, int], Segment] = field(default_factory=dict)
    steps: dict[str, StepEvent] = field(default_factory=dict)
    flags: dict[tuple[str, int, str], FlagEvent] = field(default_factory=dict)
    direction: str = "auto"
    decided_by: str = ""
    levels: dict[str, LevelEvent] = field(default_factory=dict)
    stats: StatsEvent | None = None
    marks: list[MarkEvent] = field(default_factory=list)
    errors: list[ErrorEvent] = field(default_factory=list)
    summary_event: SummaryEvent | None = None
    audio_time: float = 0.0

    @property
    def ended(self) -> bool:
        return self.summary_event is not None

    def seed_steps(self, steps: list[StepEvent]) -> None:
        """Show the checklist before any step changes (from ``pipeline.steps()``)."""
        for step in steps:
            self.steps.setdefault(step.step_id, step)

    def apply(self, event: Event) -> bool:
        """Take one event; return False when it changes nothing on screen."""
        match event:
            case StartEvent():
                self.start = event
                self.direction = event.direction
            case SegmentEvent(segment=segment):
                key = (segment.speaker, segment.utterance_id)
                old = self.segments.get(key)
                if old is not None and old.final and not segment.final:
                    return False  # a late partial must not replace the final text
                self.segments[key] = segment
                self.audio_time = max(self.audio_time, segment.end)
            case StepEvent():
                self.steps[event.step_id] = event
            case FlagEvent():
                if event.withdrawn:
                    return self.flags.pop(flag_key(event), None) is not None
                self.flags[flag_key(event)] = event
                self.audio_time = max(self.audio_time, event.at)
            case DirectionEvent():
                self.direction = event.direction
                self.decided_by = event.decided_by
            case LevelEvent():
                self.levels[event.speaker] = event
                self.audio_time = max(self.audio_time, event.at)
            case StatsEvent():
                self.stats = event
                self.audio_time = max(self.audio_time, event.at)
            case MarkEvent():
                self.marks.append(event)
            case ErrorEvent():
                self.errors.append(event)
            case SummaryEvent():
                self.summary_event = event
                self.audio_time = max(self.audio_time, event.duration)
            case _:
                return False
        return True

    def direction_text(self) -> str:
        if self.decided_by == "auto":
            return f"auto→{self.direction}"
        return self.direction

    def closing_soon(self, expected_duration: float | None, warning_s: float) -> bool:
        """Near the end: little audio left, or the closing phase has begun."""
        if self.ended:
            return True
        if expected_duration and expected_duration - self.audio_time <= warning_s:
            return True
        return any(s.phase == "closing" and s.status == "covered" for s in self.steps.values())

    def step_needs_attention(self, step: StepEvent, closing: bool) -> bool:
        return closing and step.required and step.status == "pending"

    def talk_time(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for segment in self.segments.values():
            if segment.final and segment.text.strip():
                duration = max(segment.end - segment.start, 0.0)
                totals[segment.speaker] = totals.get(segment.speaker, 0.0) + duration
        return totals

    def active_flags(self) -> list[FlagEvent]:
        return sorted(self.flags.values(), key=lambda f: f.at)

    def summary(self) -> CallSummary:
        """Outcome from the engine's events: steps, flags, talk time and a 0–100 score.

        The score is the store's ``checklist_score`` (judged steps covered, required ones
        counting double), so the summary screen and ``callmon sessions`` agree.
        """
        from monitor.store import checklist_score

        steps = list(self.steps.values())
        by_status: dict[str, list[StepEvent]] = {"covered": [], "missed": [], "pending": []}
        not_applicable = []
        for step in steps:
            (not_applicable if step.status == "n/a" else by_status[step.status]).append(step)
        flags = self.active_flags()
        score = checklist_score(steps)
        return CallSummary(
            duration=self.summary_event.duration if self.summary_event else self.audio_time,
            covered=by_status["covered"],
            missed=by_status["missed"],
            pending=by_status["pending"],
            not_applicable=not_applicable,
            flags=flags,
            talk_time=self.talk_time(),
            score=score,
            marks=list(self.marks),
            interrupted=bool(self.summary_event and self.summary_event.interrupted),
            source=self.start.source if self.start else "",
        )
