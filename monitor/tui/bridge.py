"""From the engine's worker thread to the Textual app, without piling up messages.

The pipeline calls ``EventBridge.__call__`` from its worker thread. Events that change
what the call *is* (final text, steps, flags, direction, marks, errors, start, summary)
are posted at once as ``EngineEvent`` messages (``post_message`` is thread-safe).
High-rate events (levels, stats, partial text) only replace the latest value per key;
the app takes them with ``drain()`` on a timer, so a busy engine never floods the UI.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.message import Message

from monitor.types import Event, LevelEvent, SegmentEvent, StatsEvent


class EngineEvent(Message):
    """One engine event for the call numbered ``call_id``."""

    def __init__(self, event: Event, call_id: int) -> None:
        super().__init__()
        self.event = event
        self.call_id = call_id


class EventBridge:
    """The ``on_event`` sink handed to the pipeline; thread-safe and cheap."""

    def __init__(self, target: Any, call_id: int) -> None:
        self._target = target
        self.call_id = call_id
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, ...], Event] = {}
        self.coalesced = 0  # high-rate events replaced before the UI saw them

    def __call__(self, event: Event) -> None:
        key = self._coalesce_key(event)
        if key is not None:
            with self._lock:
                if key in self._latest:
                    self.coalesced += 1
                self._latest[key] = event
            return
        if isinstance(event, SegmentEvent):
            segment = event.segment
            with self._lock:  # the final replaces any partial not shown yet
                self._latest.pop(("partial", segment.speaker, str(segment.utterance_id)), None)
        self._target.post_message(EngineEvent(event, self.call_id))

    def drain(self) -> list[Event]:
        """The latest high-rate events since the last drain, oldest key first."""
        with self._lock:
            events = list(self._latest.values())
            self._latest.clear()
        return events

    @staticmethod
    def _coalesce_key(event: Event) -> tuple[str, ...] | None:
        if isinstance(event, LevelEvent):
            return ("level", event.speaker)
        if isinstance(event, StatsEvent):
            return ("stats",)
        if isinstance(event, SegmentEvent) and not event.segment.final:
            return ("partial", event.segment.speaker, str(event.segment.utterance_id))
        return None
