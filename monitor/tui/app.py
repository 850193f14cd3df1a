"""The live monitor: ``MonitorApp`` shows one call as it happens.

Capture and transcription run in the engine's worker thread; its events reach the app
through ``EventBridge`` (messages + a coalescing buffer drained on a timer), and every
blocking call (starting the engine, stopping it) runs in a Textual thread worker, so a
key press is answered while both speakers talk.
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Static

from monitor.tui.bridge import EngineEvent, EventBridge
from monitor.tui.model import CallView, clock, flag_key
from monitor.tui.screens.help import HelpScreen
from monitor.tui.screens.summary import SummaryScreen
from monitor.tui.widgets.checklist import ChecklistView
from monitor.tui.widgets.flags import FlagsView
from monitor.tui.widgets.status import StatusBar
from monitor.tui.widgets.transcript import TranscriptView
from monitor.types import (
    DirectionEvent,
    ErrorEvent,
    Event,
    FlagEvent,
    SegmentEvent,
    StartEvent,
    StepEvent,
    SummaryEvent,
)

# the direction key after the user set one: inbound → outbound → back to auto
DIRECTION_CYCLE = {"inbound": "outbound", "outbound": "auto", "auto": "inbound"}
TICK_S = 0.2  # levels, stats and partial text are redrawn at most this often

StartCall = Callable[[Any, Callable[[Event], None]], Any]


class CallStarted(Message):
    def __init__(self, pipeline: Any, call_id: int) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.call_id = call_id


class CallFailed(Message):
    def __init__(self, error: str, call_id: int) -> None:
        super().__init__()
        self.error = error
        self.call_id = call_id


def _default_start_call(spec: Any, on_event: Callable[[Event], None]) -> Any:
    from monitor.runner import start_call

    return start_call(spec, on_event)


class MonitorApp(App[int]):
    """Transcript, checklist, flags and engine health of the call being monitored."""

    CSS_PATH = "monitor.tcss"
    TITLE = "callmon"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [  # noqa: RUF012
        Binding("n", "new_call", "New"),
        Binding("e", "end_call", "End"),
        Binding("d", "cycle_direction", "Dir"),
        Binding("p", "toggle_pause", "Pause"),
        Binding("m", "mark", "Mark"),
        Binding("r", "reload_config", "Reload"),
        Binding("s", "summary", "Summary"),
        Binding("b", "sessions", "Sessions"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        spec: Any = None,
        *,
        config: Any = None,
        start_call: StartCall | None = None,
        autostart: bool = True,
        show_ui_cpu: bool = True,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.config = config if config is not None else getattr(spec, "config", None)
        if self.config is None:
            from monitor.config import Config

            self.config = Config()
        self._start_call = start_call or _default_start_call
        self.autostart = autostart and spec is not None
        self.show_ui_cpu = show_ui_cpu
        self.view = CallView()
        self.pipeline: Any = None
        self._engines: list[Any] = []  # every pipeline started, joined before the process exits
        self._engines_lock = threading.Lock()
        self._quitting = False  # not `_closing`: Textual uses that name
        self.bridge: EventBridge | None = None
        self.call_id = 0
        self.state = "idle"  # idle | starting | live | ending | ended
        self.expected_duration: float | None = None
        self.summary_on_end = False
        self.ui_cpu: float | None = None
        self._cpu_window = (time.perf_counter(), time.thread_time())
        self.last_key_action: tuple[str, float] | None = None  # (action, perf_counter)
        self.first_frame_at: float | None = None

    # ---- layout ----

    def compose(self) -> ComposeResult:
        self.status_bar = StatusBar(id="status")
        self.error_bar = Static("", id="error-bar")
        self.transcript = TranscriptView(self.config.ui.max_transcript_lines, id="transcript")
        self.checklist = ChecklistView(id="checklist")
        self.flags_view = FlagsView(id="flags")
        yield self.status_bar
        yield self.error_bar
        with Horizontal(id="main"):
            yield self.transcript
            with Vertical(id="side"):
                yield self.checklist
                yield self.flags_view
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.theme = (
            self.config.ui.theme
            if self.config.ui.theme in self.available_themes
            else ("textual-dark")
        )
        self.transcript.border_title = "Transcript"
        self.checklist.border_title = "Checklist"
        self.flags_view.border_title = "Flags"
        self.set_interval(TICK_S, self._tick)
        self.call_after_refresh(self._first_frame)
        self._refresh_status()
        notice = getattr(self.spec, "notice", "")
        if notice:
            self.notify(notice, timeout=max(self._toast_s, 6.0))
        if self.autostart:
            self.action_new_call()

    def _first_frame(self) -> None:
        self.first_frame_at = time.perf_counter()

    # ---- engine events ----

    def on_engine_event(self, message: EngineEvent) -> None:
        if message.call_id == self.call_id:
            self.apply_event(message.event)

    def feed(self, events: list[Event]) -> None:
        """Apply events directly (tests and replays of stored calls)."""
        for event in events:
            self.apply_event(event)
        self._refresh_status()

    def apply_event(self, event: Event) -> None:
        if not self.view.apply(event):
            return
        match event:
            case StartEvent():
                if self.state in ("idle", "starting"):
                    self.state = "live"
            case SegmentEvent(segment=segment):
                self.transcript.show(segment)
            case StepEvent():
                self._refresh_checklist()
                if event.step_id == "stay_polite" and event.status == "missed":
                    self.flags_view.show_broken_politeness(event)
                    self.notify(
                        "Agent did not stay polite", severity="error", timeout=self._toast_s
                    )
            case FlagEvent():
                if self.flags_view.show_flag(event):
                    words = ", ".join(event.terms) or event.category
                    self.notify(
                        f"{event.speaker}: {event.category} “{words}”",
                        title="Flag",
                        severity="error" if event.speaker == "agent" else "warning",
                        timeout=self._toast_s,
                    )
            case DirectionEvent():
                self._refresh_status()
            case ErrorEvent():
                self.show_error(event.message)
            case SummaryEvent():
                self._call_ended()

    def _tick(self) -> None:
        if self.bridge is not None:
            for event in self.bridge.drain():
                self.apply_event(event)
        now, cpu = time.perf_counter(), time.thread_time()
        wall0, cpu0 = self._cpu_window
        if now - wall0 >= 1.0:
            self.ui_cpu = (cpu - cpu0) / (now - wall0)
            self._cpu_window = (now, cpu)
        self._refresh_status()
        if self.state == "live":
            self._refresh_checklist()

    @property
    def _toast_s(self) -> float:
        return self.config.ui.toast_seconds

    def _refresh_status(self) -> None:
        paused = bool(self.pipeline is not None and getattr(self.pipeline, "paused", False))
        ui_cpu = self.ui_cpu if self.show_ui_cpu else None
        self.status_bar.refresh_from(self.view, self.state, paused, ui_cpu)

    def _refresh_checklist(self) -> None:
        closing = self.view.closing_soon(self.expected_duration, self.config.ui.closing_warning_s)
        attention = {
            step_id
            for step_id, step in self.view.steps.items()
            if self.view.step_needs_attention(step, closing)
        }
        key = (tuple((s.step_id, s.status) for s in self.view.steps.values()), frozenset(attention))
        if key == getattr(self, "_checklist_key", None):
            return
        self._checklist_key = key
        self.checklist.show(self.view.steps, attention)

    def show_error(self, message: str) -> None:
        """One clear line at the top; the app keeps running."""
        bar = self.error_bar
        bar.update(f"✗ {message}")
        bar.add_class("visible")
        self.notify(message, title="Error", severity="error", timeout=self._toast_s)

    def clear_error(self) -> None:
        self.error_bar.remove_class("visible")

    # ---- call lifecycle ----

    def action_new_call(self) -> None:
        self._note_key("new_call")
        if self.spec is None:
            self.notify("No audio source to start a call from", severity="warning")
            return
        if self.state in ("starting", "live", "ending"):
            self.notify("End the current call first (e)", severity="warning")
            return
        self.call_id += 1
        self.view = CallView()
        self.pipeline = None
        self.expected_duration = None
        self.summary_on_end = False
        self._checklist_key = None
        self.transcript.clear_lines()
        self.flags_view.clear_flags()
        self.checklist.show({}, set())
        self.clear_error()
        self.state = "starting"
        self.bridge = EventBridge(self, self.call_id)
        call_id, bridge, spec = self.call_id, self.bridge, self.spec
        self.run_worker(lambda: self._start_in_thread(spec, bridge, call_id), thread=True)
        self._refresh_status()

    def _start_in_thread(self, spec: Any, bridge: EventBridge, call_id: int) -> None:
        try:
            pipeline = self._start_call(spec, bridge)
        except Exception as exc:
            self.post_message(CallFailed(str(exc) or type(exc).__name__, call_id))
            return
        with self._engines_lock:
            self._engines = [e for e in self._engines if getattr(e, "running", True)]
            self._engines.append(pipeline)
            if self._quitting:  # quit while the engine was starting: nobody will show it
                pipeline.stop()
                return
        self.post_message(CallStarted(pipeline, call_id))

    def on_call_started(self, message: CallStarted) -> None:
        if message.call_id != self.call_id:
            message.pipeline.stop()
            return
        self.pipeline = message.pipeline
        source = getattr(self.pipeline, "source", None)
        duration = getattr(source, "duration", None)
        self.expected_duration = duration if isinstance(duration, int | float) else None
        with contextlib.suppress(AttributeError, RuntimeError):
            self.view.seed_steps(list(self.pipeline.steps()))
        self._refresh_checklist()
        if self.state == "starting":
            self.state = "live"
        self._refresh_status()

    def on_call_failed(self, message: CallFailed) -> None:
        if message.call_id == self.call_id:
            self.state = "idle"
            self.show_error(message.error)
            self._refresh_status()

    def action_end_call(self) -> None:
        self._note_key("end_call")
        if self.state == "ended" or (self.state == "idle" and self.view.ended):
            self.action_summary()
            return
        if self.pipeline is None or self.state not in ("live", "starting"):
            self.notify("No call is running", severity="warning")
            return
        self.state = "ending"
        self.summary_on_end = True
        pipeline = self.pipeline
        self.run_worker(lambda: self._stop_in_thread(pipeline), thread=True)
        self._refresh_status()

    @staticmethod
    def _stop_in_thread(pipeline: Any) -> None:
        pipeline.stop()
        pipeline.join(30)

    def _call_ended(self) -> None:
        self.state = "ended"
        self._refresh_checklist()
        self._refresh_status()
        if self.summary_on_end:
            self.summary_on_end = False
            self.action_summary()
        else:
            self.notify("Call ended — s: summary, n: new call", timeout=self._toast_s)

    # ---- keys ----

    def _note_key(self, action: str) -> None:
        self.last_key_action = (action, time.perf_counter())

    def action_cycle_direction(self) -> None:
        self._note_key("cycle_direction")
        view = self.view
        if view.decided_by == "user":
            direction = DIRECTION_CYCLE[view.direction]  # inbound → outbound → auto
        else:  # auto (or config): override what it decided, inbound when undecided
            direction = {"inbound": "outbound", "outbound": "inbound"}.get(
                view.direction, "inbound"
            )
        if self.pipeline is None or self.state != "live":
            self.notify("Direction applies to a running call", severity="warning")
            return
        self.pipeline.set_direction(direction)
        if direction == "auto":  # shown as plain auto until the rules decide again
            self.view.direction, self.view.decided_by = "auto", "auto"
        self.notify(f"Direction: {direction}", timeout=self._toast_s)

    def action_toggle_pause(self) -> None:
        self._note_key("toggle_pause")
        if self.pipeline is None or self.state != "live":
            self.notify("No call is running", severity="warning")
            return
        if self.pipeline.paused:
            self.pipeline.resume()
            self.notify("Capture resumed", timeout=self._toast_s)
        else:
            self.pipeline.pause()
            self.notify("Capture paused", timeout=self._toast_s)
        self._refresh_status()

    def action_mark(self) -> None:
        self._note_key("mark")
        if self.pipeline is None or self.state != "live":
            self.notify("No call is running", severity="warning")
            return
        self.pipeline.mark("")
        self.notify(f"Marked {clock(self.view.audio_time)}", timeout=self._toast_s)

    def action_reload_config(self) -> None:
        """Re-read the config file; a bad file keeps the old config and says why."""
        self._note_key("reload_config")
        from monitor.config import ConfigError, load_config

        path = getattr(self.config, "path", None)
        try:
            config = load_config(path)
        except ConfigError as exc:
            self.show_error(f"config not reloaded: {exc}")
            return
        self.config = config
        if self.spec is not None and hasattr(self.spec, "config"):
            with contextlib.suppress(TypeError):
                self.spec = replace(self.spec, config=config)
        if self.pipeline is not None and self.state == "live":
            self.pipeline.reload_config(config)
            for delay in (0.5, 2.0):  # the engine re-judges in its own loop
                self.set_timer(delay, self._reconcile_with_engine)
        self.clear_error()
        self.notify(f"Config reloaded from {path or 'defaults'}", timeout=self._toast_s)

    def _reconcile_with_engine(self) -> None:
        """After a rules reload: drop flags and steps the new rules no longer have."""
        if self.pipeline is None or self.state != "live":
            return
        try:
            steps, flags = list(self.pipeline.steps()), list(self.pipeline.flags())
        except RuntimeError:  # the engine was mid-update; the next timer tries again
            return
        standing = {flag_key(flag) for flag in flags}
        for key, flag in list(self.view.flags.items()):
            if key not in standing:
                self.apply_event(replace(flag, withdrawn=True))
        if steps and set(self.view.steps) != {step.step_id for step in steps}:
            self.view.steps = {step.step_id: step for step in steps}
            self._refresh_checklist()

    def action_summary(self) -> None:
        self._note_key("summary")
        if isinstance(self.screen, SummaryScreen):
            self.pop_screen()
            return
        self.push_screen(SummaryScreen(self.view.summary(), self._stored_report_text()))

    def _stored_report_text(self) -> str | None:
        """The store's report of the finished call, when the call was stored."""
        if not self.view.ended or self.view.start is None or not self._call_is_stored():
            return None
        try:
            from monitor.report import build_report, render_text
            from monitor.store import open_store

            store = open_store(self.config.store)
            session_id = getattr(self.pipeline, "session_id", None) or self._find_session(store)
            if session_id is None:
                return None
            report = render_text(build_report(store, session_id))
            return report.split("\nTranscript\n")[0]  # the screen shows the transcript
        except Exception:
            return None  # the summary from the engine's own events still stands

    def _call_is_stored(self) -> bool:
        return bool(getattr(self.spec, "store", False) and self.config.store.enabled)

    def _find_session(self, store: Any) -> int | None:
        """The stored session of this call: same source, started within seconds of it."""
        start = self.view.start
        candidates = [
            info
            for info in store.list_sessions(limit=20)
            if info.source == start.source and abs(info.started_at - start.t_wall) < 60
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda info: abs(info.started_at - start.t_wall)).id

    def action_sessions(self) -> None:
        self._note_key("sessions")
        try:
            from monitor.store import open_store
            from monitor.tui.screens.browser import SessionsScreen

            store = open_store(self.config.store)
        except Exception as exc:
            self.show_error(f"sessions unavailable: {exc}")
            return
        self.push_screen(SessionsScreen(store))

    def action_help(self) -> None:
        self._note_key("help")
        self.push_screen(HelpScreen(self.BINDINGS))

    async def action_quit(self) -> None:
        self._note_key("quit")
        self.stop_engines()
        self.exit(0)

    def stop_pipeline(self) -> None:
        if self.pipeline is not None:
            self.pipeline.stop()

    def stop_engines(self) -> None:
        """Stop every engine this app started, and any that is still starting."""
        with self._engines_lock:
            self._quitting = True
            engines = list(self._engines)
        for engine in engines:
            engine.stop()

    def join_engines(self) -> None:
        """Wait until no engine thread of this app runs (call after ``stop_engines``)."""
        for engine in list(self._engines):
            engine.join()


def run_monitor(spec: Any) -> int:
    """Open the monitor for ``spec`` (a ``runner.CallSpec``); the runner's non-headless path."""
    from monitor.runner import stop_on_signals

    app = MonitorApp(spec)
    try:
        app.run()  # Textual restores the terminal on quit, Ctrl-C and on a crash
    finally:
        # Never exit while an engine thread is inside CTranslate2/onnxruntime: their
        # teardown at exit aborts the process. That includes an engine whose start
        # finished after the quit (Textual waits for that worker, then drops its message).
        with stop_on_signals(app.stop_engines):
            app.stop_engines()
            app.join_engines()
    return app.return_code or 0


def run_browser(args: argparse.Namespace) -> int:
    """``callmon browse``: the sessions browser on its own."""
    from monitor.config import load_config
    from monitor.tui.screens.browser import BrowserApp

    config = load_config(getattr(args, "config", None))
    from monitor.store import open_store

    store = open_store(config.store)
    return BrowserApp(store).run() or 0
