"""The tip library: data in flows/tips.yaml, texts in the `tips` catalog."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.i18n import Texts
from bot.core.paths import FLOWS


@dataclass(frozen=True)
class Tip:
    id: str
    source: str
    themes: tuple[str, ...]
    phases: tuple[str, ...]
    keywords: dict[str, tuple[str, ...]]


class TipLibrary:
    def __init__(self, path: Path = FLOWS / "tips.yaml") -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = data or {}
        self.sources = [s["id"] for s in data.get("sources", [])]
        self.themes = list(data.get("themes", []))
        self.tips = {
            t["id"]: Tip(t["id"], t["source"], tuple(t.get("themes", [])),
                         tuple(t.get("phases", [])),
                         {lang: tuple(words) for lang, words in t.get("keywords", {}).items()})
            for t in data.get("tips", [])
        }

    def ids(self) -> set[str]:
        return set(self.tips)

    def get(self, tip_id: str) -> Tip | None:
        return self.tips.get(tip_id)

    def pick(self, phase: str | None, avoid: str | None = None) -> Tip | None:
        """A tip for this phase (any tip when none fits), not the one shown last."""
        fitting = [t for t in self.tips.values() if phase is None or phase in t.phases]
        pool = [t for t in fitting or self.tips.values() if t.id != avoid]
        return random.choice(pool) if pool else None

    def render(self, tip: Tip, t: Texts) -> str:
        return t._(
            "💡 <b>{title}</b>\n\n{text}\n\n<i>Source: {source}</i>",
            title=t.key(f"tip.{tip.id}.title"),
            text=t.key(f"tip.{tip.id}.text"),
            source=t.key(f"source.{tip.source}"),
        )
