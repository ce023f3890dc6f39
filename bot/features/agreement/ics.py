"""The agreement's dates as an iCalendar file (.ics) that calendar apps import: the start,
the milestones and evaluation moments as all-day events, and the check-ins as one
repeating event. UIDs are stable (step, day and chat), so importing a newer version
updates an event instead of adding it twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur

from bot.core.i18n import Texts
from bot.features.agreement.content import Terms


def build(t: Texts, agreement: Terms, chat_id: int, now: datetime) -> bytes | None:
    """The calendar, or None when the agreement holds no date and no rhythm to repeat."""
    rhythm = agreement.rhythm if agreement.rhythm and agreement.rhythm.start else None
    if not agreement.moments and rhythm is None:
        return None
    partners = ", ".join(agreement.partners)
    about = (t._("From the collaboration agreements of {partners}.", partners=partners)
             if partners else t._("From the collaboration agreements."))
    cal = Calendar()
    cal.add("prodid", f"-//Samenwerkbot//Agreements//{t.language.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", " · ".join(filter(None, (t._("Collaboration agreements"),
                                                     partners))))
    for moment in agreement.moments:
        event = _event(f"{moment.step}-{moment.day:%Y%m%d}-{chat_id}", moment.title,
                       "\n".join((*moment.details, about)), now)
        event.add("dtstart", moment.day)
        event.add("dtend", moment.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a date to know, not a busy day
        cal.add_component(event)
    if rhythm is not None:
        how = (t._("The check-in questions come in the group chat: answer them there.")
               if rhythm.planned else
               t._("The rhythm you agreed: /checkin plans these check-ins in the group chat."))
        event = _event(f"checkin-{chat_id}", t._("Check-in of the collaboration"),
                       "\n".join((rhythm.text, how, about)), now)
        event.add("dtstart", rhythm.start)  # a local time with its zone, or a day
        if isinstance(rhythm.start, datetime):
            event.add("dtend", rhythm.start + timedelta(minutes=30))
        else:
            event.add("dtend", rhythm.start + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("rrule", vRecur(freq=rhythm.freq, interval=rhythm.interval))
        cal.add_component(event)
    if rhythm is not None and isinstance(rhythm.start, datetime):
        # A VTIMEZONE for the check-ins' zone, from their start on (not since 1970).
        cal.add_missing_timezones(first_date=rhythm.start.date())
    return cal.to_ical()


def _event(uid: str, summary: str, description: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@samenwerkbot")
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("description", description)
    return event
