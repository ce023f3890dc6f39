"""The weekly digest's moment: a weekday and a time in the coordinator's zone, typed as
"monday 9:00" or "maandag 09:00" (the weekday words of every language)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.i18n import LANGUAGES, Texts, words


def parse(args: list[str]) -> str | None:
    """'<weekday> HH:MM' (weekday 0 = Monday), or None when it cannot be read."""
    day = hour = None
    minute = 0
    for word in (a.lower() for a in args):
        found = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", word)
        if found and int(found[1]) < 24 and int(found[2] or 0) < 60:
            hour, minute = int(found[1]), int(found[2] or 0)
            continue
        for language in LANGUAGES:
            for number, names in enumerate(words(language)["schedule"]["weekdays"]):
                if word in names:
                    day = number
    if day is None:
        return None
    return f"{day} {hour if hour is not None else 9:02d}:{minute:02d}"


def next_moment(rule: str, zone: str, now: datetime) -> datetime:
    """The first moment after `now` on the rule's weekday and time, in UTC."""
    day, clock = rule.split()
    hour, minute = (int(x) for x in clock.split(":"))
    local = now.astimezone(ZoneInfo(zone))
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    at += timedelta(days=(int(day) - at.weekday()) % 7)
    if at <= local:
        at += timedelta(days=7)
    return at.astimezone(now.tzinfo)


def describe(rule: str, t: Texts) -> str:
    day, clock = rule.split()
    name = words(t.language)["schedule"]["weekdays"][int(day)][0]
    return t._("every {day} at {time}", day=name, time=clock)
