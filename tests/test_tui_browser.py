"""`callmon browse`: the sessions browser over a real SQLite store."""

from __future__ import annotations

import pytest
from tui_events import closing_events, opening_events
from tui_screen import screen_text

from monitor.store import SessionMeta, open_store
from monitor.tui.screens.browser import BrowserApp, SessionScreen, SessionsScreen
from monitor.types import SummaryEvent


@pytest.fixture
def store(tmp_path):
    store = open_store(path=tmp_path / "sessions.db")
    for title in ("first call", "hostile call"):
        writer = store.start_session(SessionMeta(source="test.wav", title=title))
        events = opening_events() + closing_events()
        for event in events[:-1]:
            writer(event)
        writer.close(next(e for e in events if isinstance(e, SummaryEvent)))
    return store


@pytest.mark.anyio
async def test_browser_lists_opens_a_session_and_jumps_to_a_flag(store):
    app = BrowserApp(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        listing = screen_text(app)
        assert "hostile call" in listing and "first call" in listing
        assert listing.index("hostile call") < listing.index("first call")  # newest first
        assert "⚠2" in listing  # two flags
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        text = screen_text(app)
        assert "useless idiots" in text and "Checklist" in text
        flags = app.screen.query_one("#session-flags")
        flags.focus()
        await pilot.press("down", "enter")  # the second flag: "moron" at 0:20
        await pilot.pause()
        jumped = app.screen.query(".jumped")
        assert len(jumped) == 1 and "moron" in jumped.first().plain
        await pilot.press("escape", "escape")
    assert app.return_code == 0


@pytest.mark.anyio
async def test_browser_on_an_empty_store_says_so(tmp_path):
    app = BrowserApp(open_store(path=tmp_path / "empty.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No sessions stored yet" in screen_text(app)
        await pilot.press("q")
