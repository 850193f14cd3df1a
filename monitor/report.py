"""The review document of one stored session: text, Markdown, JSON and self-contained HTML.

``build_report(store, session_id)`` reads a session and works out what a supervisor
wants to know; the ``render_*`` functions only lay it out.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from monitor.pipeline import percentile
from monitor.store import SessionStore, StoredSession
from monitor.types import Segment

FORMATS = ("text", "md", "json", "html")
TOP_GAPS = 5


@dataclass(frozen=True)
class StepOutcome:
    step_id: str
    label: str
    status: str  # covered | missed | pending | n/a
    required: bool
    phase: str
    at: float | None
    evidence: str


@dataclass(frozen=True)
class FlagOutcome:
    at: float
    speaker: str
    category: str
    severity: str
    terms: tuple[str, ...]
    quote: str
    line: int | None  # index into the transcript


@dataclass(frozen=True)
class TalkTime:
    speaker: str
    seconds: float
    share: float  # of all talk time, 0–1
    turns: int


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Health:
    latency_p50: float | None
    latency_p95: float | None
    latency_max: float | None
    cpu_share: float | None  # mean CPU seconds per wall second (1.0 = one core)
    dropped_blocks: int
    startup_s: float | None
    errors: tuple[str, ...]


@dataclass(frozen=True)
class TranscriptLine:
    start: float
    end: float
    speaker: str
    text: str
    flagged: bool


@dataclass(frozen=True)
class MarkLine:
    at: float
    note: str


@dataclass
class SessionReport:
    """Everything the summary shows, computed once from a stored session."""

    session_id: int
    title: str
    source: str
    started_at: float
    duration: float
    status: str
    direction: str
    agent_name: str
    company: str
    language: str
    model: str
    config_path: str
    devices: tuple[str, ...]
    score: float | None
    scoring_revision: int
    steps: list[StepOutcome] = field(default_factory=list)
    flags: list[FlagOutcome] = field(default_factory=list)
    talk: list[TalkTime] = field(default_factory=list)
    silences: list[Span] = field(default_factory=list)
    overlaps: list[Span] = field(default_factory=list)
    health: Health | None = None
    marks: list[MarkLine] = field(default_factory=list)
    transcript: list[TranscriptLine] = field(default_factory=list)

    @property
    def started(self) -> str:
        return dt.datetime.fromtimestamp(self.started_at).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def interrupted(self) -> bool:
        return self.status == "interrupted"


# ---- building ----


def build_report(store: SessionStore, session_id: int | str) -> SessionReport:
    """The report of one stored session (``session_id`` may be ``last``)."""
    return report_from_session(store.load_session(session_id))


def report_from_session(session: StoredSession) -> SessionReport:
    segments = sorted(session.segments, key=lambda s: (s.start, s.end))
    scoring = session.scoring
    duration = max(
        [session.info.duration, session.summary.duration if session.summary else 0.0]
        + [s.end for s in segments]
    )
    lines_by_utt = {(s.speaker, s.utterance_id): i for i, s in enumerate(segments)}
    flags = []
    flagged_lines: set[int] = set()
    for flag in sorted(scoring.flags, key=lambda f: f.at):
        line = lines_by_utt.get((flag.speaker, flag.turn))
        if line is None:
            line = _nearest_line(segments, flag.speaker, flag.at)
        if line is not None:
            flagged_lines.add(line)
        flags.append(
            FlagOutcome(
                at=flag.at,
                speaker=flag.speaker,
                category=flag.category,
                severity=flag.severity,
                terms=tuple(flag.terms),
                quote=flag.text or (segments[line].text if line is not None else ""),
                line=line,
            )
        )
    return SessionReport(
        session_id=session.id,
        title=session.meta.title,
        source=session.meta.source,
        started_at=session.info.started_at,
        duration=duration,
        status=session.info.status,
        direction=scoring.direction or session.direction,
        agent_name=session.meta.agent_name,
        company=session.meta.company,
        language=session.meta.language,
        model=session.meta.model,
        config_path=scoring.config_path or session.meta.config_path,
        devices=session.devices,
        score=scoring.score,
        scoring_revision=scoring.revision,
        steps=[
            StepOutcome(s.step_id, s.label, s.status, s.required, s.phase, s.at, s.evidence)
            for s in scoring.steps
        ],
        flags=flags,
        talk=talk_times(segments),
        silences=longest(silences(segments)),
        overlaps=longest(overlaps(segments)),
        health=_health(session),
        marks=[MarkLine(m.at, m.note) for m in session.marks],
        transcript=[
            TranscriptLine(s.start, s.end, s.speaker, s.text, i in flagged_lines)
            for i, s in enumerate(segments)
        ],
    )


def _nearest_line(segments: list[Segment], speaker: str, at: float) -> int | None:
    best, best_distance = None, float("inf")
    for i, s in enumerate(segments):
        if s.speaker != speaker:
            continue
        distance = 0.0 if s.start <= at <= s.end else min(abs(at - s.start), abs(at - s.end))
        if distance < best_distance:
            best, best_distance = i, distance
    return best


def talk_times(segments: list[Segment]) -> list[TalkTime]:
    seconds: dict[str, float] = {}
    turns: dict[str, int] = {}
    for s in segments:
        seconds[s.speaker] = seconds.get(s.speaker, 0.0) + max(0.0, s.end - s.start)
        turns[s.speaker] = turns.get(s.speaker, 0) + 1
    total = sum(seconds.values()) or 1.0
    return [
        TalkTime(speaker, round(secs, 2), round(secs / total, 3), turns[speaker])
        for speaker, secs in sorted(seconds.items(), key=lambda kv: -kv[1])
    ]


def silences(segments: list[Segment]) -> list[Span]:
    """Stretches where nobody speaks, between the first and the last words."""
    gaps = []
    reach = None
    for s in sorted(segments, key=lambda s: s.start):
        if reach is not None and s.start > reach:
            gaps.append(Span(round(reach, 2), round(s.start, 2)))
        reach = s.end if reach is None else max(reach, s.end)
    return gaps


def overlaps(segments: list[Segment]) -> list[Span]:
    """Stretches where two speakers talk at once."""
    spans = []
    active: list[Segment] = []
    for s in sorted(segments, key=lambda s: s.start):
        active = [a for a in active if a.end > s.start]
        for a in active:
            if a.speaker != s.speaker:
                end = min(a.end, s.end)
                if end > s.start:
                    spans.append(Span(round(s.start, 2), round(end, 2)))
        active.append(s)
    return spans


def longest(spans: list[Span], count: int = TOP_GAPS) -> list[Span]:
    return sorted(spans, key=lambda s: -s.length)[:count]


def _percentile(values: list[float], q: float) -> float | None:
    """The engine's own percentile (as in its summary), for sessions cut off before one."""
    value = percentile(values, q * 100)
    return None if value is None else round(value, 3)


def _health(session: StoredSession) -> Health:
    latencies = [s.latency for s in session.segments if s.latency > 0]
    summary = session.summary
    cpu = [s.cpu_share for s in session.stats]
    dropped = max([s.dropped_blocks for s in session.stats] or [0])
    if summary is not None:
        dropped = max(dropped, summary.dropped_blocks)
    return Health(
        latency_p50=summary.latency_p50
        if summary and summary.latency_p50 is not None
        else _percentile(latencies, 0.5),
        latency_p95=summary.latency_p95
        if summary and summary.latency_p95 is not None
        else _percentile(latencies, 0.95),
        latency_max=round(max(latencies), 3) if latencies else None,
        cpu_share=round(sum(cpu) / len(cpu), 3) if cpu else None,
        dropped_blocks=dropped,
        startup_s=summary.startup_s if summary else None,
        errors=tuple(e.message for e in session.errors),
    )


# ---- rendering ----

STATUS_SYMBOL = {"covered": "✓", "missed": "✗", "pending": "…", "n/a": "–"}


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, seconds)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes:02d}:{secs:04.1f}"


def _num(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def score_text(score: float | None) -> str:
    return "–" if score is None else f"{score:.0f}/100"


def _facts(report: SessionReport) -> list[tuple[str, str]]:
    facts = [
        ("Session", f"#{report.session_id}" + (f" — {report.title}" if report.title else "")),
        ("Started", report.started),
        ("Duration", clock(report.duration)),
        (
            "Status",
            report.status
            + (" (the session ends where the recording stopped)" if report.interrupted else ""),
        ),
        ("Direction", report.direction),
        ("Agent", report.agent_name or "–"),
        ("Company", report.company or "–"),
        ("Source", report.source),
        ("Model", report.model or "–"),
        (
            "Score",
            score_text(report.score)
            + (
                f" (rescored, revision {report.scoring_revision})"
                if report.scoring_revision
                else ""
            ),
        ),
    ]
    if report.devices:
        facts.append(("Devices", ", ".join(report.devices)))
    return facts


def _health_facts(h: Health | None) -> list[tuple[str, str]]:
    if h is None:
        return []
    return [
        (
            "Latency p50 / p95 / max",
            f"{_num(h.latency_p50, ' s')} / {_num(h.latency_p95, ' s')} / "
            f"{_num(h.latency_max, ' s')}",
        ),
        ("CPU (share of one core)", _num(h.cpu_share, digits=2)),
        ("Dropped audio blocks", str(h.dropped_blocks)),
        ("Startup", _num(h.startup_s, " s")),
        ("Errors", "; ".join(h.errors) if h.errors else "none"),
    ]


def render_text(report: SessionReport) -> str:
    out = [f"callmon session #{report.session_id}"]
    width = max(len(k) for k, _ in _facts(report))
    out += [f"  {k:<{width}}  {v}" for k, v in _facts(report)]
    out.append("\nChecklist")
    if not report.steps:
        out.append("  (no steps decided)")
    for s in report.steps:
        where = f" at {clock(s.at)}" if s.at is not None else ""
        evidence = f' — "{s.evidence}"' if s.evidence else ""
        req = "" if s.required else " (optional)"
        out.append(
            f"  {STATUS_SYMBOL.get(s.status, '?')} {s.label or s.step_id}{req}: "
            f"{s.status}{where}{evidence}"
        )
    out.append(f"\nFlags ({len(report.flags)})")
    if not report.flags:
        out.append("  none")
    for f in report.flags:
        out.append(
            f"  ! {clock(f.at)} {f.speaker} {f.category} ({f.severity}) "
            f'[{", ".join(f.terms)}]: "{f.quote}"'
        )
    out.append("\nTalk time")
    for t in report.talk:
        out.append(f"  {t.speaker:<9} {clock(t.seconds)}  {t.share * 100:5.1f} %  {t.turns} turns")
    out.append("\nLongest silences")
    out += [f"  {clock(g.start)} – {clock(g.end)}  ({g.length:.1f} s)" for g in report.silences]
    if not report.silences:
        out.append("  none")
    out.append("\nLongest overlaps")
    out += [f"  {clock(g.start)} – {clock(g.end)}  ({g.length:.1f} s)" for g in report.overlaps]
    if not report.overlaps:
        out.append("  none")
    out.append("\nHealth")
    out += [f"  {k}: {v}" for k, v in _health_facts(report.health)]
    if report.marks:
        out.append("\nMarks")
        out += [f"  {clock(m.at)} {m.note}" for m in report.marks]
    out.append("\nTranscript")
    for line in report.transcript:
        flag = " !" if line.flagged else ""
        out.append(f"  [{clock(line.start)}] {line.speaker:>8}{flag}: {line.text}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: SessionReport) -> str:
    out = [f"# Call review — session {report.session_id}", ""]
    out += ["| | |", "|---|---|"] + [f"| {k} | {_md(v)} |" for k, v in _facts(report)]
    out += ["", "## Checklist", ""]
    if report.steps:
        out += ["| | Step | Status | At | Evidence |", "|---|---|---|---|---|"]
        for s in report.steps:
            label = (s.label or s.step_id) + ("" if s.required else " (optional)")
            out.append(
                f"| {STATUS_SYMBOL.get(s.status, '?')} | {_md(label)} | {s.status} | "
                f"{clock(s.at) if s.at is not None else '–'} | {_md(s.evidence)} |"
            )
    else:
        out.append("No steps decided.")
    out += ["", f"## Flags ({len(report.flags)})", ""]
    if report.flags:
        for f in report.flags:
            out.append(
                f"- **{clock(f.at)} {f.speaker}** — {f.category} ({f.severity}), "
                f"words: {_md(', '.join(f.terms))}"
            )
            out.append(f"  > {_md(f.quote)}")
    else:
        out.append("None.")
    out += ["", "## Talk time", "", "| Speaker | Time | Share | Turns |", "|---|---|---|---|"]
    out += [
        f"| {t.speaker} | {clock(t.seconds)} | {t.share * 100:.1f} % | {t.turns} |"
        for t in report.talk
    ]
    out += ["", "## Longest silences and overlaps", ""]
    out += [
        f"- silence {clock(g.start)} – {clock(g.end)} ({g.length:.1f} s)" for g in report.silences
    ]
    out += [
        f"- overlap {clock(g.start)} – {clock(g.end)} ({g.length:.1f} s)" for g in report.overlaps
    ]
    if not report.silences and not report.overlaps:
        out.append("None.")
    out += ["", "## Health", ""] + [f"- {k}: {v}" for k, v in _health_facts(report.health)]
    if report.marks:
        out += ["", "## Marks", ""] + [f"- {clock(m.at)} {_md(m.note)}" for m in report.marks]
    out += ["", "## Transcript", ""]
    for line in report.transcript:
        flag = " ⚑" if line.flagged else ""
        out.append(f"- `{clock(line.start)}` **{line.speaker}**{flag}: {_md(line.text)}")
    return "\n".join(out) + "\n"


def report_to_dict(report: SessionReport) -> dict[str, Any]:
    data = asdict(report)
    data["started"] = report.started
    for span in data["silences"] + data["overlaps"]:
        span["length"] = round(span["end"] - span["start"], 2)
    return data


def render_json(report: SessionReport) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


# ---- HTML ----

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1d2330;background:#fff}
h1{font-size:1.5rem;margin-bottom:.3rem}h2{font-size:1.15rem;margin-top:2rem;
border-bottom:1px solid #dde2ea;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25rem .5rem;
border-bottom:1px solid #eef1f5;vertical-align:top}
.facts td:first-child{color:#5a6272;width:12rem}
.score{font-size:2rem;font-weight:700}
.covered{color:#137333}.missed{color:#b3261e}.pending{color:#8a6d00}.na{color:#6b7280}
.flag{background:#fdecea}.sev-high{font-weight:700}
blockquote{margin:.2rem 0 .6rem 1rem;padding-left:.6rem;border-left:3px solid #b3261e}
.agent{color:#1a56a8}.customer{color:#8a3ffc}.mixed{color:#444}
.t{font-variant-numeric:tabular-nums;color:#5a6272;white-space:nowrap}
svg{width:100%;height:auto;border:1px solid #dde2ea;border-radius:4px;background:#fafbfc}
.legend span{margin-right:1.2rem}
@media print{body{margin:0}}
"""

_SPEAKER_FILL = {"agent": "#1a56a8", "customer": "#8a3ffc", "mixed": "#6b7280"}
_STEP_FILL = {"covered": "#137333", "missed": "#b3261e", "pending": "#8a6d00", "n/a": "#6b7280"}


def render_timeline_svg(report: SessionReport, width: int = 1000) -> str:
    """Speaker turns (one rect each, class ``turn``), step marks and flags on one time axis."""
    e = html.escape
    speakers = [t.speaker for t in report.talk] or ["agent", "customer"]
    speakers.sort(
        key=lambda s: (
            ("agent", "customer", "mixed").index(s) if s in ("agent", "customer", "mixed") else 9
        )
    )
    left, lane_h, top = 80, 22, 24
    plot_w = width - left - 10
    height = top + lane_h * len(speakers) + 46
    span = max(report.duration, 1.0)

    def x(t: float) -> float:
        return round(left + plot_w * max(0.0, min(t, span)) / span, 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Call timeline" class="timeline">'
    ]
    for i, speaker in enumerate(speakers):
        y = top + i * lane_h
        parts.append(f'<text x="4" y="{y + 15}" font-size="12" fill="#333">{e(speaker)}</text>')
        parts.append(
            f'<line x1="{left}" y1="{y + lane_h - 1}" x2="{width - 10}" '
            f'y2="{y + lane_h - 1}" stroke="#e5e8ee"/>'
        )
    lane = {s: i for i, s in enumerate(speakers)}
    for i, line in enumerate(report.transcript):
        y = top + lane.get(line.speaker, 0) * lane_h + 3
        w = max(0.8, x(line.end) - x(line.start))
        fill = "#b3261e" if line.flagged else _SPEAKER_FILL.get(line.speaker, "#6b7280")
        parts.append(
            f'<rect class="turn" data-line="{i}" data-speaker="{e(line.speaker)}" '
            f'x="{x(line.start)}" y="{y}" width="{w:.2f}" height="{lane_h - 7}" rx="2" '
            f'fill="{fill}"><title>{clock(line.start)} {e(line.speaker)}: '
            f"{e(line.text[:200])}</title></rect>"
        )
    axis_y = top + lane_h * len(speakers)
    for s in report.steps:
        if s.at is None:
            continue
        fill = _STEP_FILL.get(s.status, "#6b7280")
        parts.append(
            f'<g class="step" data-step="{e(s.step_id)}"><line x1="{x(s.at)}" y1="{top - 6}" '
            f'x2="{x(s.at)}" y2="{axis_y}" stroke="{fill}" stroke-dasharray="2,2"/>'
            f'<path d="M{x(s.at) - 4},{top - 12} h8 l-4,6 z" fill="{fill}"/>'
            f"<title>{e(s.label or s.step_id)}: {e(s.status)} at {clock(s.at)}</title></g>"
        )
    for f in report.flags:
        parts.append(
            f'<g class="flag-mark"><circle cx="{x(f.at)}" cy="{axis_y + 10}" r="5" '
            f'fill="#b3261e"/><title>{clock(f.at)} {e(f.speaker)} {e(f.category)}: '
            f"{e(f.quote[:200])}</title></g>"
        )
    ticks = 8
    for k in range(ticks + 1):
        t = span * k / ticks
        parts.append(
            f'<text x="{x(t)}" y="{axis_y + 34}" font-size="11" fill="#5a6272" '
            f'text-anchor="middle">{clock(t)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: SessionReport) -> str:
    """One self-contained page (inline CSS and SVG, no scripts, no external links)."""
    e = html.escape
    title = f"Call review — session {report.session_id}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<div class="score" id="score">{e(score_text(report.score))}</div>',
        '<table class="facts">',
    ]
    out += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _facts(report)]
    out.append("</table>")
    out.append(
        '<h2>Timeline</h2><p class="legend"><span class="agent">■ agent</span>'
        '<span class="customer">■ customer</span><span class="missed">● flag / '
        "flagged turn</span><span>▼ checklist step</span></p>"
    )
    out.append(render_timeline_svg(report))
    out.append(
        '<h2>Checklist</h2><table class="steps" id="steps"><tr><th></th><th>Step</th>'
        "<th>Status</th><th>At</th><th>Evidence</th></tr>"
    )
    for s in report.steps:
        css = "na" if s.status == "n/a" else s.status
        label = (s.label or s.step_id) + ("" if s.required else " (optional)")
        out.append(
            f'<tr class="step-row {css}" data-step="{e(s.step_id)}">'
            f"<td>{STATUS_SYMBOL.get(s.status, '?')}</td><td>{e(label)}</td>"
            f'<td>{e(s.status)}</td><td class="t">{clock(s.at) if s.at is not None else "–"}'
            f"</td><td>{e(s.evidence)}</td></tr>"
        )
    out.append("</table>")
    if not report.steps:
        out.append("<p>No steps decided.</p>")
    out.append(f'<h2>Flags ({len(report.flags)})</h2><div id="flags">')
    for f in report.flags:
        target = f' <a href="#line-{f.line}">transcript</a>' if f.line is not None else ""
        out.append(
            f'<div class="flag-item sev-{e(f.severity)}"><span class="t">{clock(f.at)}</span> '
            f'<b class="{e(f.speaker)}">{e(f.speaker)}</b> — {e(f.category)} '
            f"({e(f.severity)}), words: {e(', '.join(f.terms))}{target}"
            f"<blockquote>{e(f.quote)}</blockquote></div>"
        )
    if not report.flags:
        out.append("<p>None.</p>")
    out.append(
        "</div><h2>Talk time</h2><table><tr><th>Speaker</th><th>Time</th>"
        "<th>Share</th><th>Turns</th></tr>"
    )
    out += [
        f'<tr><td class="{e(t.speaker)}">{e(t.speaker)}</td><td class="t">{clock(t.seconds)}'
        f"</td><td>{t.share * 100:.1f} %</td><td>{t.turns}</td></tr>"
        for t in report.talk
    ]
    out.append(
        "</table><h2>Longest silences and overlaps</h2><table>"
        "<tr><th>Kind</th><th>From</th><th>To</th><th>Length</th></tr>"
    )
    for kind, spans in (("silence", report.silences), ("overlap", report.overlaps)):
        out += [
            f'<tr><td>{kind}</td><td class="t">{clock(g.start)}</td><td class="t">'
            f"{clock(g.end)}</td><td>{g.length:.1f} s</td></tr>"
            for g in spans
        ]
    out.append('</table><h2>Health</h2><table class="facts">')
    out += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _health_facts(report.health)]
    out.append("</table>")
    if report.marks:
        out.append("<h2>Marks</h2><ul>")
        out += [f'<li><span class="t">{clock(m.at)}</span> {e(m.note)}</li>' for m in report.marks]
        out.append("</ul>")
    out.append('<h2>Transcript</h2><table class="transcript" id="transcript">')
    for i, line in enumerate(report.transcript):
        css = ' class="flag"' if line.flagged else ""
        out.append(
            f'<tr id="line-{i}"{css}><td class="t">{clock(line.start)}</td>'
            f'<td class="{e(line.speaker)}">{e(line.speaker)}</td><td>{e(line.text)}</td></tr>'
        )
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "md": render_markdown, "json": render_json, "html": render_html}


def render(report: SessionReport, fmt: str = "text") -> str:
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}") from None
