"""Check-in schedules: rules, parsing what people type, and the next moment a rule fires.

Times are kept as local wall-clock times in the chat's time zone, so a check-in at
10:00 stays at 10:00 across daylight-saving changes.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY = ("week", "2weeks", "4weeks", "month")
STEP_DAYS = {"week": 7, "2weeks": 14, "4weeks": 28}
WEEKDAYS = {
    "maandag": 0, "ma": 0, "monday": 0, "mon": 0,
    "dinsdag": 1, "di": 1, "tuesday": 1, "tue": 1,
    "woensdag": 2, "wo": 2, "wednesday": 2, "wed": 2,
    "donderdag": 3, "do": 3, "thursday": 3, "thu": 3,
    "vrijdag": 4, "vr": 4, "friday": 4, "fri": 4,
    "zaterdag": 5, "za": 5, "saturday": 5, "sat": 5,
    "zondag": 6, "zo": 6, "sunday": 6, "sun": 6,
}
EVERY_WORDS = {
    "wekelijks": "week", "weekly": "week", "week": "week", "elke week": "week",
    "tweewekelijks": "2weeks", "biweekly": "2weeks", "2weeks": "2weeks", "2-wekelijks": "2weeks",
    "vierwekelijks": "4weeks", "4weeks": "4weeks", "4-wekelijks": "4weeks",
    "maandelijks": "month", "monthly": "month", "month": "month", "maand": "month",
}
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


def parse_rule(words: list[str]) -> Rule | None:
    """`maandelijks 10:00`, `weekly friday 16:30`, `monthly 15 9:00`, `tweewekelijks di`."""
    every, weekday, day, at = None, None, None, None
    for word in (w.lower().strip(",") for w in words):
        if word in EVERY_WORDS:
            every = EVERY_WORDS[word]
        elif word in WEEKDAYS:
            weekday = WEEKDAYS[word]
        elif match := TIME.match(word):
            at = (int(match.group(1)), int(match.group(2)))
        elif word.isdigit() and 1 <= int(word) <= 28:
            day = int(word)
        elif word not in ("om", "at", "op", "on", "de", "the", "elke", "every"):
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

