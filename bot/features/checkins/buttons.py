"""The check-ins' buttons. Schedule buttons name the chat whose schedule they set; round
and next-step buttons name their round. Both are checked against the chat they are
pressed in. `Pick` and `Next` keep the legacy data ("ci:12:g:yes", "nx:12:talk"), so the
buttons of rounds already posted keep working."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Data, button


@button("cs")
@dataclass(frozen=True)
class Often(Data):
    chat: int
    every: str  # one of schedule.EVERY; next: which day


@button("csd")
@dataclass(frozen=True)
class Day(Data):
    chat: int
    every: str
    day: int  # a weekday (Monday = 0) or a day of the month; next: what time


@button("cst")
@dataclass(frozen=True)
class At(Data):
    chat: int
    every: str
    day: int
    hour: int
    minute: int  # the last choice: the schedule is saved


@button("csa")
@dataclass(frozen=True)
class Agreed(Data):
    chat: int  # the rhythm agreed in Overeenkomen


@button("cso")
@dataclass(frozen=True)
class Off(Data):
    chat: int  # no more scheduled check-ins


@button("ci")
@dataclass(frozen=True)
class Pick(Data):
    round: int
    question: str  # g (goal), p (plan), c (continue)
    value: str


@button("nx")
@dataclass(frozen=True)
class Next(Data):
    round: int
    kind: str  # pdca | talk | delen | closing
