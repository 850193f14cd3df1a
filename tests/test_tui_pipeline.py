"""The monitor driven by the real pipeline: a replay of a real recording through VAD,
faster-whisper (tiny.en, offline) and the rules, at high speed, asserting what the user sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tui_screen import screen_text

from monitor.audio import open_recording
from monitor.config import load_config
from monitor.runner import CallSpec
from monitor.tui.app import MonitorApp
from monitor.tui.screens.browser import SessionScreen, SessionsScreen
from monitor.tui.screens.summary import SummaryScreen

AUDIO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "audio"
HOSTILE = AUDIO / "tts-inbound-hostile.wav"

pytestmark = pytest.mark.model


def replay_spec(store: bool, speed: float = 8.0) -> CallSpec:
    config = load_config(None)
    from dataclasses import replace

    config = replace(
        config, call=replace(config.call, company="Brightline Internet", agent_name="Sarah")
    )
    return CallSpec(
        config=config,
        make_source=lambda: open_recording(HOSTILE, config.audio, speed),
        title="replay tts-inbound-hostile.wav",
        store=store,
        partials=speed > 0,
    )


async def wait_until(pilot, condition, seconds: float = 90.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the app never reached the expected state")


@pytest.mark.anyio
async def test_replay_shows_both_speakers_steps_flags_and_the_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLMON_DB", str(tmp_path / "sessions.db"))
    app = MonitorApp(replay_spec(store=True), show_ui_cpu=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.view.ended)
        await pilot.pause()
        lines = app.transcript.lines_text()
        agent = [line for line in lines if " AGENT " in line]
        customer = [line for line in lines if " CUST " in line]
        assert len(agent) >= 3 and len(customer) >= 3
        assert "Brightline" in " ".join(agent)
        assert not any(line.endswith("…") for line in lines)  # every partial became final

        screen = screen_text(app)
        for label_start in ("✓ Greet", "✓ Introduce", "✓ Offer help"):
            assert label_start in screen, screen
        covered = {sid for sid, symbol in app.checklist.labels().items() if symbol == "✓"}
        assert {"greet_company", "introduce_self", "offer_help", "stay_polite"} <= covered

        flags = app.flags_view.texts()
        assert any("“useless, idiots”" in f or "idiots”" in f for f in flags), flags
        # both hostile customer turns are flagged (tiny.en hears "moron" as "tomorrow on",
        # so the second one rests on "incompetent"), each with words from its own quote
        assert len({turn for _, turn, _ in app.view.flags}) == 2
        for flag in app.view.flags.values():
            assert all(term.lower() in flag.text.lower() for term in flag.terms)
        assert all(f.startswith("⚠") and "CUSTOMER" in f for f in flags)  # nobody flagged the agent
        assert "■ ENDED" in screen

        await pilot.press("e")  # the call is over: e opens the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = screen_text(app)
        assert "Call summary" in summary and "score" in summary
        assert "Greet" in summary and "idiots" in summary and "Talk time: agent" in summary
        assert app.screen.stored_report and "callmon session #" in app.screen.stored_report

        await pilot.press("escape", "b")  # the same call in the sessions browser
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "idiots" in screen_text(app)


@pytest.mark.anyio
async def test_bad_reload_and_early_end_keep_the_call_going_then_summarise(tmp_path):
    config_path = tmp_path / "config.toml"
    config_path.write_text('[call]\ncompany = "Brightline Internet"\n', encoding="utf-8")
    spec = replay_spec(store=False, speed=2.0)
    spec.config = load_config(config_path)
    app = MonitorApp(spec, show_ui_cpu=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.view.flags)  # the first insult arrived
        assert app.state == "live"
        config_path.write_text("[vad]\nthreshold = 7\n", encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert "config not reloaded" in screen_text(app) and "vad.threshold" in screen_text(app)
        heard = len(app.view.segments)
        await wait_until(pilot, lambda: len(app.view.segments) > heard, 30)  # still live
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen), 30)
        summary = app.screen.summary
        assert summary.duration < 35  # ended before the recording did
        assert any("idiots" in " ".join(f.terms) + f.text for f in summary.flags)
        assert app.screen.stored_report is None  # --no-store: from the engine's own state
        await pilot.press("q")
    assert app.return_code == 0 and not (app.pipeline and app.pipeline.running)


def test_no_textual_import_outside_the_tui_package():
    root = Path(__file__).resolve().parents[1] / "monitor"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tui" not in path.relative_to(root).parts
        and ("import textual" in path.read_text() or "from textual" in path.read_text())
    ]
    assert offenders == []


assert os.environ.get("HF_HUB_OFFLINE") == "1"  # conftest sets it: nothing downloads
