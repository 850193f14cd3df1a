"""Live transcript: one line per utterance, partial text dimmed and replaced in place;
settled text replaces a line's final text, and an utterance left without text goes."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from monitor.tui.model import clock
from monitor.types import Segment

SPEAKER_LABELS = {"agent": "AGENT", "customer": "CUST ", "mixed": "BOTH "}


def segment_text(segment: Segment) -> Text:
    """``0:05 AGENT  text`` — partial text in italics with a trailing ``…``."""
    line = Text()
    line.append(f"{clock(segment.start)} ", style="dim")
    label = SPEAKER_LABELS.get(segment.speaker, segment.speaker.upper()[:5])
    line.append(f"{label} ", style="bold")
    text = segment.text.strip() or "…"
    if segment.final:
        line.append(text)
    else:
        line.append(f"{text} …", style="italic")
    return line


class TranscriptLine(Static):
    """One utterance of one speaker."""

    plain = ""
    start = 0.0

    def set_segment(self, segment: Segment) -> None:
        self.start = segment.start
        text = segment_text(segment)
        self.plain = text.plain
        self.set_classes(f"speaker-{segment.speaker}" + ("" if segment.final else " partial"))
        self.update(text)


class TranscriptView(VerticalScroll):
    """Follows the newest line until the user scrolls up; ``end`` resumes following."""

    BINDINGS = [  # noqa: RUF012
        Binding("end", "follow", "Follow", show=False),
    ]

    def __init__(self, max_lines: int = 2000, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_lines = max_lines
        self.follow = True
        self._lines: dict[tuple[str, int], TranscriptLine] = {}

    def show(self, segment: Segment) -> None:
        """Add or replace the line of ``segment``'s utterance."""
        key = (segment.speaker, segment.utterance_id)
        line = self._lines.get(key)
        if segment.final and not segment.text.strip():
            if line is not None:  # nothing was said after all
                self._lines.pop(key).remove()
            return
        if line is None:
            line = TranscriptLine()
            line.set_segment(segment)
            later = next((ln for ln in self._lines.values() if ln.start > segment.start), None)
            self._lines[key] = line
            # settled text for speech the live pass had dropped goes where it was said
            if segment.revised and later is not None:
                self.mount(line, before=later)
            else:
                self.mount(line)
            self._trim()
        else:
            line.set_segment(segment)
        if self.follow:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def lines_text(self) -> list[str]:
        """The plain text of every line, in screen order (what the user reads)."""
        return [line.plain for line in self.query(TranscriptLine)]

    def _trim(self) -> None:
        while len(self._lines) > self.max_lines:
            oldest = next(iter(self._lines))
            self._lines.pop(oldest).remove()

    def clear_lines(self) -> None:
        for line in self._lines.values():
            line.remove()
        self._lines.clear()
        self.follow = True

    def action_follow(self) -> None:
        self.follow = True
        self.scroll_end(animate=False)

    def _stop_following(self) -> None:
        self.follow = False

    def on_mouse_scroll_up(self) -> None:
        self._stop_following()

    def action_scroll_up(self) -> None:
        self._stop_following()
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self._stop_following()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self._stop_following()
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self.action_follow()
