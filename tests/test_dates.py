"""read_date: natural Dutch and English dates, impossible dates named, the rest refused."""

import subprocess
import sys
from datetime import date

import pytest

from bot.core.dates import DateReading, read_date

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15-03-2027", date(2027, 3, 15)),
        ("15/3/2027", date(2027, 3, 15)),
        ("15.03.2027", date(2027, 3, 15)),
        ("2027-03-15", date(2027, 3, 15)),
        ("15-03-27", date(2027, 3, 15)),
        ("15 maart 2027", date(2027, 3, 15)),
        ("15 March 2027", date(2027, 3, 15)),
        ("March 15, 2027", date(2027, 3, 15)),
        ("dinsdag 15 december", date(2026, 12, 15)),
        ("1e juni", date(2027, 6, 1)),
        ("3 febr.", date(2027, 2, 3)),
        # Left to dateparser (a weekday in front), still day first.
        ("za 6/2", date(2027, 2, 6)),
    ],
)
def test_written_dates(text, expected):
    assert read_date(text, TODAY) == DateReading(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Day first, as in the Netherlands and Belgium: 3-2 is 3 February.
        ("3-2", date(2027, 2, 3)),
        # No year: the next such date, so February is next year's ...
        ("3 feb", date(2027, 2, 3)),
        ("3 februari", date(2027, 2, 3)),
        ("feb 3", date(2027, 2, 3)),
        ("1 juni", date(2027, 6, 1)),
        ("30 nov", date(2027, 11, 30)),
        # ... and today itself still counts.
        ("1 dec", date(2026, 12, 1)),
        ("24 december", date(2026, 12, 24)),
    ],
)
def test_dates_without_a_year_are_the_next_one(text, expected):
    assert read_date(text, TODAY).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", date(2026, 12, 1)),
        ("morgen", date(2026, 12, 2)),
        ("overmorgen", date(2026, 12, 3)),
        ("tomorrow", date(2026, 12, 2)),
        ("over 3 dagen", date(2026, 12, 4)),
        ("over twee weken", date(2026, 12, 15)),
        ("over een week", date(2026, 12, 8)),
        ("in two weeks", date(2026, 12, 15)),
        ("volgende week dinsdag", date(2026, 12, 8)),
        ("dinsdag volgende week", date(2026, 12, 8)),
        ("next week friday", date(2026, 12, 11)),
        ("eind maart", date(2027, 3, 31)),
        ("eind december", date(2026, 12, 31)),
        ("begin maart", date(2027, 3, 1)),
    ],
)
def test_relative_dates(text, expected):
    assert read_date(text, TODAY).value == expected


def test_relative_dates_count_from_the_given_today():
    assert read_date("morgen", date(2027, 2, 28)).value == date(2027, 3, 1)
    assert read_date("over een maand", date(2026, 12, 15)).value == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Today is a Tuesday: "dinsdag" is next week's, never today.
        ("dinsdag", date(2026, 12, 8)),
        ("next tuesday", date(2026, 12, 8)),
        ("tuesday", date(2026, 12, 8)),
        ("volgende dinsdag", date(2026, 12, 8)),
        ("komende dinsdag", date(2026, 12, 8)),
        ("woensdag", date(2026, 12, 2)),
        ("aanstaande maandag", date(2026, 12, 7)),
    ],
)
def test_weekdays_are_the_next_such_day(text, expected):
    assert read_date(text, TODAY).value == expected


def test_next_week_means_the_calendar_week_after_this_one():
    monday = date(2026, 11, 30)
    assert read_date("dinsdag", monday).value == date(2026, 12, 1)  # tomorrow
    assert read_date("volgende week dinsdag", monday).value == date(2026, 12, 8)
    sunday = date(2026, 12, 6)
    assert read_date("volgende week zondag", sunday).value == date(2026, 12, 13)


@pytest.mark.parametrize(
    "text",
    ["15-03-2027 om 10 uur", "15-03-2027 10:00", "15 maart 2027 om 9.30", "15-03-2027 3pm"],
)
def test_a_time_is_ignored(text):
    assert read_date(text, TODAY).value == date(2027, 3, 15)


def test_a_time_with_a_relative_date_is_ignored():
    assert read_date("morgen om 14.00 uur", TODAY).value == date(2026, 12, 2)
    assert read_date("tomorrow at 3pm", TODAY).value == date(2026, 12, 2)


def wrong_day(day, month, year, days):
    return {"day": day, "month": month, "year": year, "wrong": "day", "days_in_month": days}


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("31-02-2027", wrong_day(31, 2, 2027, 28)),
        ("30 februari 2027", wrong_day(30, 2, 2027, 28)),
        ("32-01-2027", wrong_day(32, 1, 2027, 31)),
        ("29-02-2027", wrong_day(29, 2, 2027, 28)),
        ("31 april", wrong_day(31, 4, None, 30)),
        ("feb 30", wrong_day(30, 2, None, 28)),
        ("0-5-2027", wrong_day(0, 5, 2027, 31)),
        ("31-02-2027 om 10 uur", wrong_day(31, 2, 2027, 28)),
        ("15-13-2027", {"day": 15, "month": 13, "year": 2027, "wrong": "month"}),
        ("2027-13-01", {"day": 1, "month": 13, "year": 2027, "wrong": "month"}),
    ],
)
def test_impossible_dates_say_what_is_wrong(text, detail):
    assert read_date(text, TODAY) == DateReading(None, "impossible", detail)


def test_leap_days():
    assert read_date("29-02-2028", TODAY).value == date(2028, 2, 29)
    # Without a year, 29 February falls in 2027, which has none.
    assert read_date("29 feb", TODAY).detail["days_in_month"] == 28
    assert read_date("29 feb", date(2027, 12, 1)).value == date(2028, 2, 29)


@pytest.mark.parametrize(
    "text", ["", "   ", "geen idee", "asdf", "a", "42", "15", "1700000000", "ja", "later"]
)
def test_text_that_is_no_date_is_unreadable(text):
    assert read_date(text, TODAY) == DateReading(None, "unreadable")


def test_english_only_chat_still_reads_english():
    assert read_date("next tuesday", TODAY, languages=("en",)).value == date(2026, 12, 8)
    assert read_date("15 maart 2027", TODAY, languages=("en",)).problem == "unreadable"


def test_dateparser_is_imported_only_when_needed():
    # Start-up time and memory are benchmarked: importing the module must not load dateparser,
    # and a plain numeric date is read without it.
    code = (
        "import sys; from datetime import date; from bot.core.dates import read_date; "
        "read_date('15-03-2027', date(2026, 12, 1)); assert 'dateparser' not in sys.modules; "
        "read_date('morgen', date(2026, 12, 1)); assert 'dateparser' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
