"""The check-in rhythm the agreement names and its calendar repeats: the planned schedule
when there is one, else the rhythm the group answered (the flow's `checkin_rhythm`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.entities import Answer, Schedule
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.progress import given

# A schedule's `every` (the check-ins feature stores it in the rule's JSON) as an
# iCalendar recurrence: frequency and interval.
RECUR = {"week": ("WEEKLY", 1), "2weeks": ("WEEKLY", 2), "4weeks": ("WEEKLY", 4),
         "month": ("MONTHLY", 1)}
# The choices of the flow's rhythm step (weekly, biweekly, monthly) as a schedule's `every`.
ANSWERED = {"weekly": "week", "biweekly": "2weeks", "monthly": "month"}
EVERY_NAMES = {"week": _("Weekly"), "2weeks": _("Every two weeks"),
               "4weeks": _("Every four weeks"), "month": _("Monthly")}


@dataclass(frozen=True)
class Rhythm:
    text: str  # how the agreement says it
    freq: str  # WEEKLY or MONTHLY
    interval: int
    start: datetime | date | None  # the first check-in: a local time when planned, a day
                                   # when only agreed, None when no day is known
    planned: bool


def rhythm(t: Texts, flow: Flow, answers: list[Answer],
           schedule: Schedule | None) -> Rhythm | None:
    return _planned(t, schedule) or _answered(t, flow, answers)


def _planned(t: Texts, schedule: Schedule | None) -> Rhythm | None:
    if schedule is None:
        return None
    try:
        rule = json.loads(schedule.rule)
        every = rule["every"]
        freq, interval = RECUR[every]
        at = f"{int(rule.get('hour', 10)):02d}:{int(rule.get('minute', 0)):02d}"
    except (ValueError, KeyError, TypeError):
        return None  # a rule of a shape this version does not know: say nothing wrong
    if every == "month":
        text = t._("Monthly on day {day} at {time}", day=rule.get("day", 1), time=at)
    else:
        weekday = t.locale.days["format"]["wide"][int(rule.get("weekday", 0)) % 7]
        text = t._("{every} on {weekday} at {time}", every=t._(EVERY_NAMES[every]),
                   weekday=weekday, time=at)
    text = f"{text} ({schedule.timezone})"
    if schedule.paused_until:
        text += " · " + t._("paused until {date}", date=t.date(schedule.paused_until))
    start = schedule.next_at.astimezone(ZoneInfo(schedule.timezone)) \
        if schedule.next_at else None
    return Rhythm(text, freq, interval, start, planned=True)


def _answered(t: Texts, flow: Flow, answers: list[Answer]) -> Rhythm | None:
    if flow.checkin_rhythm is None:
        return None
    every_step, from_step = flow.checkin_rhythm  # named in the flow file
    group = given(answers)
    every = ANSWERED.get(str(group.get(every_step)))
    if every is None:
        return None
    freq, interval = RECUR[every]
    first = group.get(from_step) if from_step else None
    day = date.fromisoformat(first) if isinstance(first, str) else None
    name = t._(EVERY_NAMES[every])
    text = (t._("{every} from {date}, as agreed; not planned yet: /checkin plans them",
                every=name, date=t.date(day)) if day else
            t._("{every}, as agreed; not planned yet: /checkin plans them", every=name))
    return Rhythm(text, freq, interval, day, planned=False)
