"""Question kinds: each is one class that reads a typed answer, names the values its
buttons give, and shows a stored answer. A flow names its kind (`kind: date`); the process
feature asks with it and the outputs show with it, so a new kind is one class here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Protocol

from bot.core.answers import OTHER, parse_organisations
from bot.core.context import esc
from bot.core.dates import DateReading, read_date
from bot.core.i18n import Texts
from bot.core.i18n import mark as _


class Asked(Protocol):
    """What a kind needs of a step (a flow's Step is one)."""

    key: str
    kind: str
    choices: tuple[str, ...]

    def choice_key(self, choice: str) -> str: ...


@dataclass(frozen=True)
class Reading:
    """A typed answer read: its value, or why it is not one (a code, or a date's reading)."""

    value: object = None
    problem: str | DateReading | None = None


class Kind:
    name: ClassVar[str] = ""
    typed: ClassVar[bool] = False  # answered by typing: a reply to the question
    slow: ClassVar[bool] = False  # reading may take a while: run it off the event loop
    needs_choices: ClassVar[bool] = False
    layout: ClassVar[str] = ""  # its buttons: choices, ticks, yesno, scale (or none)
    hint: ClassVar[str | None] = None  # how to type it (a catalog msgid)

    def values(self, step: Asked) -> tuple[str, ...]:
        """The values its buttons give, in order."""
        return ()

    def from_button(self, step: Asked, index: int) -> object:
        return self.values(step)[index]

    def read(self, text: str, today: date, languages: tuple[str, ...]) -> Reading:
        return Reading(problem="buttons")  # not typed: its buttons answer it

    def show(self, step: Asked, value: object, t: Texts, note: str | None = None) -> str:
        """A stored answer as HTML for a summary; user text escaped."""
        return esc(str(value))


class Text(Kind):
    name, typed = "text", True

    def read(self, text, today, languages) -> Reading:
        return Reading(text)


class Choice(Kind):
    name, needs_choices, layout = "choice", True, "choices"

    def values(self, step):
        return step.choices

    def show(self, step, value, t, note=None) -> str:
        if value == OTHER and note:
            return esc(note)  # after "Other", what the member typed is the answer
        return esc(t.key(step.choice_key(str(value))))


class Multi(Choice):
    name, layout = "multi", "ticks"

    def show(self, step, value, t, note=None) -> str:
        return ", ".join(super(Multi, self).show(step, v, t, note) for v in value) or "–"


class Scale(Kind):
    name, layout = "scale", "scale"

    def values(self, step):
        return ("1", "2", "3", "4", "5")

    def from_button(self, step, index):
        return int(self.values(step)[index])

    def show(self, step, value, t, note=None) -> str:
        return f"{value}/5"


class YesNo(Kind):
    name, layout = "yesno", "yesno"

    def values(self, step):
        return ("yes", "no")

    def show(self, step, value, t, note=None) -> str:
        return t._("Yes") if value == "yes" else t._("No")


class Date(Kind):
    name, typed, slow = "date", True, True  # the first natural phrase loads dateparser
    hint = _("<i>Type a date, for example 15-03-2027.</i>")

    def read(self, text, today, languages) -> Reading:
        reading = read_date(text, today, languages)
        return Reading(reading.value.isoformat()) if reading.value else Reading(problem=reading)

    def show(self, step, value, t, note=None) -> str:
        return esc(t.date(date.fromisoformat(value)))


class Organisations(Kind):
    name, typed = "organisations", True
    hint = _("<i>One name per line, or separated by commas.</i>")

    def read(self, text, today, languages) -> Reading:
        names = parse_organisations(text)
        return Reading(names) if names else Reading(problem="empty")

    def show(self, step, value, t, note=None) -> str:
        return esc(", ".join(value))


KINDS: dict[str, Kind] = {k.name: k() for k in (Text, Choice, Multi, Scale, YesNo, Date,
                                                Organisations)}


def show(step: Asked, value: object, t: Texts, note: str | None = None) -> str:
    """A stored answer as HTML for a summary, as its step's kind shows it."""
    return "" if value is None else KINDS[step.kind].show(step, value, t, note)
