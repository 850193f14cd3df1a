"""Header/status: call timer, direction, inputs, level meters, model, latency, CPU, drops."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from monitor.tui.model import CallView, clock
from monitor.types import LevelEvent

METER_WIDTH = 10
FLOOR_DBFS = -60.0


def meter(level: LevelEvent | None, width: int = METER_WIDTH) -> Text:
    """``▕██████░░░░▏`` for the RMS level; ``CLIP`` (and red) when the input clipped."""
    if level is None:
        return Text("▕" + "·" * width + "▏", style="dim")
    fill = (min(max(level.rms_dbfs, FLOOR_DBFS), 0.0) - FLOOR_DBFS) / -FLOOR_DBFS
    filled = round(fill * width)
    text = Text("▕")
    text.append("█" * filled, style="red" if level.clipped else "green")
    text.append("░" * (width - filled), style="dim")
    text.append("▏")
    text.append(
        " CLIP" if level.clipped else f"{level.rms_dbfs:4.0f}dB",
        style="bold red" if level.clipped else "dim",
    )
    return text


class StatusBar(Static):
    """Two lines at the top of the screen; redrawn from ``CallView`` on a timer."""

    def render_view(self, view: CallView, state: str, paused: bool, ui_cpu: float | None) -> Text:
        start = view.start
        line = Text()
        symbol = {"live": "●", "ended": "■", "starting": "◌", "idle": "○"}.get(state, "○")
        if paused and state == "live":
            symbol, state = "Ⅱ", "paused"
        line.append(f"{symbol} {state.upper()} {clock(view.audio_time)} ", style="bold")
        line.append(f"│ dir {view.direction_text()} ")
        stats = view.stats
        if stats is not None:
            latency = "-" if stats.latency_p50 is None else f"{stats.latency_p50:.2f}s"
            line.append(f"│ lat {latency} │ cpu {stats.cpu_share * 100:.0f}% ")
            dropped_style = "bold red" if stats.dropped_blocks else ""
            line.append(f"│ drop {stats.dropped_blocks}", style=dropped_style)
        if ui_cpu is not None:
            line.append(f" │ ui {ui_cpu * 100:.0f}%", style="dim")
        line.append("\n")
        speakers = start.speakers if start is not None else ("agent", "customer")
        for speaker in speakers:
            line.append(f"{speaker} ", style="bold")
            line.append_text(meter(view.levels.get(speaker)))
            line.append(" ")
        if start is not None:
            inputs = ", ".join(start.devices) if start.devices else start.source
            line.append(f"│ {start.model} │ in {inputs}", style="dim")
        line.no_wrap = True  # two lines whatever the width; the tail gives way
        line.overflow = "ellipsis"
        return line

    def refresh_from(
        self, view: CallView, state: str, paused: bool = False, ui_cpu: float | None = None
    ) -> None:
        text = self.render_view(view, state, paused, ui_cpu)
        key = (text.plain, tuple(text.spans))
        if key != getattr(self, "_shown", None):  # redraw only what changed
            self._shown = key
            self.update(text)
