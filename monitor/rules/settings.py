"""Rules section of the config (placeholder until the rules package lands)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RulesConfig:
    language: str = "en"


def parse_rules(reader: Any, language: str = "en") -> RulesConfig:
    reader.done()
    return RulesConfig(language=language)
