"""/checkin: on the group's schedule the bot asks whether the partners still share the
goal, whether it goes as planned, what to adjust and whether to go on; it reminds once,
closes the round, sums it up per organisation and proposes a next step."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.context import Ctx, admins_only, not_this_chat, stale
from bot.core.feature import Command, Feature
from bot.core.flows import Flow
from bot.core.i18n import Texts
from bot.core.i18n import mark as _
from bot.core.outcome import Outcome, Reply
from bot.core.ports import Store
from bot.features.checkins.buttons import Agreed, At, Day, Next, Off, Often, Pick
from bot.features.checkins.rounds import KIND, Rounds
from bot.features.checkins.wizard import Wizard

Step = Callable[[Ctx], Awaitable[Outcome]]  # a next step the dialog takes


class Checkins(Feature):
    def __init__(self, store: Store, clock: Clock, texts: Callable[[str], Texts], *,
                 flows: Mapping[str, Flow], start_pdca: Step, revisit_delen: Step,
                 start_closing: Step, remind_after: timedelta = timedelta(days=1),
                 close_after: timedelta = timedelta(days=3)) -> None:
        self.store = store  # the clock's work has no event, so no ctx.repo
        self.texts = texts  # a chat's texts by its language
        # The flows a worrying round may start: a PDCA round; after a stop, wrapping up.
        self.offers = frozenset({"pdca", "closing"} & set(flows))
        self.start_pdca, self.revisit_delen = start_pdca, revisit_delen
        self.start_closing = start_closing
        self.rounds = Rounds(clock, remind_after, close_after, self.offers)
        self.wizard = Wizard(clock, flows)

    def commands(self) -> list[Command]:
        return [Command("checkin", self.checkin, _("Check-ins: schedule, or start one now"))]

    def buttons(self) -> dict:
        w = self.wizard
        return {Often: w.press_often, Day: w.press_day, At: w.press_at, Agreed: w.press_agreed,
                Off: w.press_off, Pick: self.rounds.press, Next: self.next_step}

    def prompts(self) -> dict:
        return {KIND: self.rounds.reply}

    async def checkin(self, ctx: Ctx, args: str) -> Outcome:
        """The router gives the first word in English ("nu" arrives as "now"); a typed
        rule ("wekelijks vrijdag 16:30") arrives as typed."""
        typed = args.split()
        first = typed[0].lower() if typed else ""
        if not first:
            return await self.wizard.overview(ctx)
        if first == "now":
            return await self.rounds.start_now(ctx)
        if not await ctx.is_admin():
            return admins_only(ctx)
        if first == "off":
            return await self.wizard.off(ctx)
        if first == "pause":
            return await self.wizard.pause(ctx, " ".join(typed[1:]))
        if first == "resume":
            return await self.wizard.resume(ctx)
        if first == "timezone":
            return await self.wizard.timezone(ctx, typed[1] if len(typed) > 1 else "")
        return await self.wizard.typed(ctx, typed)

    async def next_step(self, ctx: Ctx, data: Next, message_id: int | None) -> Outcome:
        """A next step proposed by a worrying round's summary."""
        t = ctx.t
        checkin = await ctx.repo.checkin(data.round)
        if checkin is None or checkin.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        if data.kind == "talk":
            return Outcome().say(t._(
                "🗣 <b>Plan a talk</b>\nAgree on a moment soon with one person of each "
                "organisation. Talk about four things: do we still want the same? Is it going "
                "as planned? What do we change? Do we go on, pause or stop? Put the outcome in "
                "this group, and start a new check-in afterwards with /checkin now."))
        if data.kind == "delen":
            return await self.revisit_delen(ctx)
        if data.kind == "pdca" and "pdca" in self.offers:
            return await self.start_pdca(ctx)
        if data.kind == "closing" and "closing" in self.offers:
            return await self.start_closing(ctx)
        return stale(ctx)

    async def due(self, now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        async for item in self.rounds.due(self.store, self.texts, now):
            yield item

    async def shown(self, unit: Store, chat_id: int, reply: Reply, message_id: int) -> None:
        """A round's message was sent: reminders answer it, and replies to it are found."""
        if reply.asks == KIND and reply.ref is not None:
            await unit.set_checkin_message(reply.ref, message_id)
