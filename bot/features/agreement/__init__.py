"""/agreement: the samenwerkingsafspraken from the Overeenkomen answers, as a message, a
PDF and a calendar. Open points are marked open, never filled in."""

from __future__ import annotations

import re
from html import unescape

from bot.core.clock import Clock
from bot.core.context import Ctx, esc
from bot.core.entities import Answer
from bot.core.feature import Command, Feature
from bot.core.flows import Flow, Step
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.kinds import show
from bot.core.outcome import Outcome, Reply, split
from bot.core.progress import by_organisation
from bot.features.agreement.documents import Section, calendar, render_pdf

PROCESS = "process"
TAG = re.compile(r"<[^>]+>")

class Agreement(Feature):
    def __init__(self, clock: Clock, flows: dict[str, Flow]) -> None:
        self.clock = clock
        self.flows = flows

    def commands(self) -> list[Command]:
        return [Command("agreement", self.agreement, _("The agreements as a document"))]

    async def agreement(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        gathered = await self.collect(ctx)
        if gathered is None:
            return Outcome().say(t._(
                "There are no agreements yet: they come from the Overeenkomen phase of "
                "/process."))
        sections, open_points = gathered
        now = self.clock.now()
        today = now.date()
        lines = [t._("🤝 <b>Samenwerkingsafspraken</b> · {date}", date=t.date(today))]
        for section in sections:
            lines += ["", f"<b>{esc(section.title)}</b>"]
            for label, entries in section.items:
                for org, value in entries:
                    who = f"{esc(org)}: " if org else ""
                    shown = (esc(value) if value is not None
                             else "<i>" + t._("still open") + "</i>")
                    lines.append(f"• {esc(label)} — {who}{shown}")
        if open_points:
            lines += ["", t._("⏳ <b>Still open:</b> {items}",
                              items=esc("; ".join(open_points)))]
        partners = [o.name for o in await ctx.repo.organisations(ctx.chat.id)]
        pdf = render_pdf(t, sections, open_points, today, partners)
        replies = [Reply(part) for part in split("\n".join(lines))]
        replies.append(Reply(t._("📄 The agreements as a PDF, to print or share."),
                             file=(f"samenwerkingsafspraken-{today:%Y%m%d}.pdf", pdf)))
        ics = await calendar(ctx, now)
        if ics is not None:
            replies.append(Reply(t._("📅 The evaluation moments, for your calendar."),
                                 file=("evaluatiemomenten.ics", ics)))
        return Outcome(replies)

    async def collect(self, ctx: Ctx) -> tuple[list[Section], list[str]] | None:
        """The sections with (label, [(organisation or None, plain answer or None=open)])."""
        flow = self.flows.get(PROCESS)
        run = await ctx.repo.latest_run(ctx.chat.id, PROCESS) if flow else None
        if run is None:
            return None
        answers = [a for a in await ctx.repo.answers(run.id) if not a.skipped]
        orgs = await ctx.repo.organisations(ctx.chat.id)
        t = ctx.t
        sections, open_points = [], []
        # The flow file names the sections and their steps (checked when it is loaded).
        for section_id, steps in flow.agreement:
            section = Section(t.key(f"{flow.id}.agreement.{section_id}"))
            for step_id in steps:
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


def _plain(step: Step, answer: Answer, t: Texts) -> str:
    return unescape(TAG.sub("", show(step, answer.value, t, answer.note)))
