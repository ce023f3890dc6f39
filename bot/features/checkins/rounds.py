"""A check-in round: opened on the schedule or with /checkin now, answered with buttons
(and optionally a reply), reminded once, closed when everyone answered or at its
deadline, and summed up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Collection
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.context import Ctx, esc, not_this_chat, stale
from bot.core.entities import Checkin, Prompt
from bot.core.i18n import Texts
from bot.core.lifecycle import ROUND
from bot.core.outcome import Button, Outcome, Reply
from bot.core.ports import Store
from bot.features.checkins.buttons import Pick
from bot.features.checkins.questions import (
    ADJUST,
    LABELS,
    NUMBER,
    QUESTIONS,
    TITLES,
    complete,
    expected,
)
from bot.features.checkins.schedule import Rule, next_time
from bot.features.checkins.summary import summary

log = logging.getLogger(__name__)

KIND = "checkin"  # the prompt kind of a round's message: a reply says where to adjust


class Rounds:
    def __init__(self, clock: Clock, remind_after: timedelta, close_after: timedelta,
                 offers: Collection[str]) -> None:
        self.clock = clock
        self.remind_after, self.close_after = remind_after, close_after
        self.offers = offers  # the flows a summary may offer as a next step

    async def start_now(self, ctx: Ctx) -> Outcome:
        if await ctx.repo.open_checkin_of(ctx.chat.id):
            return Outcome().say(ctx.t._("A check-in is open now: answer it above."))
        checkin_id = await self.open(ctx.repo, ctx.chat.id)
        return Outcome([await self.message(ctx.repo, ctx.t, checkin_id)])

    async def open(self, repo: Store, chat_id: int) -> int:
        now = self.clock.now()
        return await repo.open_checkin(chat_id, now, now + self.remind_after,
                                       now + self.close_after)

    async def message(self, repo: Store, t: Texts, checkin_id: int,
                      edit: int | None = None) -> Reply:
        """The round's one message: the questions, who has answered, the buttons."""
        checkin = await repo.checkin(checkin_id)
        chat = await repo.chat(checkin.chat_id)
        answered = await complete(repo, checkin_id)
        status = " · ".join(("✅ " if m.user_id in answered else "⏳ ") + esc(m.name)
                            for m in await expected(repo, checkin.chat_id))
        text = t._(
            "🔔 <b>Check-in</b> · {date}\n"
            "A moment to look at your collaboration together. Everyone answers three "
            "questions with the buttons:\n\n"
            "1️⃣ Do the partner organisations still share the same goal?\n"
            "2️⃣ Is it going as planned?\n"
            "3️⃣ How do we go on: continue, adjust, pause or stop?\n"
            "4️⃣ Where should we adjust? <i>Optional: answer with a reply to this message.</i>",
            date=t.date(checkin.opened_at.astimezone(ZoneInfo(chat.timezone)).date()))
        if status:
            text += "\n\n" + t._("Answered: {names}", names=status)
        buttons = []
        for question, values in QUESTIONS.items():
            row = [Button(f"{NUMBER[question]} {t._(LABELS[question, v])}",
                          Pick(checkin_id, question, v).encode()) for v in values]
            buttons += [row] if len(row) <= 3 else [row[:2], row[2:]]
        # The first showing is remembered (Checkins.shown): replies to it and reminders
        # find the round by it.
        return Reply(text, buttons, edit=edit,
                     prompt=None if edit else (None, ""), asks=KIND, ref=checkin_id)

    async def press(self, ctx: Ctx, data: Pick, message_id: int | None) -> Outcome:
        t = ctx.t
        if data.question not in QUESTIONS or data.value not in QUESTIONS[data.question]:
            return stale(ctx)
        checkin = await ctx.repo.checkin(data.round)
        if checkin is None or checkin.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        if checkin.closed_at is not None:
            return Outcome(toast=t._("This check-in is already closed."))
        before = await complete(ctx.repo, checkin.id)
        await ctx.repo.add_checkin_answer(checkin.id, ctx.chat.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id,
                                          data.question, data.value, self.clock.now())
        toast = t._("Saved ✓ {question} {answer}", question=t._(TITLES[data.question]),
                    answer=t._(LABELS[data.question, data.value]))
        after = await complete(ctx.repo, checkin.id)
        if {m.user_id for m in await expected(ctx.repo, ctx.chat.id)} <= after:
            return Outcome(await self.close(ctx.repo, t, checkin), toast=toast)
        if after == before:
            return Outcome(toast=toast)  # nothing new to show: spare the group an edit
        return Outcome([await self.message(ctx.repo, t, checkin.id, edit=message_id)],
                       toast=toast)

    async def reply(self, ctx: Ctx, prompt: Prompt, text: str) -> Outcome:
        """The optional free answer: where should we adjust?"""
        checkin = await ctx.repo.checkin(prompt.ref) if prompt.ref is not None else None
        if checkin is None or checkin.chat_id != ctx.chat.id:
            return Outcome()
        if checkin.closed_at is not None:
            return Outcome().say(ctx.t._("This check-in is already closed."))
        await ctx.repo.add_checkin_answer(checkin.id, ctx.chat.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id, ADJUST,
                                          text, self.clock.now())
        return Outcome().say(ctx.t._("✓ Thanks, {name}: noted where to adjust.",
                                     name=esc(ctx.member.name)))

    async def close(self, repo: Store, t: Texts, checkin: Checkin) -> list[Reply]:
        ROUND.move(checkin.status, "close")  # a closed round cannot close again
        await repo.close_checkin(checkin.id, self.clock.now())
        if checkin.message_id is None and not await repo.checkin_answers(checkin.id):
            return []  # never shown (the bot could not reach the chat): nothing to sum up
        return [await summary(repo, t, checkin, self.offers)]

    async def reminder(self, repo: Store, t: Texts, checkin: Checkin) -> list[Reply]:
        done = await complete(repo, checkin.id)
        waiting = [m.name for m in await expected(repo, checkin.chat_id)
                   if m.user_id not in done]
        if not waiting:
            return []
        chat = await repo.chat(checkin.chat_id)
        return [Reply(t._("⏰ The check-in is still open. Not answered yet: {names}. "
                          "It closes {when}.", names=esc(", ".join(waiting)),
                          when=t.datetime(checkin.close_at, chat.timezone)),
                      reply_to=checkin.message_id)]

    async def due(self, repo: Store, texts: Callable[[str], Texts],
                  now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        """Everything the schedules ask for at `now`: new rounds, unsent ones, reminders and
        closings. Due rounds are opened in one transaction; then each chat's message is
        made in its own and handed out at once, so sending starts while the rest is made."""
        schedules = await repo.due_schedules(now)
        if schedules:
            async with repo.transaction() as unit:
                for schedule in schedules:
                    try:
                        rule = Rule.from_json(schedule.rule)
                        # After downtime: one round now, then the next slot after now.
                        next_at = next_time(rule, schedule.timezone, now,
                                            anchor=schedule.next_at)
                    except Exception:  # one unreadable schedule must not stop the others
                        log.exception("chat %s: schedule %r unreadable; skipped",
                                      schedule.chat_id, schedule.rule)
                        continue
                    await unit.set_schedule(schedule.chat_id, schedule.rule,
                                            schedule.timezone, next_at, None)
                    if await unit.open_checkin_of(schedule.chat_id) is None:
                        await self.open(unit, schedule.chat_id)
        for checkin in await repo.checkins_waiting(now):
            async with repo.transaction() as unit:
                chat = await unit.chat(checkin.chat_id)
                t = texts(chat.language)
                outcome = Outcome()
                if checkin.close_at <= now:
                    outcome.replies += await self.close(unit, t, checkin)
                elif checkin.message_id is None:
                    outcome.replies.append(await self.message(unit, t, checkin.id))
                else:
                    ROUND.move(checkin.status, "remind")  # once, and only while open
                    await unit.mark_reminded(checkin.id, now)
                    outcome.replies += await self.reminder(unit, t, checkin)
            if outcome.replies:
                yield checkin.chat_id, outcome

