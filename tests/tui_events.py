"""A fixed, real-looking event stream of the tts-inbound-hostile call (for TUI unit tests)."""

from __future__ import annotations

from monitor.types import (
    DirectionEvent,
    Event,
    FlagEvent,
    LevelEvent,
    Segment,
    SegmentEvent,
    StartEvent,
    StatsEvent,
    StepEvent,
    SummaryEvent,
)

STEPS = [
    ("greet_company", "Greet with the company name", "opening"),
    ("introduce_self", "Introduce yourself", "opening"),
    ("offer_help", "Offer help", "opening"),
    ("resolve_or_redirect", "Resolve or redirect", "during"),
    ("stay_polite", "Stay polite", "during"),
    ("agree_next_steps", "Agree next steps", "closing"),
    ("thank_for_time", "Thank the customer", "closing"),
]


def step(step_id: str, status: str, at: float | None = None, evidence: str = "") -> StepEvent:
    label, phase = next((label, phase) for sid, label, phase in STEPS if sid == step_id)
    return StepEvent(step_id, label, status, at=at, evidence=evidence, phase=phase)


def seg(speaker: str, uid: int, start: float, end: float, text: str, final: bool = True):
    return SegmentEvent(Segment(speaker, uid, start, end, text, final))


def opening_events() -> list[Event]:
    """Start, pending checklist, the first two turns (one partial first), a customer flag."""
    return [
        StartEvent(
            source="tts-inbound-hostile.wav (stereo, x8)",
            speakers=("agent", "customer"),
            model="tiny.en",
            t_wall=1_700_000_000.0,
        ),
        *[step(sid, "pending") for sid, _, _ in STEPS],
        seg("agent", 0, 0.4, 2.0, "Thank you for calling Brightline", final=False),
        seg(
            "agent",
            0,
            0.4,
            4.9,
            "Thank you for calling Brightline Internet, this is Sarah. How can I help you today?",
        ),
        step("greet_company", "covered", 4.9, "Brightline Internet"),
        step("introduce_self", "covered", 4.9, "this is Sarah"),
        step("offer_help", "covered", 4.9, "How can I help you"),
        DirectionEvent("inbound", "auto"),
        seg(
            "customer",
            1,
            5.4,
            10.1,
            "My internet has been down for three days. You people are useless idiots.",
        ),
        FlagEvent(
            1,
            "customer",
            "insult",
            "high",
            0.9,
            ("useless idiots",),
            "My internet has been down for three days. You people are useless idiots.",
            10.1,
        ),
        LevelEvent("agent", -32.0, -12.0, False, 10.1),
        LevelEvent("customer", -18.0, -0.1, True, 10.1),
        StatsEvent(10.1, 0.82, 0.31, 0),
        seg("agent", 2, 10.9, 12.0, "I'm really sorry", final=False),
    ]


def closing_events() -> list[Event]:
    """The rest of the call up to the summary."""
    return [
        seg(
            "agent",
            2,
            10.9,
            15.0,
            "I'm really sorry about that. Could I have your account number, please?",
        ),
        seg(
            "customer",
            3,
            16.0,
            20.0,
            "It's four four one eight. And hurry up, you incompetent moron.",
        ),
        FlagEvent(
            3,
            "customer",
            "insult",
            "high",
            0.9,
            ("moron",),
            "It's four four one eight. And hurry up, you incompetent moron.",
            20.0,
        ),
        seg(
            "agent",
            4,
            20.9,
            28.7,
            "I understand you're frustrated, and I want to fix this. "
            "A technician can repair it tomorrow morning.",
        ),
        step("resolve_or_redirect", "covered", 28.7, "a technician can repair it"),
        step("agree_next_steps", "covered", 28.7, "tomorrow morning"),
        seg("customer", 5, 29.2, 31.1, "Fine. Tomorrow morning then."),
        seg(
            "agent",
            6,
            31.6,
            38.5,
            "I've booked the visit for eight to ten. Thank you for "
            "calling, and sorry again for the trouble.",
        ),
        step("thank_for_time", "covered", 38.5, "Thank you for calling"),
        step("stay_polite", "covered", 38.5, "agent stayed polite after hostility"),
        seg("customer", 7, 39.0, 40.0, "Okay. Bye."),
        SummaryEvent(
            duration=40.5,
            segments=14,
            finals=8,
            partials=6,
            latency_p50=0.8,
            latency_p95=1.1,
            first_partial_p50=0.6,
            cpu_seconds=9.0,
            dropped_blocks=0,
            startup_s=0.4,
            flags=2,
        ),
    ]
