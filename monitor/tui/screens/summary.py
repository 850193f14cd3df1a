"""End-of-call summary: steps covered/missed, flags, talk-time split and a score."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from monitor.tui.model import AGENT_FLAG_SYMBOL, FLAG_SYMBOL, STEP_SYMBOLS, CallSummary, clock

BAR_WIDTH = 30


def talk_split(talk_time: dict[str, float], width: int = BAR_WIDTH) -> Text:
    """``agent 21.0s 55% ████████░░░░ customer 17.2s 45%``."""
    total = sum(talk_time.values())
    if total <= 0:
        return Text("no speech", style="dim")
    text = Text()
    speakers = sorted(talk_time)
    first = speakers[0]
    filled = round(width * talk_time[first] / total)
    text.append(f"{first} {talk_time[first]:.1f}s {100 * talk_time[first] / total:.0f}% ")
    text.append("█" * filled, style="cyan")
    text.append("▒" * (width - filled), style="magenta")
    for speaker in speakers[1:]:
        share = 100 * talk_time[speaker] / total
        text.append(f" {speaker} {talk_time[speaker]:.1f}s {share:.0f}%")
    return text


def summary_text(summary: CallSummary) -> Text:
    """The whole summary as text (what the screen shows, also readable without colour)."""
    text = Text()
    status = " (interrupted)" if summary.interrupted else ""
    text.append(f"Call summary{status}\n", style="bold")
    if summary.source:
        text.append(f"source {summary.source}\n", style="dim")
    text.append(f"duration {clock(summary.duration)}   score ", style="")
    score = "–" if summary.score is None else f"{summary.score:.0f}/100"
    text.append(f"{score}\n\n", style="bold")
    text.append(
        f"Steps: {len(summary.covered)} covered, {len(summary.missed)} missed"
        f"{f', {len(summary.pending)} pending' if summary.pending else ''}"
        f"{f', {len(summary.not_applicable)} n/a' if summary.not_applicable else ''}\n",
        style="bold",
    )
    for group, style in (
        (summary.covered, "green"),
        (summary.missed, "bold red"),
        (summary.pending, "yellow"),
        (summary.not_applicable, "dim"),
    ):
        for step in group:
            text.append(
                f"  {STEP_SYMBOLS.get(step.status, '?')} {step.label or step.step_id}", style
            )
            if step.at is not None and step.status in ("covered", "missed"):
                text.append(f"  {clock(step.at)}", style="dim")
            if step.evidence:
                text.append(f"  “{step.evidence}”", style="dim")
            text.append("\n")
    text.append(f"\nFlags: {len(summary.flags)}\n", style="bold")
    for flag in summary.flags:
        symbol = AGENT_FLAG_SYMBOL if flag.speaker == "agent" else FLAG_SYMBOL
        words = ", ".join(flag.terms)
        text.append(
            f"  {symbol} {clock(flag.at)} {flag.speaker} {flag.category}/{flag.severity}"
            f" “{words}” — {flag.text.strip()}\n",
            style="bold red" if flag.speaker == "agent" else "yellow",
        )
    text.append("\nTalk time: ", style="bold")
    text.append_text(talk_split(summary.talk_time))
    text.append("\n")
    if summary.marks:
        marks = ", ".join(
            clock(mark.at) + (f" {mark.note}" if mark.note else "") for mark in summary.marks
        )
        text.append(f"\nMarks: {marks}\n")
    return text


class SummaryScreen(Screen):
    """Shown when the user ends the call (or presses ``s``)."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape,s", "close", "Back"),
        Binding("n", "new_call", "New call"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, summary: CallSummary, stored_report: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.stored_report = stored_report

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-body"):
            yield Static(summary_text(self.summary), id="summary")
            if self.stored_report:
                yield Static(Text("\nStored session report", style="bold"))
                yield Static(Text(self.stored_report), id="stored-report")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_new_call(self) -> None:
        self.app.pop_screen()
        self.app.action_new_call()
