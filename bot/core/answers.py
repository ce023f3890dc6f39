"""Turning raw input into stored answer values, and stored values back into text."""

from __future__ import annotations

OTHER = "other"  # a choice with this id asks what the member means; the typed text is the answer
MAX_ORGS = 12
MAX_ORG_NAME = 60


def listed(names: list[str], name: str) -> bool:
    """Whether an organisation of this name is on the list, ignoring case and spacing
    ("Buurthuis de Linde" is "Buurthuis De  Linde")."""
    key = " ".join(name.split()).casefold()
    return any(" ".join(n.split()).casefold() == key for n in names)


def parse_organisations(text: str) -> list[str]:
    """One name per line (commas work too); duplicates and blanks dropped."""
    names: list[str] = []
    lines = text.splitlines() if "\n" in text else text.split(",")
    for raw in lines:
        name = " ".join(raw.strip(" •-*\t").split())[:MAX_ORG_NAME]
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names[:MAX_ORGS]
