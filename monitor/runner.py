"""Wires a call together: source + transcriber + judge + store + output, for every front end.

``CallSpec`` says what to monitor; ``build_pipeline`` makes a ready ``Pipeline`` whose
events go to the store and to the caller's sink. The console handlers ``run_live``,
``run_replay`` and ``run_demo`` either open the Textual monitor or, with ``--headless``,
print events as they happen (``--json``: one JSON object per line, flushed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TextIO

from monitor.config import Config, load_config
from monitor.errors import AudioError, CallmonError
from monitor.pipeline import Pipeline
from monitor.types import Event, LevelEvent, SegmentEvent, StatsEvent

SAMPLE_CALL = Path(__file__).with_name("data") / "sample-call.flac"
SAMPLE_CALL_JSON = SAMPLE_CALL.with_name("sample-call.call.json")


@dataclass
class CallSpec:
    """Everything needed to start (and restart) monitoring one kind of call."""

    config: Config
    make_source: Callable[[], object]  # -> monitor.audio.AudioSource
    title: str
    store: bool = True
    partials: bool = True
    notice: str = ""  # said to the user when the call starts (e.g. "replaying the sample")
    _transcriber: object | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def transcriber(self):
        with self._lock:
            if self._transcriber is None:
                from monitor.asr import Transcriber

                self._transcriber = Transcriber(self.config.asr, self.config.call)
            return self._transcriber


def make_judge(config: Config):
    from monitor.rules.judge import CallJudge

    return CallJudge(config.rules, config.call)


def build_pipeline(spec: CallSpec, on_event: Callable[[Event], None]) -> Pipeline:
    """A pipeline for one call of ``spec``, storing its events unless the store is off."""
    config = spec.config
    source = spec.make_source()
    transcriber = spec.transcriber()
    sinks: list[Callable[[Event], None]] = []
    on_audio = None
    session_id = None
    if spec.store and config.store.enabled:
        from monitor.store import SessionMeta, open_store

        store = open_store(config.store)
        config_text = ""
        if config.path is not None:
            try:
                config_text = Path(config.path).read_text(encoding="utf-8")
            except OSError:
                config_text = ""
        writer = store.start_session(
            SessionMeta(
                source=getattr(source, "description", spec.title),
                title=spec.title,
                started_at=time.time(),
                direction=config.call.direction,
                agent_name=config.call.agent_name,
                company=config.call.company,
                language=config.call.language,
                model=transcriber.name,
                config_path=str(config.path or ""),
                config_text=config_text,
            )
        )
        sinks.append(writer)
        session_id = writer.session_id
        if config.store.record_audio:
            on_audio = writer.write_audio
    sinks.append(on_event)

    def fan_out(event: Event) -> None:
        for sink in sinks:
            sink(event)

    pipeline = Pipeline(
        config,
        source,
        fan_out,
        transcriber=transcriber,
        judge=make_judge(config),
        on_audio=on_audio,
        partials=spec.partials,
    )
    pipeline.session_id = session_id  # the stored session (None with --no-store)
    return pipeline


def start_call(spec: CallSpec, on_event: Callable[[Event], None]) -> Pipeline:
    """Build the pipeline for ``spec`` and start it in its worker thread."""
    pipeline = build_pipeline(spec, on_event)
    pipeline.start()
    return pipeline


# ---- headless output ----


def event_to_dict(event: Event) -> dict:
    """The JSON shape of an event: ``type`` first, segment fields flattened."""
    if isinstance(event, SegmentEvent):
        seg = event.segment
        return {
            "type": "segment",
            "speaker": seg.speaker,
            "start": seg.start,
            "end": seg.end,
            "text": seg.text,
            "final": seg.final,
            "latency": seg.latency,
            "utterance_id": seg.utterance_id,
            **({"revised": True} if seg.revised else {}),
        }
    data = asdict(event)
    kind = data.pop("type")
    return {"type": kind, **data}


def format_event(event: Event) -> str | None:
    """A readable line for headless text mode (None = not worth a line)."""
    data = event_to_dict(event)
    kind = data["type"]
    if kind == "segment":
        if not data["final"]:
            return None
        settled = " (settled)" if data.get("revised") else ""
        return f"[{data['start']:7.2f}] {data['speaker']:>8}{settled}: {data['text']}"
    if kind == "step":
        evidence = data.get("evidence") or ""
        return f"{'':10}step {data['step_id']}: {data['status']} {evidence}".rstrip()
    if kind == "flag":
        verb = "withdrawn" if data["withdrawn"] else data["severity"]
        terms = ", ".join(data["terms"])
        return f"{'':10}FLAG {data['speaker']} {data['category']} ({verb}): {terms}"
    if kind == "start":
        return (
            f"callmon: {data['source']} | speakers {', '.join(data['speakers'])} | {data['model']}"
        )
    if kind == "summary":
        return "summary: " + ", ".join(f"{k}={v}" for k, v in data.items() if k != "type")
    if kind in ("error", "direction", "mark"):
        return f"{kind}: " + ", ".join(f"{k}={v}" for k, v in data.items() if k != "type")
    return None


class HeadlessPrinter:
    """Writes events to a stream as they happen (thread-safe, flushed per line)."""

    def __init__(self, stream: TextIO, as_json: bool, with_levels: bool = False) -> None:
        self.stream = stream
        self.as_json = as_json
        self.with_levels = with_levels
        self.on_closed: Callable[[], None] = lambda: None  # the reader went away
        self.closed = False
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        if isinstance(event, LevelEvent | StatsEvent) and not self.with_levels:
            return
        line = (
            json.dumps(event_to_dict(event), ensure_ascii=False)
            if self.as_json
            else format_event(event)
        )
        if line is None:
            return
        with self._lock:
            if self.closed:
                return
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except BrokenPipeError:  # e.g. `callmon ... --json | head`: end the call quietly
                self.closed = True
                with contextlib.suppress(OSError):
                    os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())
                self.on_closed()


def run_headless(spec: CallSpec, as_json: bool, duration: float | None = None) -> int:
    """Run one call to its end (or Ctrl-C / SIGTERM / ``duration``) printing events.

    Returns only after the engine thread has finished, so the process never exits while
    that thread is inside CTranslate2 or onnxruntime (their teardown at exit then aborts
    the process: "terminate called without an active exception", or a segfault).
    """
    if spec.notice:
        print(f"callmon: {spec.notice}", file=sys.stderr, flush=True)
    printer = HeadlessPrinter(sys.stdout, as_json)
    pipeline = build_pipeline(spec, printer)
    printer.on_closed = pipeline.stop
    with stop_on_signals(pipeline.stop):
        pipeline.start()
        deadline = time.monotonic() + duration if duration else None
        while pipeline.running:
            pipeline.join(0.1)
            if deadline is not None and time.monotonic() >= deadline:
                pipeline.stop()
        summary = pipeline.join()
    fatal = summary is None or (summary.interrupted and not pipeline.stop_requested)
    return 1 if fatal else 0


@contextlib.contextmanager
def stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """While inside: SIGINT (Ctrl-C), SIGTERM and SIGHUP call ``stop`` instead of raising.

    A KeyboardInterrupt that lands inside ``Thread.join`` makes Python 3.11 mark the still
    running thread as finished (CPython issue 90882), so the caller would return while the
    engine still runs. A handler that only asks the engine to stop keeps the wait intact;
    every further Ctrl-C asks again. Once a signal came, leaving ignores these signals, so
    a repeated Ctrl-C cannot break the exit that is under way. A signal the parent set to
    be ignored stays ignored. Outside the main thread (no handlers there) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        stop()

    previous: dict[int, object] = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, on_signal)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_IGN if received else handler)


def run_spec(spec: CallSpec, args: argparse.Namespace) -> int:
    if args.headless:
        return run_headless(spec, args.json, getattr(args, "duration", None))
    from monitor.tui.app import run_monitor

    return run_monitor(spec)


# ---- console handlers ----


def _load(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    call = config.call
    if getattr(args, "direction", None):
        call = replace(call, direction=args.direction)
    if getattr(args, "agent", None):
        call = replace(call, agent_name=args.agent)
    asr = replace(config.asr, model=args.model) if getattr(args, "model", None) else config.asr
    return replace(config, call=call, asr=asr)


def _replay_spec(
    config: Config, path: Path, args: argparse.Namespace, notice: str = ""
) -> CallSpec:
    from monitor.audio import open_recording

    speed = args.speed
    # Open now, so a bad file fails before any model loads; the first call uses it.
    opened = [open_recording(path, config.audio, speed)]
    return CallSpec(
        config=config,
        make_source=lambda: opened.pop() if opened else open_recording(path, config.audio, speed),
        title=f"replay {path.name}",
        store=not args.no_store,
        partials=speed > 0,
        notice=notice,
    )


def run_replay(args: argparse.Namespace) -> int:
    config = _load(args)
    return run_spec(_replay_spec(config, Path(args.file), args), args)


def run_demo(args: argparse.Namespace) -> int:
    """Replay the bundled sample call with its company and agent, through the same pipeline."""
    config = _load(args)
    sample = json.loads(SAMPLE_CALL_JSON.read_text(encoding="utf-8"))
    call = replace(
        config.call,
        company=config.call.company or sample.get("company", ""),
        agent_name=config.call.agent_name or sample.get("agent_name", ""),
    )
    config = replace(config, call=call)
    notice = (
        f"no audio input device: replaying the bundled sample call ({SAMPLE_CALL.name}, "
        f"{sample.get('company')}) through the same pipeline"
        if getattr(args, "no_device_notice", False)
        else f"replaying the bundled sample call ({SAMPLE_CALL.name}) through the live pipeline"
    )
    return run_spec(_replay_spec(config, SAMPLE_CALL, args, notice), args)


def run_live(args: argparse.Namespace) -> int:
    from monitor.audio import open_live

    config = _load(args)
    device = args.device if args.device is not None else None
    customer = args.customer_device if args.customer_device is not None else None
    # Open now, so an unknown device fails (listing the devices) before any model loads.
    opened = [open_live(config.audio, device, customer)]
    spec = CallSpec(
        config=config,
        make_source=lambda: opened.pop() if opened else open_live(config.audio, device, customer),
        title="live call",
        store=not args.no_store,
    )
    return run_spec(spec, args)


def run_default(args: argparse.Namespace) -> int:
    """``callmon`` with no command: monitor the default input, or the sample without one."""
    try:
        from monitor.audio import list_input_devices

        has_input = bool(list_input_devices())
    except CallmonError:
        has_input = False
    if has_input:
        try:
            return run_live(args)
        except AudioError as exc:
            print(f"callmon: {exc}", file=sys.stderr)
    args.no_device_notice = True
    return run_demo(args)
