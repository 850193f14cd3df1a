"""Config loading: defaults, validation errors that name key and line, `callmon config check`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import Config, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[1]


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "my.toml")
    return str(caught.value)


def test_shipped_config_restates_the_builtin_defaults() -> None:
    shipped = load_config(ROOT / "config.toml")
    defaults = Config()
    for section in ("call", "audio", "vad", "asr", "store", "ui", "rules"):
        assert getattr(shipped, section) == getattr(defaults, section), section


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[asr]\nbeam_size = 1\nbeem_size = 3\n", "my.toml:3: key 'asr.beem_size' is not a known"),
        ("[vad]\n\nthreshold = 'high'\n", "my.toml:3: key 'vad.threshold' must be a number"),
        ("[vad]\nend_silence_ms = 10\n", "my.toml:2: key 'vad.end_silence_ms' must be >= 64"),
        ("[call]\ndirection = 'sideways'\n", "key 'call.direction' must be one of auto, inbound"),
        ("[asr]\npartials = 1\n", "my.toml:2: key 'asr.partials' must be true or false"),
        ("[audio]\nagent_channel = 0\n", "my.toml:2: key 'audio.agent_channel' must be >= 1"),
        ("[sound]\nx = 1\n", "my.toml:1: key 'sound' is not a known setting"),
        ("asr = 3\n", "my.toml:1: key 'asr' must be a table"),
        (
            "[vad]\nthreshold = 0.4\nneg_threshold = 0.5\n",
            "my.toml:3: key 'vad.neg_threshold' must be below vad.threshold",
        ),
    ],
)
def test_bad_values_name_the_key_and_line(text: str, expected: str) -> None:
    message = _error(text)
    assert expected in message
    assert "\n" not in message


def test_toml_syntax_error_names_the_file_and_line() -> None:
    message = _error("[asr\nmodel = 'x'\n")
    assert message.startswith("my.toml: not valid TOML")
    assert "line 1" in message


def test_values_are_read() -> None:
    config = parse_config("[asr]\nbeam_size = 3\n[audio]\ndevice = 4\n")
    assert config.asr.beam_size == 3
    assert config.audio.device == 4


def _callmon(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_config_check_accepts_the_shipped_file() -> None:
    result = _callmon("config", "check", "config.toml")
    assert result.returncode == 0, result.stderr
    assert "config.toml: OK" in result.stdout


def test_config_check_rejects_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[call]\ncompany = 'Acme'\n\n[asr]\ncpu_threads = -2\n")
    result = _callmon("config", "check", str(bad))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"callmon: error: {bad}:5: key 'asr.cpu_threads' must be >= 1, got -2"
    )


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = _callmon("config", "check", str(tmp_path / "nope.toml"))
    assert result.returncode == 1
    assert "nope.toml: config file not found" in result.stderr
    assert "Traceback" not in result.stderr
