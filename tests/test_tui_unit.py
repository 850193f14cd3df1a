"""The monitor's own logic with a fixed event stream (no model): bridge, state, widgets, keys.

The real pipeline is driven in test_tui_pipeline.py; here a fake engine stands in so that
each behaviour of the UI is checked on its own.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from tui_events import closing_events, opening_events, seg, step
from tui_screen import screen_text

from monitor.config import Config, UiConfig
from monitor.tui.app import MonitorApp
from monitor.tui.bridge import EngineEvent, EventBridge
from monitor.tui.model import CallView
from monitor.tui.screens.summary import SummaryScreen
from monitor.types import (
    DirectionEvent,
    ErrorEvent,
    FlagEvent,
    LevelEvent,
    MarkEvent,
    SegmentEvent,
    StatsEvent,
)


class Recorder:
    def __init__(self) -> None:
        self.messages: list[EngineEvent] = []

    def post_message(self, message: EngineEvent) -> bool:
        self.messages.append(message)
        return True


def test_bridge_coalesces_levels_stats_and_partials_but_posts_the_rest_at_once():
    target = Recorder()
    bridge = EventBridge(target, call_id=3)
    for i in range(50):
        bridge(LevelEvent("agent", -30.0 - i, -10.0, False, i * 0.1))
        bridge(LevelEvent("customer", -20.0, -1.0, i == 49, i * 0.1))
        bridge(StatsEvent(i * 0.1, 0.8, 0.3, i))
    bridge(seg("agent", 0, 0.0, 1.0, "hello", final=False))
    bridge(seg("agent", 0, 0.0, 1.5, "hello there", final=False))
    assert target.messages == []
    drained = bridge.drain()
    levels = {e.speaker: e for e in drained if isinstance(e, LevelEvent)}
    assert levels["agent"].rms_dbfs == -79.0 and levels["customer"].clipped
    assert [e.dropped_blocks for e in drained if isinstance(e, StatsEvent)] == [49]
    partials = [e for e in drained if isinstance(e, SegmentEvent)]
    assert [p.segment.text for p in partials] == ["hello there"]
    assert bridge.drain() == []

    bridge(seg("agent", 1, 2.0, 3.0, "partial text", final=False))
    bridge(seg("agent", 1, 2.0, 3.5, "final text"))
    assert bridge.drain() == []  # the final replaced the partial nobody saw
    assert [m.event.segment.text for m in target.messages] == ["final text"]
    assert target.messages[0].call_id == 3


def test_call_view_keeps_final_text_and_drops_withdrawn_flags():
    view = CallView()
    for event in opening_events():
        view.apply(event)
    assert not view.apply(seg("agent", 0, 0.4, 3.0, "late partial", final=False))
    assert view.segments[("agent", 0)].text.startswith("Thank you for calling Brightline")
    flag = next(e for e in opening_events() if isinstance(e, FlagEvent))
    assert len(view.flags) == 1
    view.apply(replace(flag, withdrawn=True))
    assert view.flags == {}
    assert view.direction_text() == "auto→inbound"


def test_summary_counts_steps_flags_and_talk_time():
    view = CallView()
    for event in opening_events() + closing_events():
        view.apply(event)
    summary = view.summary()
    assert {s.step_id for s in summary.covered} >= {"greet_company", "thank_for_time"}
    assert summary.missed == []
    assert [f.terms for f in summary.flags] == [("useless idiots",), ("moron",)]
    assert summary.talk_time["agent"] > summary.talk_time["customer"] > 0
    assert summary.score == 100


@pytest.mark.anyio
async def test_partial_line_is_replaced_in_place_and_flags_are_newest_first():
    app = MonitorApp(show_ui_cpu=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(opening_events())
        await pilot.pause()
        lines = app.transcript.lines_text()
        assert lines[-1].endswith("I'm really sorry …")  # partial: marked in progress
        app.feed(closing_events())
        await pilot.pause()
        lines = app.transcript.lines_text()
        assert len(lines) == 8  # one line per utterance, partials replaced
        assert "I'm really sorry about that." in lines[2] and "…" not in lines[2]
        assert lines[1].startswith("0:05 CUST") and lines[0].startswith("0:00 AGENT")
        flags = app.flags_view.texts()
        assert "moron" in flags[0] and "useless idiots" in flags[1]
        text = screen_text(app)
        assert "✓ Greet with the company" in text
        assert "■ ENDED" in text


@pytest.mark.anyio
async def test_required_steps_still_pending_near_the_end_stand_out():
    config = replace(Config(), ui=UiConfig(closing_warning_s=30.0))
    app = MonitorApp(config=config, show_ui_cpu=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(opening_events())
        app.state = "live"
        app.expected_duration = 60.0
        app._refresh_checklist()
        await pilot.pause()
        assert "! Thank the customer" not in screen_text(app)
        app.feed([step("thank_for_time", "pending"), LevelEvent("agent", -30, -10, False, 35.0)])
        app._refresh_checklist()
        await pilot.pause()
        text = screen_text(app)
        assert "! Thank the customer" in text and "! Resolve or redirect" in text
        assert "✓ Offer help" in text


@pytest.mark.anyio
async def test_agent_flag_and_broken_politeness_stand_out_and_toast():
    app = MonitorApp(show_ui_cpu=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(opening_events())
        app.feed(
            [
                FlagEvent(9, "agent", "profanity", "medium", 0.7, ("shut up",), "Oh shut up.", 12),
                step("stay_polite", "missed", 12.0, "agent: shut up"),
            ]
        )
        await pilot.pause()
        flags = app.flags_view.texts()
        assert flags[0].startswith("‼") and "did not stay polite" in flags[0]
        assert flags[1].startswith("‼ 0:12 AGENT profanity/medium “shut up”")
        assert flags[2].startswith("⚠")
        agent_items = app.flags_view.query(".agent-flag")
        assert len(agent_items) == 2
        toasts = [n.message for n in app._notifications]
        assert any("shut up" in m for m in toasts) and any("idiots" in m for m in toasts)


@pytest.mark.anyio
async def test_engine_error_is_shown_and_the_app_keeps_running():
    app = MonitorApp(show_ui_cpu=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(opening_events())
        app.feed([ErrorEvent("audio device lost: USB headset unplugged", fatal=False)])
        await pilot.pause()
        assert "✗ audio device lost: USB headset unplugged" in screen_text(app)
        app.feed(closing_events())
        await pilot.pause()
        assert app.is_running and len(app.transcript.lines_text()) == 8


class FakePipeline:
    """Stands in for monitor.pipeline.Pipeline: emits a fixed list from a worker thread."""

    def __init__(self, events, on_event) -> None:
        self.events = events
        self.on_event = on_event
        self.paused = False
        self.marks: list[str] = []
        self.directions: list[str] = []
        self.reloaded: list[Config] = []
        self._stop = threading.Event()
        self._go_on = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for event in self.events[:-1]:
            self.on_event(event)
        self._go_on.wait(10)  # the call stays live until the test lets it end
        self.on_event(self.events[-1])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._go_on.set()

    def join(self, timeout=None):
        self.thread.join(timeout)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def mark(self, note: str = "") -> None:
        self.marks.append(note)
        self.on_event(MarkEvent(12.5, note))

    def set_direction(self, direction: str) -> None:
        self.directions.append(direction)
        if direction != "auto":  # as the real judge answers a user's choice
            self.on_event(DirectionEvent(direction, "user"))

    def reload_config(self, config: Config) -> None:
        self.reloaded.append(config)

    def steps(self):
        return []

    def flags(self):
        return []  # the reloaded rules flag nothing


def fake_start(pipelines: list[FakePipeline]):
    def start(spec, on_event):
        pipeline = FakePipeline(opening_events() + closing_events(), on_event)
        pipelines.append(pipeline)
        pipeline.start()
        return pipeline

    return start


async def wait_for(pilot, condition, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[call]\ncompany = "Brightline Internet"\n', encoding="utf-8")
    return path


@pytest.mark.anyio
async def test_keys_drive_the_running_call_through_the_thread_bridge(config_file: Path):
    from monitor.config import load_config

    pipelines: list[FakePipeline] = []
    config = load_config(config_file)
    app = MonitorApp(spec=object(), config=config, start_call=fake_start(pipelines))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.transcript.lines_text()) >= 2)
        assert app.state == "live"
        pipeline = pipelines[0]
        await pilot.press("p")
        assert pipeline.paused and "PAUSED" in screen_text(app)
        await pilot.press("p")
        assert not pipeline.paused
        await pilot.press("m")
        await wait_for(pilot, lambda: app.view.marks)
        await pilot.press("d")
        assert pipeline.directions == ["outbound"]  # auto decided inbound; next is outbound
        await wait_for(pilot, lambda: app.view.decided_by == "user")
        await pilot.press("d")
        assert pipeline.directions == ["outbound", "auto"]  # then back to auto
        await wait_for(pilot, lambda: "auto" in screen_text(app))

        config_file.write_text("[asr]\nbeam_size = 0\n", encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert "config not reloaded" in screen_text(app) and "beam_size" in screen_text(app)
        assert app.config is config and pipeline.reloaded == []
        config_file.write_text('[call]\ncompany = "Acme"\n', encoding="utf-8")
        await pilot.press("r")
        assert pipeline.reloaded and pipeline.reloaded[0].call.company == "Acme"
        await wait_for(pilot, lambda: not app.flags_view.texts())  # flags the new rules dropped

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen))
        summary = screen_text(app)
        assert "Call summary" in summary and "Talk time" in summary
        assert "Flags: 0" in summary  # the reloaded rules withdrew both
        await pilot.press("n")  # a new call from the summary screen
        await wait_for(pilot, lambda: len(pipelines) == 2 and app.state == "live")
        pipelines[1].stop()
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.anyio
async def test_a_call_that_cannot_start_shows_why_and_the_app_stays_up():
    def failing_start(spec, on_event):
        from monitor.errors import ModelError

        raise ModelError("Whisper model 'tiny.xx' not found (looked in models/, packages)")

    app = MonitorApp(spec=object(), start_call=failing_start, show_ui_cpu=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "tiny.xx" in screen_text(app))
        assert app.state == "idle" and app.is_running
        assert "✗ Whisper model 'tiny.xx' not found" in screen_text(app)


@pytest.mark.anyio
async def test_a_flag_raised_on_partial_text_is_confirmed_by_the_final_text():
    from monitor.config import CallConfig
    from monitor.rules.judge import CallJudge
    from monitor.rules.settings import RulesConfig

    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))

    def said(text: str, final: bool) -> list:
        segment = seg("customer", 5, 3.0, 5.0, text, final=final)
        return [segment, *judge.feed(segment.segment)]  # the pipeline's order

    app = MonitorApp(show_ui_cpu=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(opening_events()[:1])
        app.feed(said("you useless bastard", final=False))
        await pilot.pause()
        assert app.flags_view.texts()[0].count("(partial)") == 1
        toasts = len(app._notifications)
        assert toasts >= 1  # the partial flag's toast
        app.feed(said("You useless bastards, honestly.", final=True))
        await pilot.pause()
        [shown] = app.flags_view.texts()
        assert "(partial)" not in shown and "You useless bastards, honestly." in shown
        assert len(app._notifications) == toasts  # confirmed, not a second toast


@pytest.mark.anyio
async def test_settled_text_replaces_lines_removes_empty_ones_and_inserts_in_time_order():
    app = MonitorApp(show_ui_cpu=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed(opening_events())
        app.feed(closing_events())
        await pilot.pause()
        before = app.transcript.lines_text()
        settled = [
            seg("agent", 0, 0.4, 4.9, "Thanks for calling Brightline."),
            seg("customer", 7, 39.0, 40.0, ""),  # the settle pass heard nothing there
            seg("customer", 99, 10.3, 10.8, "Right."),  # speech the live pass missed
        ]
        app.feed([SegmentEvent(replace(e.segment, revised=True)) for e in settled])
        await pilot.pause()
        lines = app.transcript.lines_text()
        assert lines[0].endswith("AGENT Thanks for calling Brightline.")
        assert len(lines) == len(before)  # one removed, one inserted
        assert not any(line.endswith("CUST  Okay. Bye.") for line in lines)
        right = next(i for i, line in enumerate(lines) if line.endswith("Right."))
        assert lines[right - 1].startswith("0:05 CUST") and lines[right + 1].startswith("0:10")
