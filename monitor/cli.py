"""The ``callmon`` command line: argument parsing and wiring only.

Each command's work lives in the module that owns it; handlers import lazily so that
``callmon score`` never loads Whisper and ``callmon replay`` runs without PortAudio.
Every expected failure is a ``CallmonError`` (or ``ConfigError``) printed as one line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from monitor.errors import CallmonError

Handler = Callable[[argparse.Namespace], int]


def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: ./config.toml)")


def _call_args(parser: argparse.ArgumentParser) -> None:
    _config_arg(parser)
    parser.add_argument("--headless", action="store_true", help="no UI; print events")
    parser.add_argument("--json", action="store_true", help="with --headless: JSON lines")
    parser.add_argument(
        "--direction", choices=("auto", "inbound", "outbound"), help="call direction"
    )
    parser.add_argument("--model", help="Whisper model name or path (overrides [asr] model)")
    parser.add_argument("--no-store", action="store_true", help="do not save this call")
    parser.add_argument("--agent", help="agent name for this call (overrides [call] agent_name)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callmon",
        description="Local real-time call monitor: transcript, etiquette checklist, flags.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("live", help="monitor a live call from microphone / line-in")
    _call_args(p)
    p.add_argument("--device", help="input device name or index (overrides [audio] device)")
    p.add_argument("--customer-device", help="second device for the customer side")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.set_defaults(handler=_live)

    p = sub.add_parser("replay", help="monitor a recording as if it were a live call")
    p.add_argument("file", help="WAV/FLAC/MP3/OGG recording; stereo = agent left, customer right")
    _call_args(p)
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="x real time (default 1.0; 0 = as fast as possible)",
    )
    p.set_defaults(handler=_replay)

    p = sub.add_parser(
        "demo", help="replay the bundled sample call (what runs without a sound card)"
    )
    _call_args(p)
    p.add_argument("--speed", type=float, default=1.0)
    p.set_defaults(handler=_demo)

    p = sub.add_parser("devices", help="list audio input devices")
    p.set_defaults(handler=_devices)

    p = sub.add_parser("config", help="configuration tools")
    config_sub = p.add_subparsers(dest="config_command", metavar="ACTION")
    check = config_sub.add_parser("check", help="validate a config file")
    check.add_argument("path", nargs="?", help="config file (default: ./config.toml)")
    check.set_defaults(handler=_config_check)
    show = config_sub.add_parser("path", help="print which config file would be used")
    show.set_defaults(handler=_config_path)

    p = sub.add_parser("score", help="score *.call.json transcripts")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("--json", action="store_true", help="one JSON line per call")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.scoring", "run_score"))

    p = sub.add_parser("eval", help="compare scoring with each call's expected labels")
    p.add_argument("paths", nargs="+", metavar="DIR")
    p.add_argument("--json", action="store_true", help="machine-readable metrics")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.scoring", "run_eval"))

    p = sub.add_parser("sessions", help="list stored sessions (or: sessions delete ID)")
    p.add_argument("action", nargs="?", choices=("list", "delete", "purge"), default="list")
    p.add_argument("session", nargs="?", help="session id (for delete)")
    p.add_argument("--since", help="only sessions from this date (YYYY-MM-DD)")
    p.add_argument("--agent", help="only this agent's sessions")
    p.add_argument("--flagged", action="store_true", help="only sessions with flags")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.session_commands", "run_sessions"))

    p = sub.add_parser("summary", help="the review document of one session")
    p.add_argument("session", help="session id (or 'last')")
    p.add_argument("--format", choices=("text", "md", "json", "html"), default="text")
    p.add_argument("-o", "--output", metavar="FILE")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.session_commands", "run_summary"))

    p = sub.add_parser("rescore", help="re-run the rules over stored sessions")
    p.add_argument("session", nargs="?", help="session id (or 'last')")
    p.add_argument("--all", action="store_true", help="every stored session")
    p.add_argument("--apply", action="store_true", help="store the new result (keeps the old)")
    p.add_argument("--json", action="store_true")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.session_commands", "run_rescore"))

    p = sub.add_parser("export", help="export a session")
    p.add_argument("session", help="session id (or 'last')")
    p.add_argument("--call-json", action="store_true", required=True, help="as *.call.json")
    p.add_argument("-o", "--output", metavar="FILE")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.session_commands", "run_export"))

    p = sub.add_parser("browse", help="open the sessions browser")
    _config_arg(p)
    p.set_defaults(handler=_lazy("monitor.tui.app", "run_browser"))
    return parser


def _lazy(module: str, name: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), name)(args)

    return handler


def _live(args: argparse.Namespace) -> int:
    from monitor.runner import run_live

    return run_live(args)


def _replay(args: argparse.Namespace) -> int:
    from monitor.runner import run_replay

    return run_replay(args)


def _demo(args: argparse.Namespace) -> int:
    from monitor.runner import run_demo

    return run_demo(args)


def _default(args: argparse.Namespace) -> int:
    from monitor.runner import run_default

    return run_default(args)


def _devices(args: argparse.Namespace) -> int:
    from monitor.audio import format_devices

    print(format_devices())
    return 0


def _config_check(args: argparse.Namespace) -> int:
    from monitor.config import find_config, load_config

    path = find_config(args.path)
    config = load_config(path)
    steps = len(getattr(config.rules, "steps", ()) or ())
    print(f"{path or 'built-in defaults'}: OK ({steps} checklist steps, model {config.asr.model})")
    return 0


def _config_path(args: argparse.Namespace) -> int:
    from monitor.config import find_config

    print(find_config(None) or "built-in defaults")
    return 0


def tune_malloc() -> None:
    """Keep glibc from hoarding freed memory, before any worker thread starts.

    By default each busy thread (CTranslate2's, onnxruntime's, the engine's and the settle
    pass's) gets its own heap arena, and freed buffers of a few MB (Mel features, audio
    windows) stay in them. Two arenas, and buffers from 4 MB up returned to the system
    when freed: on the aws call at --speed 0, peak RSS about 430 -> 375 MB for 0.01 CPU-s
    per audio second of extra system time."""
    if not sys.platform.startswith("linux"):
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to tune
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
        libc.mallopt(-3, 4 * 1024 * 1024)  # M_MMAP_THRESHOLD (also stops it from growing)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        tune_malloc()
        return _dispatch(argv)
    except KeyboardInterrupt:
        return 130


def _dispatch(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None and args.command is None:
        # Plain `callmon`: monitor the default input, or replay the sample without one.
        args = parser.parse_args(["demo"])
        args.device = args.customer_device = args.duration = None
        handler = _default
    elif handler is None:
        parser.parse_args([args.command, "--help"])
        return 2
    from monitor.config import ConfigError

    try:
        return handler(args)
    except (CallmonError, ConfigError) as exc:
        print(f"callmon: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
