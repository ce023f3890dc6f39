"""Reading a date as people type it, in Dutch or English.

No Telegram and no user-facing text here: a reading is a date, or a problem code with the
data a message needs. `today` is the chat's today (in the chat's time zone); every relative
phrase ("morgen", "next tuesday") counts from it, and a date without a year is the next one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale

from bot.core.i18n import LANGUAGES


@dataclass(frozen=True)
class DateReading:
    value: date | None  # the date read, or None
    problem: str | None = None  # None when value is set; else "impossible" or "unreadable"
    # For "impossible": day, month, year as typed (year None when left out), wrong ("day" or
    # "month") and, when the month exists, days_in_month (in the year the date would fall in).
    detail: dict = field(default_factory=dict)


# Only the date counts. Times go first, or dateparser reads "15-03-2027 om 10 uur" as today 10:00.
TIME = re.compile(
    r"\b(?:om|at)\s+\d{1,2}(?:[.:]\d{2})?(?:\s*(?:uur|u|am|pm))?\b"
    r"|\b\d{1,2}(?::\d{2}|(?:\.\d{2})?\s*(?:uur|u|am|pm)\b)"
)
# Numeric and month-name forms are checked by hand, because dateparser only says "no" to
# "31-02-2027" and the user deserves to hear that February has 28 days.
NUMERIC = re.compile(r"^(\d{1,2}|[12]\d{3})[-/.](\d{1,2})(?:[-/.](\d{2}|[12]\d{3}))?$")
ORDINAL = r"(\d{1,2})(?:e|ste|de|st|nd|rd|th)?\.?"
DAY_MONTH = re.compile(rf"^(?:[^\W\d_]+,?\s+)?{ORDINAL}\s+([^\W\d_]+)\.?,?(?:\s+([12]\d{{3}}))?$")
MONTH_DAY = re.compile(rf"^([^\W\d_]+)\.?\s+{ORDINAL},?(?:\s+([12]\d{{3}}))?$")
# "eind maart" is not in dateparser; a bare month means its first day.
EDGE = r"(?:(begin|start|eind|end)(?: of| van)?\s+)?"
MONTH_ONLY = re.compile(rf"^{EDGE}([^\W\d_]+)\.?(?:\s+([12]\d{{3}}))?$")
# Small Dutch gaps in dateparser: number words ("over twee weken") and weekday modifiers.
NUMBERS = "één een twee drie vier vijf zes zeven acht negen tien".split()
NUMBER_WORD = re.compile(rf"\b(over|in)\s+({'|'.join(NUMBERS)})\b")
NEXT_WEEK = re.compile(r"\b(?:volgende|next) week\b")


@lru_cache
def _months(languages: tuple[str, ...]) -> dict[str, int]:
    """Month names and abbreviations ("mrt", "feb") in the chat's languages, from Babel."""
    names: dict[str, int] = {}
    for language in languages:
        months = Locale.parse(language).months["format"]
        for width in ("wide", "abbreviated"):
            names.update({n.lower().rstrip("."): i for i, n in months[width].items()})
    return names


def _month(word: str, languages: tuple[str, ...]) -> int | None:
    """A month by its name, or by the start of its full name ("febr", "sept")."""
    names = _months(languages)
    if word in names:
        return names[word]
    found = {i for n, i in names.items() if len(word) >= 3 and n.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _check(day: int, month: int, year: int | None, today: date) -> DateReading:
    """The typed day/month/year as a date, or exactly what is wrong with it."""
    if year is not None and year < 100:
        year += 2000  # "15-03-27"
    detail: dict = {"day": day, "month": month, "year": year}
    if not 1 <= month <= 12:
        return DateReading(None, "impossible", {**detail, "wrong": "month"})
    # Without a year: this year if that is still to come (today included), else next year.
    year = year or today.year + ((month, day) < (today.month, today.day))
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return DateReading(None, "impossible", {**detail, "wrong": "day", "days_in_month": days})
    return DateReading(date(year, month, day))


def _by_hand(text: str, today: date, languages: tuple[str, ...]) -> DateReading | None:
    if m := NUMERIC.match(text):
        a, b, c = (int(x) if x else None for x in m.groups())
        if a > 99:  # ISO, 2027-03-15
            return _check(c, b, a, today) if c else None
        return _check(a, b, c, today)  # day first: 15-03-2027
    for pattern, day_at, month_at in ((DAY_MONTH, 1, 2), (MONTH_DAY, 2, 1)):
        if (m := pattern.match(text)) and (month := _month(m.group(month_at), languages)):
            year = int(m.group(3)) if m.group(3) else None
            return _check(int(m.group(day_at)), month, year, today)
    if (m := MONTH_ONLY.match(text)) and (month := _month(m.group(2), languages)):
        year = int(m.group(3)) if m.group(3) else None
        if m.group(1) in ("eind", "end"):
            year = year or today.year + (month < today.month)
            return DateReading(date(year, month, calendar.monthrange(year, month)[1]))
        return _check(1, month, year, today)
    return None


def read_date(text: str, today: date, languages: tuple[str, ...] = LANGUAGES) -> DateReading:
    """Read a date; see DateReading for what comes back."""
    text = " ".join(TIME.sub(" ", text.lower()).split()).strip(" .,!")
    # A bare number or a lone letter is not a date (dateparser reads "42" as 2042, "a" as today).
    if not re.search(r"[^\W\d_]{2}|\d\D+\d", text):
        return DateReading(None, "unreadable")
    if reading := _by_hand(text, today, languages):
        return reading
    text = NUMBER_WORD.sub(lambda m: f"{m[1]} {max(1, NUMBERS.index(m[2]))}", text)
    text = re.sub(r"\b(?:komende|aanstaande|eerstvolgende)\b", "volgende", text)
    base = today
    if NEXT_WEEK.search(text) and NEXT_WEEK.sub("", text).strip():
        # "volgende week dinsdag": the first such day after this week's Sunday.
        text, base = NEXT_WEEK.sub("", text).strip(), today + timedelta(6 - today.weekday())
    import dateparser  # lazily: it costs start-up time and memory the bot may never need

    settings = {
        "DATE_ORDER": "DMY",  # 3-2 is 3 February, as in the Netherlands and Belgium
        "PREFER_DATES_FROM": "future",  # "dinsdag" is the coming one, never today or past
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    for attempt in (text, text.removeprefix("volgende ")):  # "volgende dinsdag" fails as is
        if found := dateparser.parse(attempt, languages=list(languages), settings=settings):
            return DateReading(found.date())
    return DateReading(None, "unreadable")
