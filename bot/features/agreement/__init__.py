"""/agreement: the samenwerkingsafspraken from the process answers, as a message, a PDF
and a calendar. Open points are marked open, never filled in.

What goes in is declared in the flow file (`agreement`, `checkin_rhythm`, `calendar`);
content.py reads it, and the message, pdf.py and ics.py show the same agreement."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from bot.core.clock import Clock
from bot.core.context import Ctx, esc
from bot.core.feature import Command, Feature
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Outcome, Reply, split
from bot.features.agreement.content import Terms, build, version

PROCESS = "process"


class Agreement(Feature):
    def __init__(self, clock: Clock, flows: dict[str, Flow]) -> None:
        self.clock = clock
        self.flows = flows

    def commands(self) -> list[Command]:
        return [Command("agreement", self.agreement, _("The agreements as a document"))]

    async def agreement(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        flow = self.flows.get(PROCESS)
        run = await ctx.repo.latest_run(ctx.chat.id, PROCESS) if flow else None
        if flow is None or run is None:
            return Outcome().say(t._(
                "There are no agreements yet: they come from the Overeenkomen phase of "
                "/process."))
        now = self.clock.now()
        agreement = build(t, flow, await ctx.repo.answers(run.id),
                          await ctx.repo.organisations(ctx.chat.id),
                          await ctx.repo.members(ctx.chat.id),
                          await ctx.repo.schedule(ctx.chat.id), now, ctx.chat.timezone)
        # Laying out a PDF takes a moment: off the event loop, so other chats go on.
        pdf, ics = await asyncio.to_thread(_files, t, agreement, ctx.chat.id, now)
        replies = [Reply(part) for part in split(message(t, agreement))]
        # File names in the chat's language, dated: a newer version does not overwrite.
        stamp = f"{agreement.today:%Y-%m-%d}"
        pdf_name, ics_name = t._("collaboration-agreements"), t._("agreements-calendar")
        replies.append(Reply(
            t._("📄 The agreements as a PDF: to print, sign per organisation and share."),
            file=(f"{_slug(pdf_name)}-{stamp}.pdf", pdf)))
        if ics is not None:
            caption = []
            if agreement.moments:
                caption.append(t._("📅 For your calendar: the dates from the agreements."))
            if agreement.rhythm and agreement.rhythm.start:
                caption.append(t._("🔁 For your calendar, the check-ins: {rhythm}.",
                                   rhythm=esc(agreement.rhythm.text)))
            replies.append(Reply("\n".join(caption), file=(
                f"{_slug(ics_name)}-{stamp}.ics", ics)))
        return Outcome(replies)


def _files(t: Texts, agreement: Terms, chat_id: int,
           now: datetime) -> tuple[bytes, bytes | None]:
    from bot.features.agreement import ics, pdf  # fpdf2 and icalendar load when first used
    return pdf.render(t, agreement), ics.build(t, agreement, chat_id, now)


def _slug(name: str) -> str:
    """A translated file name, safe on every system."""
    return re.sub(r"[^\w-]+", "-", name.strip().lower()).strip("-") or "agreement"


def message(t: Texts, agreement: Terms) -> str:
    """The agreement as a Telegram message (HTML; every answer escaped)."""
    lines = [t._("🤝 <b>Collaboration agreements</b>")]
    if agreement.partners:
        lines.append(t._("Between {partners}", partners=esc(", ".join(agreement.partners))))
    lines.append(f"{t.date(agreement.today)} · {version(t, agreement)}")
    for section in agreement.sections:
        lines += ["", f"<b>{esc(section.title)}</b>"]
        for item in section.items:
            for entry in item.entries:
                shown = (esc(entry.value).replace("\n", "\n   ") if entry.value is not None
                         else "<i>" + t._("still open") + "</i>")
                who = f"{esc(entry.who)}: " if entry.who else ""
                label = f"{esc(item.label)} — " if item.label else ""
                lines.append(f"• {label}{who}{shown}")
    if agreement.open_points:
        lines += ["", t._("⏳ <b>Still open:</b> {items}",
                          items=esc("; ".join(agreement.open_points)))]
    return "\n".join(lines)
