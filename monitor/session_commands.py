"""``callmon sessions | summary | rescore | export``: the commands over stored sessions."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from monitor.config import Config, load_config
from monitor.errors import CallmonError
from monitor.store import (
    Scoring,
    SessionInfo,
    SessionStore,
    StoredSession,
    make_scoring,
    open_store,
)
from monitor.types import FlagEvent, Segment, StepEvent


def _open(args: argparse.Namespace, purge: bool = True) -> tuple[Config, SessionStore]:
    config = load_config(getattr(args, "config", None))
    return config, open_store(config.store, purge=purge)


def parse_since(text: str) -> float:
    """``YYYY-MM-DD`` (or an ISO date-time), local time, as Unix time."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CallmonError(f"--since must be a date like 2025-01-31, got {text!r}") from None
    return when.timestamp()


def _when(started_at: float) -> str:
    return dt.datetime.fromtimestamp(started_at).strftime("%Y-%m-%d %H:%M")


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _score(score: float | None) -> str:
    return "–" if score is None else f"{score:.0f}"


def format_sessions(rows: list[SessionInfo]) -> str:
    """The session list as an aligned table."""
    header = ("ID", "DATE", "DURATION", "DIRECTION", "AGENT", "SCORE", "FLAGS", "STATUS", "TITLE")
    table = [header] + [
        (
            str(r.id),
            _when(r.started_at),
            _duration(r.duration),
            r.direction,
            r.agent_name or "–",
            _score(r.score),
            str(r.flags),
            r.status,
            r.title or r.source,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def run_sessions(args: argparse.Namespace) -> int:
    """List, delete or purge stored sessions."""
    action = args.action or "list"
    config, store = _open(args, purge=action != "purge")
    if action == "delete":
        if not args.session:
            raise CallmonError("say which session to delete: callmon sessions delete ID")
        session_id = store.resolve(args.session)
        store.delete_session(session_id)
        print(f"deleted session {session_id}")
        return 0
    if action == "purge":
        days = config.store.retention_days
        if days <= 0:
            print("retention is off ([store] retention_days = 0): nothing purged")
            return 0
        count = store.purge(days)
        print(f"purged {count} session(s) older than {days} day(s)")
        return 0
    if args.session:
        raise CallmonError(
            f"'callmon sessions' takes no session id; did you mean "
            f"'callmon summary {args.session}'?"
        )
    since = parse_since(args.since) if args.since else None
    rows = store.list_sessions(
        since=since, agent=args.agent, flagged=args.flagged, limit=args.limit
    )
    if args.json:
        for row in rows:
            print(json.dumps({**asdict(row), "started": _when(row.started_at)}))
        return 0
    if not rows:
        print(
            "no sessions stored yet"
            if since is None and not args.agent and not args.flagged
            else "no sessions match"
        )
        return 0
    print(format_sessions(rows))
    return 0


def _write_output(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CallmonError(f"cannot write {output}: {exc.strerror or exc}") from None
    print(f"wrote {output}", file=sys.stderr)


def run_summary(args: argparse.Namespace) -> int:
    """Print (or write) one session's review document."""
    from monitor.report import build_report, render

    _, store = _open(args)
    report = build_report(store, args.session)
    _write_output(render(report, args.format), args.output)
    return 0


# ---- rescore ----


@dataclass
class RescoreDiff:
    """What changes for one session under a new config."""

    session_id: int
    title: str
    old_score: float | None
    new_score: float | None
    steps: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, old, new, evidence
    flags_added: list[FlagEvent] = field(default_factory=list)
    flags_removed: list[FlagEvent] = field(default_factory=list)
    direction: tuple[str, str] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.steps or self.flags_added or self.flags_removed or self.direction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.session_id,
            "title": self.title,
            "changed": self.changed,
            "old_score": self.old_score,
            "new_score": self.new_score,
            "direction": list(self.direction) if self.direction else None,
            "steps": [
                {"step_id": s, "old": old, "new": new, "evidence": ev}
                for s, old, new, ev in self.steps
            ],
            "flags_added": [asdict(f) for f in self.flags_added],
            "flags_removed": [asdict(f) for f in self.flags_removed],
        }


def judge_session(session: StoredSession, config: Config) -> tuple[list, list, str]:
    """Run the rules of ``config`` over the session's final segments: (steps, flags, direction).

    The call's own facts win over the new config: a direction the user or config set
    during the call, and the company and agent name it was monitored with.
    """
    from monitor.rules.judge import judge_segments

    call = config.call
    explicit = [d for d in session.directions if d.decided_by in ("config", "user")]
    call = replace(
        call,
        direction=explicit[-1].direction if explicit else call.direction,
        company=session.meta.company or call.company,
        agent_name=session.meta.agent_name or call.agent_name,
        language=session.meta.language or call.language,
    )
    segments: list[Segment] = session.segments  # in the order they were decided
    end = max([session.info.duration, *(s.end for s in segments)])
    steps, flags, direction = judge_segments(segments, config.rules, call, end=end)
    return list(steps), list(flags), str(direction)


def rescore_session(session: StoredSession, config: Config) -> tuple[Scoring, RescoreDiff]:
    steps, flags, direction = judge_session(session, config)
    old = session.scoring
    new = make_scoring(
        old.revision + 1,
        steps,
        flags,
        direction,
        config_path=str(config.path or "built-in defaults"),
        note="rescore",
    )
    return new, diff_scorings(session, old, new)


def _flag_key(flag: FlagEvent) -> tuple[str, int, str]:
    return (flag.speaker, flag.turn, flag.category)


def diff_scorings(session: StoredSession, old: Scoring, new: Scoring) -> RescoreDiff:
    diff = RescoreDiff(session.id, session.meta.title or session.meta.source, old.score, new.score)
    before: dict[str, StepEvent] = {s.step_id: s for s in old.steps}
    after: dict[str, StepEvent] = {s.step_id: s for s in new.steps}
    for step_id in [*before, *(s for s in after if s not in before)]:
        # a step with no event in the live call never applied to it
        a = before[step_id].status if step_id in before else "n/a"
        b = after[step_id].status if step_id in after else "n/a"
        if a != b:
            evidence = after[step_id].evidence if step_id in after else ""
            diff.steps.append((step_id, a, b, evidence))
    old_flags = {_flag_key(f): f for f in old.flags}
    new_flags = {_flag_key(f): f for f in new.flags}
    diff.flags_added = [f for k, f in new_flags.items() if k not in old_flags]
    diff.flags_removed = [f for k, f in old_flags.items() if k not in new_flags]
    if old.direction != new.direction and old.direction not in ("", "auto"):
        diff.direction = (old.direction, new.direction)
    return diff


def format_diff(diff: RescoreDiff) -> str:
    head = f"session {diff.session_id} ({diff.title}): score {_score(diff.old_score)}"
    if diff.new_score != diff.old_score:
        head += f" → {_score(diff.new_score)}"
    if not diff.changed:
        return head + ": no change"
    lines = [head]
    if diff.direction:
        lines.append(f"  direction: {diff.direction[0]} → {diff.direction[1]}")
    for step_id, old, new, evidence in diff.steps:
        quoted = f' ("{evidence}")' if evidence and new == "covered" else ""
        lines.append(f"  step {step_id}: {old} → {new}{quoted}")
    for sign, flags in (("+", diff.flags_added), ("-", diff.flags_removed)):
        for f in flags:
            lines.append(
                f"  {sign} flag {f.speaker} {f.category} at {f.at:.1f}s "
                f'[{", ".join(f.terms)}]: "{f.text}"'
            )
    return "\n".join(lines)


def run_rescore(args: argparse.Namespace) -> int:
    """Re-run the rules over stored transcripts and show what a config change would change."""
    if bool(args.session) == bool(args.all):
        raise CallmonError("give one session id (or 'last'), or --all")
    config, store = _open(args)
    ids = [row.id for row in store.list_sessions()] if args.all else [store.resolve(args.session)]
    changed = 0
    for session_id in ids:
        session = store.load_session(session_id)
        if session.info.status == "recording":
            print(f"session {session_id}: still recording, skipped", file=sys.stderr)
            continue
        new, diff = rescore_session(session, config)
        changed += diff.changed
        saved = None
        if args.apply and diff.changed:
            config_text = config.path.read_text(encoding="utf-8") if config.path else ""
            saved = store.save_rescore(session_id, new, config_text)
        if args.json:
            print(json.dumps({**diff.to_dict(), "saved_revision": saved}, ensure_ascii=False))
        else:
            print(format_diff(diff))
            if saved is not None:
                print(f"  stored as scoring revision {saved} (earlier revisions kept)")
    if not args.json:
        summary = f"{changed} of {len(ids)} session(s) would change"
        if args.apply:
            summary = f"{changed} of {len(ids)} session(s) changed and stored"
        print(summary, file=sys.stderr)
    return 0


# ---- export ----


def session_to_call_json(session: StoredSession) -> dict[str, Any]:
    """The session in the labelled ``*.call.json`` format, expect = what the monitor decided."""
    segments = sorted(session.segments, key=lambda s: (s.start, s.end))
    index = {(s.speaker, s.utterance_id): i for i, s in enumerate(segments)}
    scoring = session.scoring
    hostile = sorted(
        {index[(f.speaker, f.turn)] for f in scoring.flags if (f.speaker, f.turn) in index}
    )
    steps = {
        s.step_id: s.status == "covered" for s in scoring.steps if s.status in ("covered", "missed")
    }
    direction = (
        scoring.direction if scoring.direction in ("inbound", "outbound") else (session.direction)
    )
    return {
        "id": f"session-{session.id}",
        "direction": direction,
        "language": session.meta.language,
        "company": session.meta.company,
        "agent_name": session.meta.agent_name,
        "turns": [
            {
                "speaker": s.speaker,
                "start": round(s.start, 3),
                "end": round(s.end, 3),
                "text": s.text,
            }
            for s in segments
        ],
        "expect": {"steps": steps, "hostile": hostile},
    }


def run_export(args: argparse.Namespace) -> int:
    """Write a session as ``*.call.json`` so it can be corrected and added to an eval set."""
    _, store = _open(args)
    session = store.load_session(args.session)
    data = session_to_call_json(session)
    output = args.output or f"session-{session.id}.call.json"
    _write_output(json.dumps(data, ensure_ascii=False, indent=1) + "\n", output)
    notes = []
    if data["direction"] not in ("inbound", "outbound"):
        notes.append("set 'direction' to inbound or outbound")
    if any(t["speaker"] not in ("agent", "customer") for t in data["turns"]):
        notes.append("label each 'mixed' turn as agent or customer")
    if session.interrupted:
        notes.append("the session was interrupted; the call may be incomplete")
    notes.append("check 'expect': it holds what the monitor decided, not the truth")
    print("before adding it to an eval set: " + "; ".join(notes), file=sys.stderr)
    return 0
