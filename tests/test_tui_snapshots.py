"""Snapshots of the main screen and the summary screen (fixed events, fixed size, no clock).

Update after an intended change of the look: ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and review the SVGs under ``__snapshots__``.
"""

from __future__ import annotations

from tui_events import closing_events, opening_events

from monitor.tui.app import MonitorApp


def monitor_app() -> MonitorApp:
    return MonitorApp(show_ui_cpu=False)  # the UI's own CPU share is the only live number


def test_main_screen_mid_call(snap_compare):
    async def feed(pilot):
        pilot.app.feed(opening_events())
        pilot.app.state = "live"
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(monitor_app(), terminal_size=(100, 30), run_before=feed)


def test_main_screen_fits_80x24(snap_compare):
    async def feed(pilot):
        pilot.app.feed(opening_events())
        pilot.app.state = "live"
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(monitor_app(), terminal_size=(80, 24), run_before=feed)


def test_summary_screen(snap_compare):
    async def feed(pilot):
        pilot.app.feed(opening_events() + closing_events())
        await pilot.pause()
        pilot.app.clear_notifications()
        pilot.app.action_summary()
        await pilot.pause()

    assert snap_compare(monitor_app(), terminal_size=(100, 30), run_before=feed)
