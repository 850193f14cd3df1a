"""Feed a labelled ``*.call.json`` through a session writer as the pipeline would.

Turns become final segments; the call's labels become the step and flag events the
rules would have emitted. Used by the store, report and session command tests.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from monitor.store import SessionMeta, SessionStore
from monitor.types import (
    DirectionEvent,
    FlagEvent,
    LevelEvent,
    MarkEvent,
    Segment,
    SegmentEvent,
    StartEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
AUDIO = SHARED / "data" / "audio"
HOSTILE_CALL = AUDIO / "tts-inbound-hostile.call.json"


def call_events(call: dict, hostile_terms: dict[int, tuple[str, ...]] | None = None) -> list:
    """The events a pipeline emits for ``call`` (partials included, levels 10 per second)."""
    turns = call["turns"]
    hostile = set(call["expect"].get("hostile", []))
    events: list = [
        StartEvent(
            source="test",
            speakers=("agent", "customer"),
            model="tiny.en",
            t_wall=time.time(),
            devices=("test-device",),
        ),
        DirectionEvent(direction=call["direction"], decided_by="config"),
    ]
    steps = list(call["expect"].get("steps", {}).items())
    for index, turn in enumerate(turns):
        start, end = turn["start"], turn["end"]
        t = start
        while t < end:
            events.append(LevelEvent(turn["speaker"], -20.0, -6.0, False, round(t, 2)))
            t += 0.1
        events.append(
            SegmentEvent(
                Segment(turn["speaker"], index, start, end, turn["text"][:10], final=False)
            )
        )
        events.append(
            SegmentEvent(
                Segment(
                    turn["speaker"],
                    index,
                    start,
                    end,
                    turn["text"],
                    final=True,
                    latency=0.4 + 0.01 * index,
                )
            )
        )
        events.append(StatsEvent(at=end, latency_p50=0.4, cpu_share=0.6, dropped_blocks=0))
        if index in hostile:
            terms = (hostile_terms or {}).get(index, ("idiots",))
            events.append(
                FlagEvent(index, turn["speaker"], "insult", "high", 0.9, terms, turn["text"], end)
            )
        if index < len(steps) and turn["speaker"] == "agent":
            step_id, covered = steps[index]
            events.append(
                StepEvent(
                    step_id,
                    step_id.replace("_", " "),
                    "covered" if covered else "missed",
                    at=end,
                    turn=index,
                    evidence=turn["text"][:30],
                )
            )
    events.append(MarkEvent(at=12.0, note="check account"))
    return events


def record_call(
    store: SessionStore,
    call_path: Path = HOSTILE_CALL,
    close: bool = True,
    title: str = "",
    agent: str | None = None,
    started_at: float = 0.0,
) -> int:
    """Write one call into ``store``; returns the session id."""
    call = json.loads(Path(call_path).read_text(encoding="utf-8"))
    writer = store.start_session(
        SessionMeta(
            source=str(call_path),
            title=title or call.get("id", ""),
            started_at=started_at,
            direction=call["direction"],
            agent_name=agent if agent is not None else call.get("agent_name", ""),
            company=call.get("company", ""),
            model="tiny.en",
        )
    )
    events = call_events(call)
    for event in events:
        writer(event)
    if close:
        end = max(t["end"] for t in call["turns"])
        writer(
            SummaryEvent(
                duration=end,
                segments=2 * len(call["turns"]),
                finals=len(call["turns"]),
                partials=len(call["turns"]),
                latency_p50=0.45,
                latency_p95=0.6,
                first_partial_p50=0.5,
                cpu_seconds=12.0,
                dropped_blocks=0,
                startup_s=1.2,
            )
        )
    else:
        writer.abandon()
    return writer.session_id


def record_judged_call(store: SessionStore, call_path: Path = HOSTILE_CALL, config=None) -> int:
    """Write ``call_path`` with the events the real rules decide (as the pipeline would)."""
    from monitor.config import Config
    from monitor.rules.judge import CallJudge

    config = config or Config()
    call = json.loads(Path(call_path).read_text(encoding="utf-8"))
    call_cfg = replace(
        config.call,
        direction=call["direction"],
        company=call.get("company", ""),
        agent_name=call.get("agent_name", ""),
    )
    writer = store.start_session(
        SessionMeta(
            source=str(call_path),
            title=call.get("id", ""),
            direction=call_cfg.direction,
            agent_name=call_cfg.agent_name,
            company=call_cfg.company,
            model="tiny.en",
        )
    )
    judge = CallJudge(config.rules, call_cfg)
    writer(
        StartEvent(
            source="test", speakers=("agent", "customer"), model="tiny.en", t_wall=time.time()
        )
    )
    writer(DirectionEvent(direction=call["direction"], decided_by="config"))
    for index, turn in enumerate(call["turns"]):
        segment = Segment(
            turn["speaker"],
            index,
            turn["start"],
            turn["end"],
            turn["text"],
            final=True,
            latency=0.5,
        )
        writer(SegmentEvent(segment))
        for event in judge.feed(segment):
            writer(event)
    end = max(t["end"] for t in call["turns"])
    for event in judge.finish(end):
        writer(event)
    writer(
        SummaryEvent(
            duration=end,
            segments=len(call["turns"]),
            finals=len(call["turns"]),
            partials=0,
            latency_p50=0.5,
            latency_p95=0.5,
            first_partial_p50=None,
            cpu_seconds=1.0,
            dropped_blocks=0,
            startup_s=1.0,
        )
    )
    return writer.session_id
