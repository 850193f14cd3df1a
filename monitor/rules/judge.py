"""``CallJudge``: the live checklist and hostility state machine of one call (pure, no I/O).

Feed it ``Segment``s as they come (partials then one final per utterance). Steps are
judged on final text; hostility is scored on partials too, so a flag shows while the
words are still being said; the final text confirms or withdraws it.

One flag per utterance: when several categories reach their threshold ("you stupid
f***ing idiot" is insult and profanity), the flag carries the most serious one (threat >
harassment > insult > profanity), the highest severity among them, and the terms of all
of them (each once, none inside a longer one), so a supervisor sees one entry per
hostile utterance. A flag raised on a partial is re-sent with ``final=True`` when the
final text still has it (same turn and category; consumers update, not add), or with
``withdrawn=True`` when it does not. When a more serious category appears later in the
same utterance, the old flag is withdrawn and
the new one raised (in that order).

``set_direction`` and ``reload`` re-judge the call from its segments so far and return
only what changed: a ``DirectionEvent``, ``StepEvent``s of steps whose state changed and
``FlagEvent``s raised, changed or withdrawn (``withdrawn=True``).

Mono recordings (speaker ``mixed``): a mixed turn may be the agent's, so it can cover
agent steps and counts as half an agent turn for windows; it is also checked for the
customer conditions (bad time, declined). Its flags are attributed to ``mixed`` and do
not trigger ``stay_polite`` (we cannot tell who was hostile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from monitor.config import CallConfig
from monitor.rules.etiquette import Etiquette
from monitor.rules.hostility import HostilityScorer
from monitor.rules.packs import load_pack
from monitor.rules.settings import RulesConfig, StepSettings
from monitor.types import DirectionEvent, Event, FlagEvent, Segment, StepEvent


@dataclass
class _StepState:
    settings: StepSettings
    status: str = "pending"
    at: float | None = None
    turn: int | None = None
    evidence: str = ""
    match_agent_turn: float | None = None  # agent-turn count at the covering match
    cond_agent_turns: float | None = None  # agent-turn count when the condition held
    cond_at: float | None = None


@dataclass
class _Utterance:
    flag: FlagEvent | None = None  # the active flag, if any
    final: bool = False


# the most serious category names an utterance's flag
CATEGORY_RANK = {"threat": 4, "harassment": 3, "insult": 2, "profanity": 1}
_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
DECLINE_AFTER_AGENT_TURNS = 2  # without a recognised purpose, declines count from here


class CallJudge:
    """Checklist + flags for one call. See the module docstring."""

    def __init__(self, rules: RulesConfig, call: CallConfig) -> None:
        self.rules = rules
        self._call = call
        self.pack = load_pack(rules.language)
        self.etiquette = Etiquette(rules, self.pack, call.company, call.agent_name)
        self.scorer = HostilityScorer(self.pack, rules.hostility)
        self._direction: str | None = call.direction if call.direction != "auto" else None
        self._decided_by = "config" if self._direction else ""
        self._agent_turns = 0.0  # mixed turns count half
        self._first_agent_turn_seen = False
        self._customer_hostile = False
        self._utterances: dict[int, _Utterance] = {}
        self._steps: dict[str, _StepState] = {}
        for step in rules.steps:
            if not step.enabled:
                continue
            state = _StepState(step)
            if step.condition or (self._direction and not step.applies_to(self._direction)):
                state.status = "n/a"
            self._steps[step.id] = state
        self._finished_at: float | None = None
        self._segments: dict[int, Segment] = {}  # latest segment per utterance, for re-judging

    # ---- public API ----

    @property
    def direction(self) -> str | None:
        """ "inbound"/"outbound", or None while ``auto`` has not decided."""
        return self._direction

    def feed(self, segment: Segment) -> list[Event]:
        """Events caused by one partial or final segment."""
        events: list[Event] = list(self._score_flags(segment))
        latest = self._segments.get(segment.utterance_id)
        if latest is None or not latest.final:
            self._segments[segment.utterance_id] = segment
        if segment.final and segment.text.strip():
            events += self._judge_steps(segment)
        return events

    def revise(self, segments: list[Segment]) -> list[Event]:
        """Settled text replaces earlier finals: re-judge the call; returns what changed."""
        known = self._segments
        added = any(s.utterance_id not in known for s in segments)
        for segment in segments:
            known[segment.utterance_id] = segment
        if added:  # text for speech the live pass had dropped: put it in time order
            self._segments = dict(sorted(known.items(), key=lambda item: item[1].end))
        user = self._direction if self._decided_by == "user" else None
        return self._rejudge(self.rules, self._call, user)

    def start(self) -> list[Event]:
        """The initial checklist (and the direction when config sets it), for the UI."""
        events: list[Event] = []
        if self._direction:
            events.append(DirectionEvent(self._direction, self._decided_by))  # type: ignore[arg-type]
        return events + list(self.steps())

    def reload(self, rules: RulesConfig, call: CallConfig) -> list[Event]:
        """New rules mid-call: re-judge the segments so far; returns what changed."""
        user = self._direction if self._decided_by == "user" else None
        return self._rejudge(rules, call, user)

    def set_direction(self, direction: str, decided_by: str = "user") -> list[Event]:
        """Set the direction (user key, CLI), or ``"auto"`` to decide it again from the turns
        so far; the call is re-judged and what changed is returned."""
        if direction not in ("inbound", "outbound", "auto"):
            raise ValueError(f"direction must be inbound, outbound or auto, got {direction!r}")
        call = replace(self._call, direction="auto")
        forced = None if direction == "auto" else direction
        events = self._rejudge(self.rules, call, forced, decided_by)
        if forced and not any(isinstance(e, DirectionEvent) for e in events):
            events.insert(0, DirectionEvent(forced, self._decided_by))  # type: ignore[arg-type]
        return events

    def _rejudge(
        self,
        rules: RulesConfig,
        call: CallConfig,
        direction: str | None,
        decided_by: str = "user",
    ) -> list[Event]:
        """Start again from the segments so far; the events that bring consumers up to date."""
        old_steps = {s.step_id: s for s in self.steps()}
        old_flags = {(f.turn, f.category): f for f in self.flags()}
        old_direction = (self._direction, self._decided_by)
        segments, finished_at = list(self._segments.values()), self._finished_at
        same_matchers = rules is self.rules and (call.company, call.agent_name) == (
            self._call.company,
            self._call.agent_name,
        )
        matchers = (self.etiquette, self.scorer)
        if direction:
            call = replace(call, direction=direction)
        self.__init__(rules, call)  # type: ignore[misc]
        if same_matchers:  # keep what they remember of the texts seen so far
            self.etiquette, self.scorer = matchers
        if direction:
            self._decided_by = decided_by
        for segment in segments:
            self.feed(segment)
        if finished_at is not None:
            self.finish(finished_at)
        events: list[Event] = []
        if self._direction and (self._direction, self._decided_by) != old_direction:
            events.append(DirectionEvent(self._direction, self._decided_by))  # type: ignore[arg-type]
        new_steps = {s.step_id: s for s in self.steps()}
        for step_id, old in old_steps.items():
            if step_id not in new_steps and old.status != "n/a":
                events.append(replace(old, status="n/a", at=None, turn=None, evidence=""))
        events += [s for sid, s in new_steps.items() if old_steps.get(sid) != s]
        new_flags = {(f.turn, f.category): f for f in self.flags()}
        for key, old in old_flags.items():
            if key not in new_flags:
                events.append(replace(old, withdrawn=True, final=True))
        events += [f for key, f in new_flags.items() if old_flags.get(key) != f]
        return events

    def _apply_direction(self, direction: str, decided_by: str) -> list[Event]:
        """The direction is now known: steps of the other direction become ``n/a``."""
        self._direction = direction
        self._decided_by = decided_by
        events: list[Event] = [DirectionEvent(direction, decided_by)]  # type: ignore[arg-type]
        for state in self._steps.values():
            applies = state.settings.applies_to(direction)
            if not applies and state.status != "n/a":
                events.append(self._set(state, "n/a"))
            elif (
                applies
                and state.status == "n/a"
                and (not state.settings.condition or state.cond_at is not None)
            ):
                events.append(self._set(state, "pending"))
        return events

    def finish(self, at: float) -> list[Event]:
        """The call ended: pending steps are missed; closing steps must be near the end."""
        events: list[Event] = []
        if self._direction is None:
            events += self._apply_direction(self.rules.default_direction, decided_by="auto")
        for state in self._steps.values():
            step = state.settings
            if state.status == "pending":
                events.append(self._set(state, "missed", at=at))
            elif (
                state.status == "covered"
                and step.phase == "closing"
                and step.within_turns
                and state.match_agent_turn is not None
                and self._agent_turns - state.match_agent_turn >= step.within_turns
            ):
                events.append(self._set(state, "missed", at=at, evidence=""))
        self._finished_at = at
        return events

    def steps(self) -> list[StepEvent]:
        """Current state of every enabled step, in checklist order."""
        return [self._event(state) for state in self._steps.values()]

    def flags(self) -> list[FlagEvent]:
        """Active (not withdrawn) flags, in turn order."""
        return [
            flag
            for turn in sorted(self._utterances)
            if (flag := self._utterances[turn].flag) is not None
        ]

    # ---- hostility ----

    def _score_flags(self, segment: Segment) -> list[Event]:
        if not segment.final and not self.rules.hostility.flag_partials:
            return []
        utterance = self._utterances.setdefault(segment.utterance_id, _Utterance())
        if utterance.final:
            return []
        utterance.final = segment.final
        new = self._utterance_flag(segment)
        old = utterance.flag
        events: list[Event] = []
        if new is None:
            if segment.final and old is not None:  # the final text no longer has it
                events.append(replace(old, withdrawn=True, final=True, text=segment.text))
                utterance.flag = None
            return events  # a partial without it: wait for the final text
        utterance.flag = new
        if old is not None and old.category != new.category:
            events.append(replace(old, withdrawn=True, final=segment.final, text=segment.text))
        if old is None or old.category != new.category or segment.final:
            events.append(new)  # raised, upgraded, or confirmed by the final text
        if segment.final:
            events += self._hostile_turn(segment)
        return events

    def _utterance_flag(self, segment: Segment) -> FlagEvent | None:
        """The utterance's one flag: its most serious category, with every category's terms."""
        scores = self.scorer.flags(segment.text)
        if not scores:
            return None
        main = max(scores, key=lambda s: (CATEGORY_RANK.get(s.category, 0), s.score))
        terms = main.terms + tuple(t for s in scores if s is not main for t in s.terms)
        worst = max((s.severity for s in scores), key=lambda v: _SEVERITY_RANK.get(v, 0))
        return FlagEvent(
            turn=segment.utterance_id,
            speaker=segment.speaker,
            category=main.category,  # type: ignore[arg-type]
            severity=worst,
            score=main.score,
            terms=_widest(terms),
            text=segment.text,
            at=segment.start,
            final=segment.final,
        )

    def _hostile_turn(self, segment: Segment) -> list[Event]:
        state = self._steps.get("stay_polite")
        events: list[Event] = []
        if segment.speaker == "customer" and not self._customer_hostile:
            self._customer_hostile = True
            if state and state.status == "n/a" and self._applies(state):
                state.cond_at = segment.start
                events.append(
                    self._set(
                        state,
                        "covered",
                        at=segment.end,
                        turn=segment.utterance_id,
                        evidence="agent polite after customer hostility",
                    )
                )
        elif (
            segment.speaker == "agent"
            and self._customer_hostile
            and state
            and state.status == "covered"
        ):
            events.append(
                self._set(
                    state,
                    "missed",
                    at=segment.start,
                    turn=segment.utterance_id,
                    evidence=segment.text,
                )
            )
        return events

    # ---- checklist ----

    def _applies(self, state: _StepState) -> bool:
        return self._direction is None or state.settings.applies_to(self._direction)

    def _judge_steps(self, segment: Segment) -> list[Event]:
        events: list[Event] = []
        agentish = segment.speaker in ("agent", "mixed")
        customerish = segment.speaker in ("customer", "mixed")
        weight = 1.0 if segment.speaker == "agent" else 0.5
        turn_index = self._agent_turns  # agent turns before this one
        # windows that closed before this turn began
        for state in self._steps.values():
            if state.status == "pending" and self._window_over(state, segment, turn_index):
                events.append(self._set(state, "missed", at=segment.start))
        marked = self.etiquette.prepare(segment.text)
        if agentish:
            if self._direction is None:
                events += self._auto_direction(marked)
            for state in self._steps.values():
                step = state.settings
                if step.condition == "customer_hostile" or step.speaker != "agent":
                    continue
                if state.status not in ("pending",) and not (
                    state.status == "covered" and step.phase == "closing"
                ):
                    continue
                if step.phase == "closing" and not self._first_agent_turn_seen:
                    continue  # the greeting's "thanks for calling" is not the closing
                evidence = self.etiquette.match(step.id, marked)
                if not evidence:
                    continue
                state.match_agent_turn = turn_index
                if state.status == "pending":
                    events.append(
                        self._set(
                            state,
                            "covered",
                            at=segment.start,
                            turn=segment.utterance_id,
                            evidence=evidence,
                        )
                    )
            self._agent_turns += weight
            self._first_agent_turn_seen = True
        if customerish:
            events += self._conditions(marked, segment)
        return events

    def _window_over(self, state: _StepState, segment: Segment, agent_turns: float) -> bool:
        step = state.settings
        if step.phase == "closing" or not (step.within_turns or step.within_s):
            return False
        if step.condition:
            if state.cond_agent_turns is None or state.cond_at is None:
                return False
            turns, start = agent_turns - state.cond_agent_turns, segment.start - state.cond_at
        elif step.phase == "opening":
            turns, start = agent_turns, segment.start
        else:
            return False
        return bool(
            (step.within_turns and turns >= step.within_turns)
            or (step.within_s and start > step.within_s)
        )

    def _conditions(self, marked: tuple[str, dict[str, str]], segment: Segment) -> list[Event]:
        events: list[Event] = []
        for state in self._steps.values():
            step = state.settings
            if step.condition not in ("bad_time", "declined") or state.cond_at is not None:
                continue
            if not self._applies(state):
                continue
            if step.condition == "declined" and not self._offer_made(marked):
                continue
            evidence = self.etiquette.condition(step.condition, marked)
            if evidence:
                state.cond_at = segment.start
                state.cond_agent_turns = self._agent_turns
                events.append(self._set(state, "pending", turn=segment.utterance_id))
        return events

    def _offer_made(self, marked: tuple[str, dict[str, str]]) -> bool:
        """Can this customer turn decline an offer? Once the agent stated the purpose; and
        when no purpose was recognised, from the agent's third turn on (past greeting and
        convenience check), unless the turn says it is a bad time (that is a callback)."""
        purpose = self._steps.get("state_purpose")
        if purpose is None or purpose.status == "covered":
            return True
        return self._agent_turns >= DECLINE_AFTER_AGENT_TURNS and not self.etiquette.condition(
            "bad_time", marked
        )

    def _auto_direction(self, marked: tuple[str, dict[str, str]]) -> list[Event]:
        cue = self.etiquette.direction_cue(marked)
        if cue is None and self._agent_turns + 1 >= self.rules.direction_turns:
            cue = self.rules.default_direction
        return self._apply_direction(cue, decided_by="auto") if cue else []

    # ---- helpers ----

    def _set(
        self,
        state: _StepState,
        status: str,
        at: float | None = None,
        turn: int | None = None,
        evidence: str | None = None,
    ) -> StepEvent:
        state.status = status
        if at is not None:
            state.at = at
        if turn is not None:
            state.turn = turn
        if evidence is not None:
            state.evidence = evidence
        if status == "n/a":
            state.at, state.turn, state.evidence = None, None, ""
        return self._event(state)

    def _event(self, state: _StepState) -> StepEvent:
        step = state.settings
        return StepEvent(
            step_id=step.id,
            label=step.label,
            status=state.status,  # type: ignore[arg-type]
            at=state.at,
            turn=state.turn,
            evidence=state.evidence,
            required=step.is_required(self._direction),
            phase=step.phase,
        )


def _widest(terms: Iterable[str]) -> tuple[str, ...]:
    """Each term once, leaving out those inside a longer one ("moron" in "you
    incompetent moron"), so a flag reads as the words that were said."""
    unique = tuple(dict.fromkeys(terms))
    return tuple(t for t in unique if not any(t != o and f" {t} " in f" {o} " for o in unique))


def judge_segments(
    segments: Iterable[Segment], rules: RulesConfig, call: CallConfig, end: float | None = None
) -> tuple[list[StepEvent], list[FlagEvent], str]:
    """Re-score stored final segments: (final steps, active flags, direction)."""
    judge = CallJudge(rules, call)
    last = 0.0
    for segment in segments:
        judge.feed(segment)
        last = max(last, segment.end)
    judge.finish(last if end is None else end)
    return judge.steps(), judge.flags(), judge.direction or rules.default_direction
