"""The five conditions (flows/scan.yaml): their ids, marks and the tip for each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.paths import FLOWS

MARKS = {"ambition": "🎯", "interests": "⚖️", "process": "🧭", "relations": "🤝",
         "organisation": "🏛"}


@dataclass(frozen=True)
class Condition:
    id: str
    tip: str


def load_conditions(path: Path = FLOWS / "scan.yaml") -> list[Condition]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return [Condition(c["id"], c["tip"]) for c in (data or {}).get("conditions", [])]
