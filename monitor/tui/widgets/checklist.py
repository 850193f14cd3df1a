"""Checklist: every step of the active config, grouped by call phase, with its state."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from monitor.tui.model import PHASES, STEP_SYMBOLS, WARNING_SYMBOL, clock
from monitor.types import StepEvent

STATUS_STYLES = {"covered": "green", "missed": "bold red", "pending": "", "n/a": "dim"}


def step_prompt(step: StepEvent, attention: bool) -> Text:
    """``✓ Greet with company  0:02`` — a symbol first, so states read without colour."""
    symbol = WARNING_SYMBOL if attention else STEP_SYMBOLS.get(step.status, "?")
    style = "bold yellow" if attention else STATUS_STYLES.get(step.status, "")
    text = Text(f"{symbol} ", style=style)
    text.append(step.label or step.step_id, style=style)
    if not step.required and step.status == "pending":
        text.append(" (opt)", style="dim")
    if step.at is not None and step.status in ("covered", "missed"):
        text.append(f" {clock(step.at)}", style="dim")
    return text


def step_detail(step: StepEvent) -> str:
    """What the highlighted step's state rests on (time and the matching words)."""
    label = step.label or step.step_id
    if step.status == "covered":
        words = f": “{step.evidence}”" if step.evidence else ""
        return f"✓ {label} covered at {clock(step.at)}{words}"
    if step.status == "missed":
        why = f": {step.evidence}" if step.evidence else ""
        return f"✗ {label} missed{why}"
    if step.status == "n/a":
        return f"– {label} does not apply to this call"
    need = "required" if step.required else "optional"
    return f"… {label} pending ({need}, {step.phase})"


class ChecklistView(Vertical):
    """Steps by phase (opening / during / closing); the highlighted one shows its words."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._order: list[str] = []
        self._steps: dict[str, StepEvent] = {}

    def compose(self):
        yield OptionList(id="steps")
        yield Static("", id="step-detail")

    def show(self, steps: dict[str, StepEvent], attention: set[str]) -> None:
        """Redraw the options; keeps the highlighted step where it was."""
        self._steps = dict(steps)
        options: list[Option | None] = []
        order: list[str] = []
        phases = list(PHASES) + sorted({s.phase for s in steps.values()} - set(PHASES))
        for phase in phases:
            members = [s for s in steps.values() if s.phase == phase]
            if not members:
                continue
            options.append(Option(Text(phase.upper(), style="bold dim"), disabled=True))
            for step in members:
                options.append(
                    Option(step_prompt(step, step.step_id in attention), id=step.step_id)
                )
                order.append(step.step_id)
        option_list = self.query_one("#steps", OptionList)
        highlighted = option_list.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        if order == self._order and keep is not None:
            for step_id in order:
                option_list.replace_option_prompt(
                    step_id, step_prompt(steps[step_id], step_id in attention)
                )
        else:
            option_list.set_options(options)
            if keep in order:
                option_list.highlighted = option_list.get_option_index(keep)
        self._order = order
        self._show_detail()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        option = self.query_one("#steps", OptionList).highlighted_option
        step = self._steps.get(option.id) if option is not None and option.id else None
        detail = step_detail(step) if step else "↑↓ on a step: time and the words that matched"
        self.query_one("#step-detail", Static).update(detail)

    def labels(self) -> dict[str, str]:
        """``step_id → symbol`` as shown (for tests and the summary)."""
        return {sid: STEP_SYMBOLS.get(s.status, "?") for sid, s in self._steps.items()}
