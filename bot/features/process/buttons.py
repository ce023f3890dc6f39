"""The buttons of a question and of a doubtful date: each names its run and question, so a
press is checked against the chat and the question the group is at."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Data, button


@dataclass(frozen=True)
class OnQuestion(Data):
    run: int
    index: int  # the question's place in its flow


@button("a")
@dataclass(frozen=True)
class Pick(OnQuestion):
    arg: int  # which choice (or yes/no, or 1-5)


@button("m")
@dataclass(frozen=True)
class Tick(OnQuestion):
    arg: int  # which option of a several-choices question


@button("d")
@dataclass(frozen=True)
class Done(OnQuestion):
    pass


@button("n")
@dataclass(frozen=True)
class Next(OnQuestion):
    pass


@button("s")
@dataclass(frozen=True)
class Skip(OnQuestion):
    pass


@button("b")
@dataclass(frozen=True)
class Back(OnQuestion):
    pass


@button("p")
@dataclass(frozen=True)
class Pause(OnQuestion):
    pass


@button("t")
@dataclass(frozen=True)
class TipFor(OnQuestion):
    pass


@button("dc")
@dataclass(frozen=True)
class KeepDate(Data):
    run: int
    index: int
    day: str  # YYYYMMDD
    user: int  # who typed it (0: an anonymous admin, so any admin)


@button("dx")
@dataclass(frozen=True)
class OtherDate(Data):
    run: int
    index: int
    user: int


@button("gx")
@dataclass(frozen=True)
class GoOn(Data):
    """An admin takes the group past a gate not every organisation passed (recorded)."""

    run: int
    index: int
