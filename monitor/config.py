"""Load and validate ``config.toml``. Every error names the key and its line.

Each section becomes a frozen dataclass. ``TableReader`` takes keys off a TOML table
one by one with type and range checks; whatever is left over is an unknown key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from monitor.rules.settings import RulesConfig, parse_rules

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
T = TypeVar("T")


class ConfigError(Exception):
    """A problem in a config file, as one line: ``FILE:LINE: key 'a.b' ...``."""


class KeyLocator:
    """Maps dotted key paths (``asr.beam_size``, ``rules.steps[2].phrases``) to line numbers."""

    _header = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _key = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.lines: dict[str, int] = {}
        counts: dict[str, int] = {}
        table = ""
        depth = 0  # inside a multi-line array or inline table
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
            if depth == 0:
                header = self._header.match(line)
                if header:
                    name = header.group(2).replace('"', "").replace(" ", "")
                    if header.group(1) == "[[":
                        index = counts.get(name, -1) + 1
                        counts[name] = index
                        table = f"{name}[{index}]"
                    else:
                        table = name
                    self.lines.setdefault(table, number)
                    continue
                key = self._key.match(line)
                if key:
                    name = key.group(1).strip("\"'")
                    self.lines.setdefault(f"{table}.{name}" if table else name, number)
            depth += stripped.count("[") + stripped.count("{")
            depth -= stripped.count("]") + stripped.count("}")
            depth = max(depth, 0)

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit(".", 1)[0] if "." in path else ""
        return None

    def error(self, path: str, message: str) -> ConfigError:
        line = self.line(path)
        where = f"{self.filename}:{line}" if line else self.filename
        return ConfigError(f"{where}: key '{path}' {message}")


class TableReader:
    """Takes typed values off one TOML table; ``done()`` rejects keys nobody took."""

    def __init__(self, raw: dict[str, Any], prefix: str, locator: KeyLocator) -> None:
        if not isinstance(raw, dict):
            raise locator.error(prefix, "must be a table")
        self.raw = dict(raw)
        self.prefix = prefix
        self.locator = locator

    def path(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, message: str) -> ConfigError:
        return self.locator.error(self.path(key), message)

    def _take(self, key: str, default: T, kinds: tuple[type, ...], what: str) -> Any:
        if key not in self.raw:
            return default
        value = self.raw.pop(key)
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(key, f"must be {what}, got {value!r}")
        if not isinstance(value, kinds):
            raise self.error(key, f"must be {what}, got {value!r}")
        return value

    def str(self, key: str, default: str, choices: Iterable[str] | None = None) -> str:
        value = self._take(key, default, (str,), "a string")
        if choices is not None and value not in (options := tuple(choices)):
            raise self.error(key, f"must be one of {', '.join(options)}; got {value!r}")
        return value

    def bool(self, key: str, default: bool) -> bool:
        return self._take(key, default, (bool,), "true or false")

    def int(self, key: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
        value = self._take(key, default, (int,), "an integer")
        self._check_range(key, value, lo, hi)
        return value

    def float(
        self, key: str, default: float, lo: float | None = None, hi: float | None = None
    ) -> float:
        value = float(self._take(key, default, (int, float), "a number"))
        self._check_range(key, value, lo, hi)
        return value

    def int_or_str(self, key: str, default: int | str) -> int | str:
        return self._take(key, default, (int, str), "a device name or index")

    def str_list(self, key: str, default: list[str]) -> list[str]:
        value = self._take(key, default, (list,), "a list of strings")
        if not all(isinstance(item, str) for item in value):
            raise self.error(key, f"must be a list of strings, got {value!r}")
        return list(value)

    def table(self, key: str) -> TableReader:
        return TableReader(self._take(key, {}, (dict,), "a table"), self.path(key), self.locator)

    def tables(self, key: str) -> list[TableReader]:
        value = self._take(key, [], (list,), "an array of tables ([[...]])")
        readers = []
        for index, item in enumerate(value):
            path = f"{self.path(key)}[{index}]"
            if not isinstance(item, dict):
                raise self.locator.error(path, "must be a table")
            readers.append(TableReader(item, path, self.locator))
        return readers

    def custom(self, key: str, default: T, parse: Callable[[Any], T], what: str) -> T:
        if key not in self.raw:
            return default
        value = self.raw.pop(key)
        try:
            return parse(value)
        except (TypeError, ValueError) as exc:
            raise self.error(key, f"must be {what}: {exc}") from None

    def keys(self) -> list[str]:
        return list(self.raw)

    def done(self) -> None:
        for key in self.raw:
            raise self.error(key, "is not a known setting (check the spelling)")

    def _check_range(self, key: str, value: float, lo: float | None, hi: float | None) -> None:
        if lo is not None and value < lo:
            raise self.error(key, f"must be >= {lo}, got {value}")
        if hi is not None and value > hi:
            raise self.error(key, f"must be <= {hi}, got {value}")


# ---- sections ----

DIRECTIONS = ("auto", "inbound", "outbound")
SPEAKER_NAMES = ("agent", "customer", "mixed")


@dataclass(frozen=True)
class CallConfig:
    direction: str = "auto"
    company: str = ""
    agent_name: str = ""
    language: str = "en"


@dataclass(frozen=True)
class AudioConfig:
    device: int | str = ""
    customer_device: int | str = ""
    agent_channel: int = 1
    customer_channel: int = 2
    sample_rate: int = 0  # 0 = the device's default rate
    block_ms: int = 32
    queue_blocks: int = 400
    recording_agent_channel: int = 1
    recording_customer_channel: int = 2
    mono_speaker: str = "mixed"
    level_interval_s: float = 0.1


@dataclass(frozen=True)
class VadConfig:
    threshold: float = 0.5
    neg_threshold: float = 0.35
    min_speech_ms: int = 250
    end_silence_ms: int = 400
    speech_pad_ms: int = 400
    max_utterance_s: float = 15.0


@dataclass(frozen=True)
class AsrConfig:
    model: str = "tiny.en"
    models_dir: str = "models"
    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 2
    beam_size: int = 1
    allow_download: bool = False
    min_window_s: float = 10.0
    partials: bool = True
    settle: bool = True
    first_partial_s: float = 0.4
    partial_interval_s: float = 1.0
    bias_with_names: bool = True
    bias_window_s: float = 20.0
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    drop_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoreConfig:
    enabled: bool = True
    path: str = ""  # "" = platformdirs user data dir / sessions.db
    record_audio: bool = False
    retention_days: int = 0  # 0 = keep forever
    sample_interval_s: float = 1.0


@dataclass(frozen=True)
class UiConfig:
    theme: str = "textual-dark"
    max_transcript_lines: int = 2000
    toast_seconds: float = 4.0
    closing_warning_s: float = 30.0


@dataclass(frozen=True)
class Config:
    call: CallConfig = field(default_factory=CallConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    asr: AsrConfig = field(default_factory=AsrConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    path: Path | None = None


def _channel(reader: TableReader, key: str, default: int) -> int:
    return reader.int(key, default, lo=1, hi=64)


def _parse_call(r: TableReader) -> CallConfig:
    c = CallConfig(
        direction=r.str("direction", "auto", DIRECTIONS),
        company=r.str("company", ""),
        agent_name=r.str("agent_name", ""),
        language=r.str("language", "en"),
    )
    r.done()
    return c


def _parse_audio(r: TableReader) -> AudioConfig:
    c = AudioConfig(
        device=r.int_or_str("device", ""),
        customer_device=r.int_or_str("customer_device", ""),
        agent_channel=_channel(r, "agent_channel", 1),
        customer_channel=_channel(r, "customer_channel", 2),
        sample_rate=r.int("sample_rate", 0, lo=0, hi=384_000),
        block_ms=r.int("block_ms", 32, lo=5, hi=500),
        queue_blocks=r.int("queue_blocks", 400, lo=10, hi=100_000),
        recording_agent_channel=_channel(r, "recording_agent_channel", 1),
        recording_customer_channel=_channel(r, "recording_customer_channel", 2),
        mono_speaker=r.str("mono_speaker", "mixed", SPEAKER_NAMES),
        level_interval_s=r.float("level_interval_s", 0.1, lo=0.02, hi=10.0),
    )
    r.done()
    return c


def _parse_vad(r: TableReader) -> VadConfig:
    c = VadConfig(
        threshold=r.float("threshold", 0.5, lo=0.05, hi=0.99),
        neg_threshold=r.float("neg_threshold", 0.35, lo=0.01, hi=0.99),
        min_speech_ms=r.int("min_speech_ms", 250, lo=0, hi=5000),
        end_silence_ms=r.int("end_silence_ms", 400, lo=64, hi=5000),
        speech_pad_ms=r.int("speech_pad_ms", 400, lo=0, hi=1000),
        max_utterance_s=r.float("max_utterance_s", 15.0, lo=2.0, hi=28.0),
    )
    if c.neg_threshold >= c.threshold:
        raise r.error("neg_threshold", f"must be below vad.threshold ({c.threshold})")
    r.done()
    return c


def _parse_asr(r: TableReader) -> AsrConfig:
    c = AsrConfig(
        model=r.str("model", "tiny.en"),
        models_dir=r.str("models_dir", "models"),
        device=r.str("device", "auto", ("auto", "cpu", "cuda")),
        compute_type=r.str(
            "compute_type", "auto", ("auto", "int8", "int8_float16", "float16", "float32")
        ),
        cpu_threads=r.int("cpu_threads", 2, lo=1, hi=64),
        beam_size=r.int("beam_size", 1, lo=1, hi=10),
        allow_download=r.bool("allow_download", False),
        min_window_s=r.float("min_window_s", 10.0, lo=1.0, hi=30.0),
        partials=r.bool("partials", True),
        settle=r.bool("settle", True),
        first_partial_s=r.float("first_partial_s", 0.4, lo=0.2, hi=10.0),
        partial_interval_s=r.float("partial_interval_s", 1.0, lo=0.2, hi=10.0),
        bias_with_names=r.bool("bias_with_names", True),
        bias_window_s=r.float("bias_window_s", 20.0, lo=0.0, hi=3600.0),
        no_speech_threshold=r.float("no_speech_threshold", 0.6, lo=0.0, hi=1.0),
        logprob_threshold=r.float("logprob_threshold", -1.0, lo=-10.0, hi=0.0),
        drop_phrases=tuple(r.str_list("drop_phrases", [])),
    )
    r.done()
    return c


def _parse_store(r: TableReader) -> StoreConfig:
    c = StoreConfig(
        enabled=r.bool("enabled", True),
        path=r.str("path", ""),
        record_audio=r.bool("record_audio", False),
        retention_days=r.int("retention_days", 0, lo=0, hi=36500),
        sample_interval_s=r.float("sample_interval_s", 1.0, lo=0.1, hi=60.0),
    )
    r.done()
    return c


def _parse_ui(r: TableReader) -> UiConfig:
    c = UiConfig(
        theme=r.str("theme", "textual-dark"),
        max_transcript_lines=r.int("max_transcript_lines", 2000, lo=50, hi=1_000_000),
        toast_seconds=r.float("toast_seconds", 4.0, lo=0.5, hi=60.0),
        closing_warning_s=r.float("closing_warning_s", 30.0, lo=0.0, hi=3600.0),
    )
    r.done()
    return c


def parse_config(text: str, filename: str = "config.toml") -> Config:
    """Parse and validate config text; raise ``ConfigError`` with file, line and key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{filename}: not valid TOML: {exc}") from None
    locator = KeyLocator(text, filename)
    top = TableReader(raw, "", locator)
    call = _parse_call(top.table("call"))
    config = Config(
        call=call,
        audio=_parse_audio(top.table("audio")),
        vad=_parse_vad(top.table("vad")),
        asr=_parse_asr(top.table("asr")),
        store=_parse_store(top.table("store")),
        ui=_parse_ui(top.table("ui")),
        rules=parse_rules(top.table("rules"), language=call.language),
    )
    top.done()
    return config


def find_config(explicit: str | Path | None = None) -> Path | None:
    """The config to use: ``--config PATH``, else ``./config.toml``, else the packaged default."""
    if explicit:
        return Path(explicit)
    local = Path("config.toml")
    if local.is_file():
        return local
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """Load ``path`` (or the config found by ``find_config``); built-in defaults if none."""
    chosen = find_config(path)
    if chosen is None:
        return Config()
    try:
        text = chosen.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{chosen}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{chosen}: cannot read config file: {exc}") from None
    config = parse_config(text, str(chosen))
    return replace(config, path=chosen)
