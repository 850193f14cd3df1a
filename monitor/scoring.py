"""``callmon score`` and ``callmon eval``: run the rules over labelled ``*.call.json`` files."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from monitor.config import Config, load_config
from monitor.errors import CallmonError
from monitor.rules.judge import CallJudge
from monitor.types import FlagEvent, Segment, StepEvent

SPEAKERS = ("agent", "customer", "mixed")


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class CallTranscript:
    """One ``*.call.json`` (see shared/eval/FORMAT.md)."""

    id: str
    path: Path
    turns: tuple[Turn, ...]
    direction: str = "auto"
    language: str = ""
    company: str = ""
    agent_name: str = ""
    expect_steps: dict[str, bool] | None = None
    expect_hostile: tuple[int, ...] | None = None


@dataclass
class CallResult:
    call: CallTranscript
    direction: str
    steps: list[StepEvent]
    flags: list[FlagEvent] = field(default_factory=list)

    def step_status(self) -> dict[str, str]:
        return {s.step_id: s.status for s in self.steps}

    def hostile_turns(self) -> set[int]:
        return {f.turn for f in self.flags}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.call.id,
            "file": str(self.call.path),
            "direction": self.direction,
            "steps": {
                s.step_id: {"status": s.status, "at": s.at, "turn": s.turn, "evidence": s.evidence}
                for s in self.steps
            },
            "flags": [
                {
                    "turn": f.turn,
                    "speaker": f.speaker,
                    "category": f.category,
                    "score": f.score,
                    "severity": f.severity,
                    "terms": list(f.terms),
                }
                for f in self.flags
            ],
        }


def _field(data: dict, key: str, kind: type | tuple[type, ...], path: Path, where: str = "") -> Any:
    if key not in data:
        raise CallmonError(f"{path}: missing field '{where}{key}'")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise CallmonError(f"{path}: field '{where}{key}' has the wrong type ({value!r})")
    return value


def load_call(path: str | Path) -> CallTranscript:
    """Read and check one ``*.call.json``; ``CallmonError`` naming the file if it is bad."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CallmonError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CallmonError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CallmonError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CallmonError(f"{path}: expected a JSON object")
    turns = []
    for index, raw in enumerate(_field(data, "turns", list, path)):
        where = f"turns[{index}]."
        if not isinstance(raw, dict):
            raise CallmonError(f"{path}: turns[{index}] must be an object")
        speaker = _field(raw, "speaker", str, path, where)
        if speaker not in SPEAKERS:
            raise CallmonError(f"{path}: {where}speaker must be agent, customer or mixed")
        turns.append(
            Turn(
                speaker=speaker,
                start=float(_field(raw, "start", (int, float), path, where)),
                end=float(_field(raw, "end", (int, float), path, where)),
                text=_field(raw, "text", str, path, where),
            )
        )
    direction = data.get("direction") or "auto"
    if direction not in ("auto", "inbound", "outbound"):
        raise CallmonError(f"{path}: direction must be inbound, outbound or auto")
    expect = data.get("expect")
    steps = hostile = None
    if expect is not None:
        if not isinstance(expect, dict):
            raise CallmonError(f"{path}: field 'expect' must be an object")
        steps = expect.get("steps", {})
        hostile = expect.get("hostile", [])
        if not isinstance(steps, dict) or not all(isinstance(v, bool) for v in steps.values()):
            raise CallmonError(f"{path}: expect.steps must map step ids to true/false")
        if not isinstance(hostile, list) or not all(isinstance(i, int) for i in hostile):
            raise CallmonError(f"{path}: expect.hostile must be a list of turn indices")
    return CallTranscript(
        id=str(data.get("id") or path.name.removesuffix(".call.json")),
        path=path,
        turns=tuple(turns),
        direction=direction,
        language=str(data.get("language") or ""),
        company=str(data.get("company") or ""),
        agent_name=str(data.get("agent_name") or ""),
        expect_steps=steps,
        expect_hostile=tuple(hostile) if hostile is not None else None,
    )


def score_call(call: CallTranscript, config: Config) -> CallResult:
    """Feed every turn as a final segment; the call's direction/company/agent override config."""
    call_cfg = replace(
        config.call,
        direction=call.direction if call.direction != "auto" else config.call.direction,
        company=call.company or config.call.company,
        agent_name=call.agent_name or config.call.agent_name,
    )
    rules = config.rules
    if call.language and call.language != rules.language:
        rules = replace(rules, language=call.language)
    judge = CallJudge(rules, call_cfg)
    for index, turn in enumerate(call.turns):
        judge.feed(Segment(turn.speaker, index, turn.start, turn.end, turn.text, final=True))  # type: ignore[arg-type]
    end = call.turns[-1].end if call.turns else 0.0
    judge.finish(end)
    return CallResult(call, judge.direction or "inbound", judge.steps(), judge.flags())


def find_calls(paths: list[str]) -> list[Path]:
    """``*.call.json`` files named or found (recursively) under the given folders."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(path.rglob("*.call.json"))
        elif path.is_file():
            found.append(path)
        else:
            raise CallmonError(f"{path}: no such file or folder")
    if not found:
        raise CallmonError(f"no *.call.json files in {', '.join(paths)}")
    return found


# ---- score ----


def _table(result: CallResult) -> str:
    lines = [f"{result.call.id}  ({result.direction}, {len(result.call.turns)} turns)"]
    marks = {"covered": "✔", "missed": "✘", "n/a": "–", "pending": "…"}
    for step in result.steps:
        where = (
            f"turn {step.turn} @ {step.at:.1f}s"
            if step.turn is not None and step.at is not None
            else ""
        )
        evidence = f'"{step.evidence}"' if step.evidence else ""
        lines.append(
            f"  {marks.get(step.status, '?')} {step.step_id:<22} {step.status:<8} "
            f"{where:<18} {evidence}"
        )
    for flag in result.flags:
        lines.append(
            f"  ⚑ turn {flag.turn:<3} {flag.speaker:<8} {flag.category:<10} {flag.severity:<6} "
            f"score {flag.score:.2f}  {', '.join(flag.terms)}"
        )
    return "\n".join(lines)


def run_score(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    for path in find_calls(args.paths):
        result = score_call(load_call(path), config)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(_table(result) + "\n")
    return 0


# ---- eval ----


@dataclass
class EvalReport:
    step_right: dict[str, int] = field(default_factory=dict)
    step_total: dict[str, int] = field(default_factory=dict)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    turns: int = 0
    calls: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def step_accuracy(self) -> float:
        total = sum(self.step_total.values())
        return sum(self.step_right.values()) / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, result: CallResult) -> None:
        call = result.call
        self.calls += 1
        self.turns += len(call.turns)
        status = result.step_status()
        events = {s.step_id: s for s in result.steps}
        for step_id, want in (call.expect_steps or {}).items():
            got = status.get(step_id, "absent")
            right = got == ("covered" if want else "missed")
            self.step_total[step_id] = self.step_total.get(step_id, 0) + 1
            self.step_right[step_id] = self.step_right.get(step_id, 0) + int(right)
            if not right:
                evidence = events[step_id].evidence if step_id in events else ""
                detail = f' (evidence: "{evidence}")' if evidence and got == "covered" else ""
                self.misses.append(
                    f"{call.id}: step {step_id}: expected "
                    f"{'covered' if want else 'missed'}, got {got}{detail}"
                )
        if call.expect_hostile is None:
            return
        want_hostile = set(call.expect_hostile)
        flagged = result.hostile_turns()
        categories: dict[int, list[str]] = {}
        for flag in result.flags:
            categories.setdefault(flag.turn, []).append(f"{flag.category}: {', '.join(flag.terms)}")
        for index, turn in enumerate(call.turns):
            if index in flagged and index in want_hostile:
                self.tp += 1
            elif index in flagged:
                self.fp += 1
                self.misses.append(
                    f"{call.id}: turn {index} ({turn.speaker}) false flag "
                    f"[{'; '.join(categories[index])}]: {turn.text}"
                )
            elif index in want_hostile:
                self.fn += 1
                self.misses.append(
                    f"{call.id}: turn {index} ({turn.speaker}) hostile, not flagged: {turn.text}"
                )

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "turns": self.turns,
            "step_accuracy": round(self.step_accuracy, 4),
            "steps": {
                k: {"right": self.step_right[k], "total": self.step_total[k]}
                for k in self.step_total
            },
            "hostile": {
                "precision": round(self.precision, 4),
                "recall": round(self.recall, 4),
                "f1": round(self.f1, 4),
                "tp": self.tp,
                "fp": self.fp,
                "fn": self.fn,
            },
            "misses": self.misses,
        }

    def text(self) -> str:
        lines = [f"{self.calls} calls, {self.turns} turns", "", "step accuracy:"]
        for step_id in self.step_total:
            right, total = self.step_right[step_id], self.step_total[step_id]
            lines.append(f"  {step_id:<22} {right:>3}/{total:<3} {right / total:6.1%}")
        total = sum(self.step_total.values())
        lines.append(
            f"  {'overall':<22} {sum(self.step_right.values()):>3}/{total:<3} "
            f"{self.step_accuracy:6.1%}"
        )
        lines += [
            "",
            f"hostile turns: precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"F1 {self.f1:.3f}"
            f"  (tp {self.tp}, fp {self.fp}, fn {self.fn})",
        ]
        if self.misses:
            lines += ["", f"misses ({len(self.misses)}):"] + [f"  {m}" for m in self.misses]
        return "\n".join(lines)


def evaluate(paths: list[str], config: Config) -> EvalReport:
    report = EvalReport()
    for path in find_calls(paths):
        call = load_call(path)
        if call.expect_steps is None and call.expect_hostile is None:
            continue
        report.add(score_call(call, config))
    return report


def run_eval(args: argparse.Namespace) -> int:
    report = evaluate(args.paths, load_config(args.config))
    if getattr(args, "json", False):
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.text())
    sys.stdout.flush()
    return 0
