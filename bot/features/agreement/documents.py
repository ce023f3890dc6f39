"""The agreements as files: a PDF (fpdf2) and the evaluation moments as an .ics calendar.

The PDF uses DejaVu Sans (shipped with matplotlib), which covers Dutch and most scripts;
characters it cannot draw, such as emoji, are left out cleanly.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.i18n import Texts

# A check-in schedule's "every" (its stored rule) as an iCalendar recurrence.
RECUR = {"week": ("WEEKLY", 1), "2weeks": ("WEEKLY", 2), "4weeks": ("WEEKLY", 4),
         "month": ("MONTHLY", 1)}


class Section:
    def __init__(self, title: str) -> None:
        self.title = title
        self.items: list[tuple[str, list[tuple[str | None, str | None]]]] = []


@cache
def _font_path() -> Path:
    import matplotlib
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@cache
def _drawable() -> frozenset[int]:
    from fontTools.ttLib import TTFont
    font = TTFont(_font_path() / "DejaVuSans.ttf")
    return frozenset(font.getBestCmap())


def drawable(text: str) -> str:
    """Leave out what the font cannot draw (emoji), and the spaces it leaves behind."""
    chars = _drawable()
    kept = "".join(c for c in text if ord(c) in chars or c == "\n")
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


def render_pdf(t: Texts, sections: list[Section], open_points: list[str], today: date,
               partners: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    folder = _font_path()
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(folder / "DejaVuSans-Oblique.ttf"))
    pdf.set_title(drawable(t._("Samenwerkingsafspraken")))
    pdf.add_page()

    def write(text: str, size: float, style: str = "", height: float = 5.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, height, drawable(text), new_x="LMARGIN", new_y="NEXT")

    write(t._("Samenwerkingsafspraken"), 20, "B", 10)
    write(" · ".join(partners), 11, "", 6)
    write(t._("Drawn up on {date}", date=t.date(today)), 11, "", 6)
    for section in sections:
        pdf.ln(4)
        write(section.title, 13, "B", 8)
        for label, entries in section.items:
            write(label, 10, "B", 6)
            for org, value in entries:
                shown = value if value is not None else t._("still open")
                prefix = f"{org}: " if org else ""
                write(f"    {prefix}{shown}", 10, "I" if value is None else "")
    if open_points:
        pdf.ln(4)
        write(t._("Still open"), 12, "B", 7)
        for point in open_points:
            write(f"    • {point}", 10)
    pdf.ln(6)
    write(t._("Made with Samenwerkbot, from the answers in your group chat."), 9, "I", 5)
    return bytes(pdf.output())


async def calendar(ctx: Ctx, now: datetime) -> bytes | None:
    """The first evaluation and the check-ins as an .ics file (None when there are none)."""
    from icalendar import Calendar, Event, vRecur

    t = ctx.t
    run = await ctx.repo.latest_run(ctx.chat.id, "process")
    given = {a.step: a.value for a in await ctx.repo.answers(run.id) if not a.skipped} \
        if run else {}
    schedule = await ctx.repo.schedule(ctx.chat.id)
    if not isinstance(given.get("first_eval"), str) and schedule is None:
        return None
    cal = Calendar()
    cal.add("prodid", "-//Samenwerkbot//NL")
    cal.add("version", "2.0")
    if isinstance(given.get("first_eval"), str):
        day = date.fromisoformat(given["first_eval"])
        event = Event()
        event.add("uid", f"eval-{ctx.chat.id}-{day:%Y%m%d}@samenwerkbot")
        event.add("summary", t._("First evaluation of the collaboration"))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("dtstamp", now)
        cal.add_component(event)
    if schedule is not None and schedule.next_at:
        freq, interval = RECUR[json.loads(schedule.rule)["every"]]
        # Local time with its zone, so the calendar keeps 10:00 across summer time.
        start = schedule.next_at.astimezone(ZoneInfo(schedule.timezone))
        event = Event()
        event.add("uid", f"checkin-{ctx.chat.id}@samenwerkbot")
        event.add("summary", t._("Check-in of the collaboration"))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=30))
        event.add("dtstamp", now)
        event.add("rrule", vRecur(freq=freq, interval=interval))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
