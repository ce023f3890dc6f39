"""Turning raw input into stored answer values, and stored values back into text."""

from __future__ import annotations

from datetime import date

from bot.core.context import esc
from bot.core.flows import Step
from bot.core.i18n import Texts

OTHER = "other"  # a choice with this id asks what the member means; the typed text is the answer
MAX_ORGS = 12
MAX_ORG_NAME = 60


def parse_organisations(text: str) -> list[str]:
    """One name per line (commas work too); duplicates and blanks dropped."""
    names: list[str] = []
    lines = text.splitlines() if "\n" in text else text.split(",")
    for raw in lines:
        name = " ".join(raw.strip(" •-*\t").split())[:MAX_ORG_NAME]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names[:MAX_ORGS]


def show(step: Step, value: object, t: Texts, note: str | None = None) -> str:
    """An answer as HTML for a summary; user text escaped. After "Other", what the member
    typed is the answer."""
    if value is None:
        return ""

    def label(choice: str) -> str:
        if choice == OTHER and note:
            return esc(note)
        return esc(t.key(step.choice_key(choice)))

    if step.kind in ("choice",):
        return label(str(value))
    if step.kind == "multi":
        return ", ".join(label(v) for v in value) or "–"
    if step.kind == "yesno":
        return t._("Yes") if value == "yes" else t._("No")
    if step.kind == "scale":
        return f"{value}/5"
    if step.kind == "date":
        return esc(t.date(date.fromisoformat(value)))
    if step.kind == "organisations":
        return esc(", ".join(value))
    return esc(str(value))
