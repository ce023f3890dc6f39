"""Check-in schedules: rules, reading what people type, and the next moment a rule fires.

Times are kept as local wall-clock times in the chat's time zone, so a check-in at
10:00 stays at 10:00 across daylight-saving changes. The words people type ("wekelijks",
"friday") come from each language's words file, under `schedule`.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.core.i18n import LANGUAGES, words

EVERY = ("week", "2weeks", "4weeks", "month")
STEP_DAYS = {"week": 7, "2weeks": 14, "4weeks": 28}
TIME = re.compile(r"^([01]?\d|2[0-3])[:.u]([0-5]\d)$")


@dataclass(frozen=True)
class Rule:
    every: str  # week | 2weeks | 4weeks | month
    weekday: int = 0  # for the weekly kinds, Monday = 0
    day: int = 1  # for month: day of the month, 1-28
    hour: int = 10
    minute: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Rule:
        return cls(**json.loads(text))

    @property
    def clock(self) -> time:
        return time(self.hour, self.minute)


@dataclass(frozen=True)
class Vocabulary:
    every: dict[str, str]  # typed word -> one of EVERY
    weekdays: dict[str, int]  # typed word -> Monday = 0
    filler: frozenset[str]  # words that may stand between ("om", "on")


@cache
def vocabulary(languages: tuple[str, ...] = LANGUAGES) -> Vocabulary:
    """Every language's schedule words together: a chat may type either language."""
    every: dict[str, str] = {}
    weekdays: dict[str, int] = {}
    filler: set[str] = set()
    for language in languages:
        spec = words(language)["schedule"]
        for kind, names in spec["every"].items():
            if kind not in EVERY:
                raise ValueError(f"{language}/words.yaml: schedule.every {kind!r} is not one "
                                 f"of {', '.join(EVERY)}")
            every.update({str(name).lower(): kind for name in names})
        if len(spec["weekdays"]) != 7:
            raise ValueError(f"{language}/words.yaml: schedule.weekdays needs seven days")
        for number, names in enumerate(spec["weekdays"]):
            weekdays.update({str(name).lower(): number for name in names})
        filler.update(str(name).lower() for name in spec["filler"])
    return Vocabulary(every, weekdays, frozenset(filler))


def parse_rule(typed: list[str]) -> Rule | None:
    """`maandelijks 10:00`, `weekly friday 16:30`, `monthly 15 9:00`, `tweewekelijks di`."""
    known = vocabulary()
    every, weekday, day, at = None, None, None, None
    for word in (w.lower().strip(",") for w in typed):
        if word in known.every:
            every = known.every[word]
        elif word in known.weekdays:
            weekday = known.weekdays[word]
        elif match := TIME.match(word):
            at = (int(match.group(1)), int(match.group(2)))
        elif word.isdigit() and 1 <= int(word) <= 28:
            day = int(word)
        elif word not in known.filler:
            return None
    if every is None:
        return None
    hour, minute = at or (10, 0)
    return Rule(every, weekday if weekday is not None else 0, day or 1, hour, minute)


def _local(day: date, rule: Rule, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, rule.clock, tzinfo=tz)


def next_time(rule: Rule, tz_name: str, after: datetime,
              anchor: datetime | None = None) -> datetime:
    """The first moment strictly after `after` (UTC) at which the rule fires.

    `anchor` is the previous firing, so every-two-weeks keeps its rhythm.
    """
    tz = ZoneInfo(tz_name)
    local_after = after.astimezone(tz)
    if rule.every == "month":
        year, month = local_after.year, local_after.month
        while True:
            day = min(rule.day, calendar.monthrange(year, month)[1])
            moment = _local(date(year, month, day), rule, tz)
            if moment > local_after:
                return moment.astimezone(UTC)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = STEP_DAYS[rule.every]
    if anchor is not None:
        day = anchor.astimezone(tz).date()
        while _local(day, rule, tz) <= local_after:
            day += timedelta(days=step)
        return _local(day, rule, tz).astimezone(UTC)
    day = local_after.date() + timedelta(days=(rule.weekday - local_after.weekday()) % 7)
    while _local(day, rule, tz) <= local_after:
        day += timedelta(days=7)
    return _local(day, rule, tz).astimezone(UTC)
