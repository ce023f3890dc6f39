"""What the agreement says, read from the flow's declarations and the group's answers:
its sections, what is still open, the check-in rhythm and the dates for the calendar.
Plain data, so the message, the PDF and the calendar show the same agreement."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

from bot.core.entities import Answer, Member, Organisation, Schedule
from bot.core.flows import Flow, Step
from bot.core.i18n import Texts
from bot.core.kinds import show
from bot.core.progress import applicable, given
from bot.features.agreement.moments import Moment, moments
from bot.features.agreement.rhythm import Rhythm, rhythm

TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Entry:
    who: str | None  # the organisation (or member) it is about; None for the group
    value: str | None  # plain text; None: still open


@dataclass
class Item:
    label: str | None  # None: the section's title already says it (no sub-heading)
    name: str  # the step's short label, also for the list of open points
    entries: list[Entry]


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Terms:
    partners: list[str]
    today: date  # the chat's today
    as_of: datetime | None  # the latest answer: the version of the agreement
    code: str  # a short fingerprint of everything it is made of: it changes with any edit
    timezone: str
    sections: list[Section]
    open_points: list[str]
    moments: list[Moment]
    rhythm: Rhythm | None


def build(t: Texts, flow: Flow, answers: list[Answer], orgs: list[Organisation],
          members: list[Member], schedule: Schedule | None, now: datetime,
          timezone: str) -> Terms:
    """The agreement as the flow file declares it (`agreement`, `checkin_rhythm`,
    `calendar`), from every answer of the run (skipped ones count as open)."""
    group = given(answers)
    agreed = rhythm(t, flow, answers, schedule)
    sections, open_points = [], []
    for section_id, step_ids in flow.agreement:
        section = Section(t.key(f"{flow.id}.agreement.{section_id}"))
        for step in (flow.step(s) for s in step_ids):
            if not applicable(step, group):
                continue  # not asked, given the group's answers: not open either
            name = t.key(f"{step.key}.short")
            section.items.append(Item(name, name, _entries(t, step, answers, orgs, members)))
            if flow.checkin_rhythm and step.id == flow.checkin_rhythm[0]:
                name = t._("Check-ins in the group chat")
                value = agreed.text if agreed else None
                section.items.append(Item(name, name, [Entry(None, value)]))
        _drop_repeated_labels(section)
        sections.append(section)
        open_points += [f"{item.name} ({entry.who})" if entry.who else item.name
                        for item in section.items for entry in item.entries
                        if entry.value is None]
    real = [a for a in answers if not a.skipped]
    return Terms(
        partners=[o.name for o in orgs] or _named_partners(flow, real),
        today=now.astimezone(ZoneInfo(timezone)).date(),
        as_of=max((a.created_at for a in answers), default=None),
        code=_fingerprint(answers, orgs, schedule),
        timezone=timezone, sections=sections, open_points=open_points,
        moments=moments(t, flow, real, timezone), rhythm=agreed)


def version(t: Texts, terms: Terms) -> str:
    """"stand van 5 januari 2026, 10:00 (kenmerk 3F9A2C)": the latest answer's time, and a
    code that also tells apart two versions an edit made (an edit keeps the answer's time)."""
    moment = t.date(terms.today)
    if terms.as_of is not None:
        local = terms.as_of.astimezone(ZoneInfo(terms.timezone))
        moment = f"{t.date(local.date())}, {local:%H:%M}"
    return t._("as of {moment} (code {code})", moment=moment, code=terms.code)


def _fingerprint(answers: list[Answer], orgs: list[Organisation],
                 schedule: Schedule | None) -> str:
    made_of = ([(a.id, a.step, a.organisation_id, a.value, a.note, a.skipped) for a in answers],
               [o.name for o in orgs], schedule and (schedule.rule, schedule.timezone,
                                                     str(schedule.paused_until)))
    return hashlib.sha256(repr(made_of).encode()).hexdigest()[:6].upper()


def _drop_repeated_labels(section: Section) -> None:
    """A section with one item, or an item named like its section, needs no sub-heading
    ("Gedeelde ambitie / Gedeelde ambitie")."""
    for item in section.items:
        if len(section.items) == 1 or _same(item.name, section.title):
            item.label = None


def _same(a: str, b: str) -> bool:
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))
    return words(a) == words(b)


def _entries(t: Texts, step: Step, answers: list[Answer], orgs: list[Organisation],
             members: list[Member]) -> list[Entry]:
    real = [a for a in answers if a.step == step.id and not a.skipped]
    if step.kind == "organisations" and orgs:
        return [Entry(None, ", ".join(o.name for o in orgs))]
    if step.collect:  # a log: every answer counts
        return [Entry(None, _plain(t, step, a)) for a in real] or [Entry(None, None)]
    if step.scope == "organisation" and orgs:
        last = {a.organisation_id: a for a in real}
        return [Entry(o.name, _plain(t, step, last[o.id]) if o.id in last else None)
                for o in orgs]
    if step.scope == "member" and members:
        last = {a.user_id: a for a in real}
        return [Entry(m.name, _plain(t, step, last[m.user_id]) if m.user_id in last else None)
                for m in members]
    return [Entry(None, _plain(t, step, real[-1]) if real else None)]


def _plain(t: Texts, step: Step, answer: Answer) -> str:
    """An answer as plain text, as its kind shows it (after "Other": what was typed)."""
    return unescape(TAG.sub("", show(step, answer.value, t, answer.note)))


def _named_partners(flow: Flow, answers: list[Answer]) -> list[str]:
    """Before anyone registered the organisations, the names the group typed."""
    named = [a.value for a in answers if a.step in flow.ids
             and flow.step(a.step).kind == "organisations" and isinstance(a.value, list)]
    return list(named[-1]) if named else []
