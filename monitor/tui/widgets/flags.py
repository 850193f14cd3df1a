"""Flags: hostile utterances, newest on top; agent flags and a broken stay_polite stand out."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from monitor.tui.model import AGENT_FLAG_SYMBOL, FLAG_SYMBOL, clock, flag_key
from monitor.types import FlagEvent, StepEvent


def flag_text(flag: FlagEvent) -> Text:
    """``⚠ 0:09 CUST insult/high “idiots”`` then the utterance."""
    agent = flag.speaker == "agent"
    symbol = AGENT_FLAG_SYMBOL if agent else FLAG_SYMBOL
    text = Text(f"{symbol} {clock(flag.at)} ", style="bold red" if agent else "bold yellow")
    text.append(f"{flag.speaker.upper()} ", style="bold")
    text.append(f"{flag.category}/{flag.severity}")
    if flag.terms:
        text.append(" “" + ", ".join(flag.terms) + "”", style="bold")
    if not flag.final:
        text.append(" (partial)", style="dim italic")
    if flag.text:
        text.append(f"\n  {flag.text.strip()}", style="dim" if not agent else "")
    return text


def broken_politeness_text(step: StepEvent) -> Text:
    text = Text(f"{AGENT_FLAG_SYMBOL} {clock(step.at)} AGENT did not stay polite", style="bold red")
    if step.evidence:
        text.append(f"\n  {step.evidence}")
    return text


class FlagItem(Static):
    plain = ""

    def set_text(self, text: Text) -> None:
        self.plain = text.plain
        self.update(text)


class FlagsView(VerticalScroll):
    """Newest flag first."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._items: dict[tuple, FlagItem] = {}
        self._placeholder = Static("no flags", id="no-flags")

    def compose(self):
        yield self._placeholder

    def show_flag(self, flag: FlagEvent) -> bool:
        """Add, update or (when withdrawn) remove a flag; True when it is new."""
        key = flag_key(flag)
        item = self._items.get(key)
        if flag.withdrawn:
            if item is not None:
                self._items.pop(key).remove()
            self._placeholder.display = not self._items
            return False
        classes = "flag agent-flag" if flag.speaker == "agent" else "flag"
        if item is None:
            item = FlagItem(classes=classes)
            item.set_text(flag_text(flag))
            self._items[key] = item
            self.mount(item, before=0)
            self._placeholder.display = False
            self.scroll_home(animate=False)
            return True
        item.set_text(flag_text(flag))
        return False

    def show_broken_politeness(self, step: StepEvent) -> bool:
        key = ("stay_polite",)
        if key in self._items:
            return False
        item = FlagItem(classes="flag agent-flag")
        item.set_text(broken_politeness_text(step))
        self._items[key] = item
        self.mount(item, before=0)
        self._placeholder.display = False
        return True

    def clear_flags(self) -> None:
        for item in self._items.values():
            item.remove()
        self._items.clear()
        self._placeholder.display = True

    def texts(self) -> list[str]:
        """Plain text of the flags as shown, newest first."""
        return [item.plain for item in reversed(self._items.values())]
