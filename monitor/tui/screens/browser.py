"""Sessions browser: list stored calls, open one, read its summary, jump to a flag."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from monitor.tui.model import AGENT_FLAG_SYMBOL, FLAG_SYMBOL, clock
from monitor.tui.widgets.transcript import TranscriptLine

LIST_LIMIT = 500


def session_row(info: Any) -> tuple[str, ...]:
    started = dt.datetime.fromtimestamp(info.started_at).strftime("%Y-%m-%d %H:%M")
    score = "–" if info.score is None else f"{info.score:.0f}"
    status = {"complete": "✓", "recording": "●", "interrupted": "✗"}.get(info.status, "?")
    flags = f"{FLAG_SYMBOL}{info.flags}" if info.flags else "0"
    return (
        str(info.id),
        started,
        clock(info.duration),
        info.direction,
        score,
        flags,
        f"{status} {info.status}",
        info.title or info.source,
    )


class SessionsScreen(Screen):
    """Stored sessions, newest first; Enter opens one."""

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open", "Open"),
        Binding("f5,g", "reload", "Refresh"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Static("Sessions (newest first) — Enter opens one", id="sessions-title")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "id", "started", "length", "direction", "score", "flags", "status", "title"
        )
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        try:
            sessions = self.store.list_sessions(limit=LIST_LIMIT)
        except Exception as exc:
            self.notify(f"cannot list sessions: {exc}", severity="error")
            return
        for info in sessions:
            table.add_row(*session_row(info), key=str(info.id))
        if not sessions:
            self.query_one("#sessions-title", Static).update("No sessions stored yet")

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.open_session(key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_session(event.row_key.value)

    def open_session(self, session_id: str | None) -> None:
        if session_id is None:
            return
        try:
            session = self.store.load_session(session_id)
        except Exception as exc:
            self.notify(f"cannot open session {session_id}: {exc}", severity="error")
            return
        self.app.push_screen(SessionScreen(self.store, session))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit(0)


class SessionScreen(Screen):
    """One stored session: report, flags (Enter jumps to the line) and transcript."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]  # noqa: RUF012

    def __init__(self, store: Any, session: Any) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self._lines: list[tuple[float, TranscriptLine]] = []

    def compose(self) -> ComposeResult:
        flags = list(self.session.scoring.flags) if self.session.scorings else []
        with Horizontal(id="session-main"):
            with VerticalScroll(id="report-body"):
                yield Static(self._report_text(), id="session-report")
            with VerticalScroll(id="session-transcript"):
                for segment in self.session.segments:
                    line = TranscriptLine(classes=f"speaker-{segment.speaker}")
                    line.set_segment(segment)
                    self._lines.append((segment.start, line))
                    yield line
        options = [
            Option(
                f"{AGENT_FLAG_SYMBOL if f.speaker == 'agent' else FLAG_SYMBOL} {clock(f.at)} "
                f"{f.speaker} {f.category} “{', '.join(f.terms)}”",
                id=f"flag-{index}",
            )
            for index, f in enumerate(flags)
        ]
        self._flag_times = [f.at for f in flags]
        yield OptionList(*options, id="session-flags")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#session-transcript").border_title = "Transcript"
        self.query_one("#session-flags").border_title = "Flags — Enter jumps to the line"
        self.query_one("#session-flags").display = bool(self._flag_times)

    def _report_text(self) -> Text:
        try:
            from monitor.report import render_text, report_from_session

            report = render_text(report_from_session(self.session))
            return Text(report.split("\nTranscript\n")[0])  # the transcript is beside it
        except Exception:
            pass  # fall back to the stored fields
        info = self.session.info
        text = Text(f"Session {info.id}: {info.title or info.source}\n", style="bold")
        score = "–" if info.score is None else f"{info.score:.0f}/100"
        text.append(
            f"{clock(info.duration)}  {self.session.direction}  score {score}  {info.status}\n\n"
        )
        for step in self.session.scoring.steps if self.session.scorings else ():
            symbol = {"covered": "✓", "missed": "✗", "n/a": "–"}.get(step.status, "…")
            text.append(f"{symbol} {step.label or step.step_id}\n")
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(str(event.option.id).split("-")[1])
        self.jump_to(self._flag_times[index])

    def jump_to(self, at: float) -> None:
        """Scroll the transcript to the line spoken at ``at`` and highlight it."""
        if not self._lines:
            return
        _start, line = min(
            self._lines, key=lambda item: abs(item[0] - at) if item[0] <= at + 0.5 else 1e9
        )
        for _, other in self._lines:
            other.remove_class("jumped")
        line.add_class("jumped")
        self.query_one("#session-transcript").scroll_to_widget(line, animate=False, top=True)


class BrowserApp(App[int]):
    """``callmon browse``."""

    CSS_PATH = "../monitor.tcss"
    TITLE = "callmon sessions"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [  # noqa: RUF012
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        self.push_screen(SessionsScreen(self.store))

    async def action_quit(self) -> None:
        self.exit(0)
