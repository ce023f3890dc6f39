"""Typed callback data: one small class per kind of button.

A button's data is its class's prefix and its fields, joined by ":" ("a:12:3:1"), within
Telegram's 64 bytes. Every button names the object it acts on (a run, a round, a scan,
the chat itself), so the feature that receives it can check that object belongs to the
chat the button was pressed in. A feature declares its classes with `@button("prefix")`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar, TypeVar

LIMIT = 64  # bytes, Telegram's limit for callback data
REGISTRY: dict[str, type[Data]] = {}
T = TypeVar("T", bound="type[Data]")


@dataclass(frozen=True)
class Data:
    prefix: ClassVar[str] = ""

    def encode(self) -> str:
        parts = [self.prefix]
        for field in fields(self):
            value = getattr(self, field.name)
            parts.append(str(int(value)) if isinstance(value, bool) else str(value))
        text = ":".join(parts)
        if not 1 <= len(text.encode()) <= LIMIT or any(":" in p for p in parts[1:]):
            raise ValueError(f"callback data must be 1-64 bytes without ':' in a field: {text!r}")
        return text


def button(prefix: str):
    """Register a button class under its prefix (unique in the whole bot)."""
    def register(cls: T) -> T:
        if prefix in REGISTRY and REGISTRY[prefix] is not cls:
            raise ValueError(f"button prefix {prefix!r} is used twice")
        cls.prefix = prefix
        REGISTRY[prefix] = cls
        return cls
    return register


def decode(text: str) -> Data | None:
    """The button's data, or None when it is not one of ours (or malformed)."""
    prefix, *parts = text.split(":")
    cls = REGISTRY.get(prefix)
    if cls is None or len(parts) != len(fields(cls)):
        return None
    values = []
    for field, part in zip(fields(cls), parts, strict=True):
        kind = field.type if isinstance(field.type, str) else field.type.__name__
        if kind in ("int", "bool"):
            if not part.lstrip("-").isdigit():
                return None
            values.append(int(part) if kind == "int" else part == "1")
        else:
            values.append(part)
    return cls(*values)
