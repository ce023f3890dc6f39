"""The samenwerkingsafspraken: the Overeenkomen answers as a text, a PDF and a calendar.

Open points are marked open, never filled in. The PDF uses DejaVu Sans (shipped with
matplotlib), which covers Dutch and most scripts; characters it cannot draw, such as
emoji, are left out cleanly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.answers import show
from bot.core.context import Ctx, esc
from bot.core.entities import Answer
from bot.core.i18n import mark as _
from bot.core.outcome import Outcome, Reply, split
from bot.core.progress import by_organisation
from bot.domain.schedule import Rule
from bot.domain.search import TAG

if TYPE_CHECKING:
    from bot.domain.service import Service


# Section title, and the process steps (phase.step) whose answers fill it.
SECTIONS = [
    (_("Partners"), ["verkennen.organisations"]),
    (_("Shared ambition"), ["delen.ambition", "delen.success"]),
    (_("Goals and end result"), ["overeenkomen.goals"]),
    (_("Who does what (and what not)"), ["overeenkomen.tasks", "delen.roles"]),
    (_("Time and money per partner"), ["overeenkomen.commitment"]),
    (_("Contact persons"), ["overeenkomen.contact"]),
    (_("Communication"), ["overeenkomen.channels", "overeenkomen.frequency"]),
    (_("Milestones"), ["overeenkomen.milestones", "uitvoeren.start"]),
    (_("Evaluation moments"), ["overeenkomen.evaluation", "uitvoeren.first_eval"]),
    (_("Knowledge hand-over"), ["overeenkomen.handover"]),
]


class Section:
    def __init__(self, title: str) -> None:
        self.title = title
        self.items: list[tuple[str, list[tuple[str | None, str | None]]]] = []


async def collect(service: Service, ctx: Ctx) -> tuple[list[Section], list[str]] | None:
    """The sections with (label, [(organisation or None, plain answer or None=open)])."""
    flow = service.flows.get("process")
    run = await ctx.repo.latest_run(ctx.chat.id, "process") if flow else None
    if run is None:
        return None
    answers = [a for a in await ctx.repo.answers(run.id) if not a.skipped]
    orgs = await ctx.repo.organisations(ctx.chat.id)
    t = ctx.t
    sections, open_points = [], []
    for title, steps in SECTIONS:
        section = Section(t._(title))
        for ref in steps:
            step_id = ref.split(".")[1]
            if step_id not in flow.ids:
                continue
            step = flow.step(step_id)
            label = t.key(f"{step.key}.short")
            if step.kind == "organisations" and orgs:
                entries = [(None, ", ".join(o.name for o in orgs))]
            elif step.scope == "organisation" and orgs:
                given = by_organisation(answers, step.id)
                entries = [(o.name, _plain(step, given[o.id], t) if o.id in given else None)
                           for o in orgs]
            else:
                last = _last(answers, step.id)
                entries = [(None, _plain(step, last, t) if last else None)]
            section.items.append((label, entries))
            open_points += [f"{label}" + (f" ({org})" if org else "")
                            for org, value in entries if value is None]
        sections.append(section)
    return sections, open_points


def _last(answers: list[Answer], step: str) -> Answer | None:
    found = [a for a in answers if a.step == step]
    return found[-1] if found else None


def _plain(step, answer: Answer, t) -> str:
    return unescape(TAG.sub("", show(step, answer.value, t, answer.note)))


async def agreement(service: Service, ctx: Ctx) -> Outcome:
    t = ctx.t
    gathered = await collect(service, ctx)
    if gathered is None:
        return Outcome().say(t._(
            "There are no agreements yet: they come from the Overeenkomen phase of /process."))
    sections, open_points = gathered
    today = service.clock.now().date()
    lines = [t._("🤝 <b>Samenwerkingsafspraken</b> · {date}", date=t.date(today))]
    for section in sections:
        lines += ["", f"<b>{esc(section.title)}</b>"]
        for label, entries in section.items:
            for org, value in entries:
                who = f"{esc(org)}: " if org else ""
                shown = esc(value) if value is not None else "<i>" + t._("still open") + "</i>"
                lines.append(f"• {esc(label)} — {who}{shown}")
    if open_points:
        lines += ["", t._("⏳ <b>Still open:</b> {items}", items=esc("; ".join(open_points)))]
    text_replies = [Reply(part) for part in split("\n".join(lines))]
    pdf = render_pdf(t, sections, open_points, today, await _partners(ctx))
    replies = [*text_replies, Reply(t._("📄 The agreements as a PDF, to print or share."),
                                    file=(f"samenwerkingsafspraken-{today:%Y%m%d}.pdf", pdf))]
    ics = await calendar(service, ctx)
    if ics is not None:
        replies.append(Reply(t._("📅 The evaluation moments, for your calendar."),
                             file=("evaluatiemomenten.ics", ics)))
    return Outcome(replies)


async def _partners(ctx: Ctx) -> list[str]:
    return [o.name for o in await ctx.repo.organisations(ctx.chat.id)]


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


def render_pdf(t, sections: list[Section], open_points: list[str], today: date,
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


async def calendar(service: Service, ctx: Ctx) -> bytes | None:
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
    now = service.clock.now()
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
        rule = Rule.from_json(schedule.rule)
        # Local time with its zone, so the calendar keeps 10:00 across summer time.
        start = datetime.fromisoformat(schedule.next_at).astimezone(ZoneInfo(schedule.timezone))
        freq = {"week": ("WEEKLY", 1), "2weeks": ("WEEKLY", 2), "4weeks": ("WEEKLY", 4),
                "month": ("MONTHLY", 1)}[rule.every]
        event = Event()
        event.add("uid", f"checkin-{ctx.chat.id}@samenwerkbot")
        event.add("summary", t._("Check-in of the collaboration"))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=30))
        event.add("dtstamp", now)
        event.add("rrule", vRecur(freq=freq[0], interval=freq[1]))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
