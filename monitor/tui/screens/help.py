"""Help: what each key does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_HELP = {
    "new_call": "start a new call (replays the file again)",
    "end_call": "end the call and show the summary",
    "cycle_direction": "set direction: inbound ⇄ outbound (overrides auto)",
    "toggle_pause": "pause / resume capture",
    "mark": "mark this moment",
    "reload_config": "reload config.toml (rules) without restarting",
    "summary": "open / close the end-of-call summary",
    "sessions": "browse stored sessions",
    "help": "this help",
    "quit": "quit (Ctrl-C too)",
}


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]  # noqa: RUF012

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._bindings = bindings

    def compose(self) -> ComposeResult:
        lines = ["Keys", ""]
        for binding in self._bindings:
            if binding.show and binding.action in KEY_HELP:
                key = "?" if binding.key == "question_mark" else binding.key
                lines.append(f"  {key:<6} {KEY_HELP[binding.action]}")
        lines += ["  end    follow the transcript again after scrolling up", "", "Esc closes"]
        with VerticalScroll(id="help-body"):
            yield Static("\n".join(lines))
