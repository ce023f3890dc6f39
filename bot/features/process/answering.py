"""Typed answers: replies to a question (text, dates, the organisations, the explanation
of "Other", the rest of a long answer), edited answers, and doubtful dates confirmed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.answers import OTHER
from bot.core.clock import Clock
from bot.core.context import Ctx, esc, not_this_chat, stale
from bot.core.dates import DateReading
from bot.core.entities import Run
from bot.core.flows import Flow, Step
from bot.core.i18n import LANGUAGES
from bot.core.kinds import KINDS, Reading
from bot.core.outcome import Button, Outcome, Reply, tg_len
from bot.core.progress import DONE, given
from bot.features.process.asking import LONG, Asker
from bot.features.process.buttons import KeepDate, OtherDate

# Store an answer and move on when its question is complete (the dialog's).
Record = Callable[..., Awaitable[Outcome]]


class Typed:
    def __init__(self, flows: dict[str, Flow], clock: Clock, ask: Asker,
                 record: Record) -> None:
        self.flows, self.clock, self.ask, self.record = flows, clock, ask, record

    async def reply(self, ctx: Ctx, run: Run, step_id: str, text: str,
                    message_id: int | None, asks: str = "question") -> Outcome:
        """A typed answer to a question (a reply to it in a group)."""
        flow = self.flows[run.flow]
        step = flow.step(step_id)
        if asks == "more":
            return await self._more(ctx, run, step, text)
        if asks == "question" and step.kind == "multi" and OTHER in (await ctx.repo.draft(
                ctx.chat.id, run.id, step.id, ctx.actor.user_id) or []):
            asks = "other"  # ticked ✏️ Other, then typed what it is: that is its explanation
        note = None
        if asks == "other":
            note = text.strip()
            value: object = OTHER if step.kind == "choice" else (
                await ctx.repo.draft(ctx.chat.id, run.id, step.id, ctx.actor.user_id) or [OTHER])
        else:
            reading = await self._read(ctx, step, text)
            if reading.problem is not None:
                return Outcome().say(self._problem(ctx, reading), reply_to=ctx.message_id)
            value = reading.value
            if step.kind == "date" and (doubt := await self._date_doubt(
                    ctx, run, step, date.fromisoformat(value))) is not None:
                return Outcome([doubt])
        current = run.state == step_id
        if current and run.status == "active":
            if asks == "other":
                await ctx.repo.clear_drafts(run.id, step.id, ctx.actor.user_id)
            outcome = await self.record(ctx, run, step, value, note=note)
            return outcome.first(self.ask.long_note(ctx, run, step, text))
        if step.kind == "organisations":
            return Outcome().say(ctx.t._(
                "This question is already closed. Admins can change the organisations with /org."))
        # Paused on this very question, or the group moved on while this was typed (or
        # someone answers late): keep it, as the newest answer to that question, and do
        # not move anyone.
        await ctx.repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id,
                                  ctx.member.name, ctx.member.organisation_id, value,
                                  self.clock.now(), message_id=ctx.message_id, note=note)
        if current and run.status == "paused":
            said = ctx.t._("✓ Saved, {name}: your answer to “{question}” is kept. We are "
                           "paused; send {command} to continue.", name=esc(ctx.member.name),
                           question=ctx.t.key(f"{step.key}.short"),
                           command=ctx.t.command(run.flow))
        else:
            said = ctx.t._(
                "✓ Saved, {name}: your answer to “{question}” is added. The group has moved "
                "on; /status shows where you are now.",
                name=esc(ctx.member.name), question=ctx.t.key(f"{step.key}.short"))
        return Outcome().say(said, reply_to=ctx.message_id).first(
            self.ask.long_note(ctx, run, step, text))

    async def continuation(self, ctx: Ctx, text: str) -> Outcome | None:
        """In a private chat, the rest of a long answer arrives as the next message: it
        joins that answer instead of answering the next question."""
        if ctx.message_id is None:
            return None
        found = await ctx.repo.answer_to(ctx.chat.id, ctx.message_id - 1)
        if found is None or found[0].user_id != ctx.actor.user_id:
            return None
        answer, flow_id = found
        if not isinstance(answer.value, str) or tg_len(answer.value) < LONG:
            return None
        await ctx.repo.set_answer_value(answer.id, answer.value + "\n" + text)
        step = self.flows[flow_id].step(answer.step)
        return Outcome().say(ctx.t._(
            "✓ Added to your answer to “{question}”, {name}.", name=esc(ctx.member.name),
            question=ctx.t.key(f"{step.key}.short")), reply_to=ctx.message_id)

    async def edit(self, ctx: Ctx, text: str) -> Outcome:
        """A member edited the message that carried their answer: the answer follows."""
        found = await ctx.repo.answer_to(ctx.chat.id, ctx.message_id)
        if found is None:
            return Outcome()  # not an answer of theirs: nothing to follow
        answer, flow_id = found
        flow = self.flows.get(flow_id)
        if answer.user_id != ctx.actor.user_id or answer.skipped or flow is None \
                or answer.step not in {s.id for s in flow.steps}:
            return Outcome()
        step = flow.step(answer.step)
        reply_to = ctx.message_id
        updated = Outcome().say(ctx.t._(
            "✏️ Updated, {name}: your answer to “{question}” now reads as you edited it.",
            name=esc(ctx.member.name), question=ctx.t.key(f"{step.key}.short")),
            reply_to=reply_to)
        if answer.note is not None:  # the explanation of "Other"
            if text.strip() == answer.note:
                return Outcome()
            await ctx.repo.set_answer_note(answer.id, text.strip())
            return updated
        if step.kind == "date":
            reading = await self._read(ctx, step, text)
            if reading.problem is not None:
                return Outcome().say(ctx.t._(
                    "I could not read your edited message as a date, so your earlier answer "
                    "stays.") + " " + self._problem(ctx, reading), reply_to=reply_to)
            value: object = reading.value
        elif step.kind == "text":
            value = text
        else:  # the organisations were made when the list was answered
            return Outcome().say(ctx.t._(
                "Editing this message does not change the organisations. Admins can change "
                "them with /org."), reply_to=reply_to)
        if value == answer.value:
            return Outcome()
        await ctx.repo.set_answer_value(answer.id, value)
        return updated

    async def _more(self, ctx: Ctx, run: Run, step: Step, text: str) -> Outcome:
        """The rest of a long answer: added to this member's last answer to the step."""
        mine = [a for a in await ctx.repo.answers(run.id, step.id)
                if a.user_id == ctx.actor.user_id and not a.skipped
                and isinstance(a.value, str)]
        if not mine:
            return Outcome().say(ctx.t._("I found no answer of yours to add this to."))
        await ctx.repo.set_answer_value(mine[-1].id, mine[-1].value + "\n" + text)
        return Outcome().say(ctx.t._(
            "✓ Added to your answer to “{question}”, {name}.", name=esc(ctx.member.name),
            question=ctx.t.key(f"{step.key}.short")), reply_to=ctx.message_id)

    # -- showing ------------------------------------------------------------------

    async def confirm_date(self, ctx: Ctx, run_id: int, index: int, day: str,
                           user_id: int, keep: bool) -> Outcome:
        """The member who typed a doubtful date says whether it stands."""
        run = await ctx.repo.run(run_id)
        if run is None or run.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        if user_id and ctx.actor.user_id != user_id:
            return Outcome(toast=ctx.t._("Only the member who typed this date can answer."))
        flow = self.flows[run.flow]
        if run.status != "active" or run.state == DONE or flow.index(run.state) != index:
            return Outcome(toast=ctx.t._("This question is already closed."))
        if not keep:
            return Outcome(toast=ctx.t._("Reply to the question with the right date."),
                           alert=True)
        if len(day) != 8:
            return stale(ctx)
        value = date(int(day[:4]), int(day[4:6]), int(day[6:])).isoformat()
        outcome = await self.record(ctx, run, flow.step(run.state), value)
        outcome.toast = outcome.toast or ctx.t._("Saved ✓")
        return outcome

    async def _read(self, ctx: Ctx, step: Step, text: str) -> Reading:
        """A typed answer as its step's kind reads it. Relative dates count from the
        chat's today; a slow kind (the first natural date loads dateparser's data) is read
        off the event loop."""
        kind = KINDS[step.kind]
        today = self.clock.now().astimezone(ZoneInfo(ctx.chat.timezone)).date()
        languages = tuple(dict.fromkeys((ctx.t.language, *LANGUAGES)))
        if kind.slow:
            return await asyncio.to_thread(kind.read, text, today, languages)
        return kind.read(text, today, languages)

    def _problem(self, ctx: Ctx, reading: Reading) -> str:
        """What is wrong with a typed answer, in the chat's words."""
        t, problem = ctx.t, reading.problem
        if problem == "empty":
            return t._("Please reply with the names of the organisations, one per line.")
        if not isinstance(problem, DateReading):
            return t._("Please answer this question with the buttons under it.")
        detail = problem.detail
        if problem.problem == "impossible" and detail.get("wrong") == "day":
            month = t.locale.months["format"]["wide"][detail["month"]]
            return t._("There is no {day} {month}: that month has {days} days. Which date do "
                       "you mean? Reply to the question again.", day=detail["day"],
                       month=month, days=detail["days_in_month"])
        if problem.problem == "impossible":
            return t._("There is no month {month}: a year has twelve. Which date do you mean? "
                       "Reply to the question again.", month=detail["month"])
        return t._("I could not read that as a date. Try for example 15-03-2027, 3 feb or "
                   "next Tuesday, as a reply to the question.")

    async def _date_doubt(self, ctx: Ctx, run: Run, step: Step, day: date) -> Reply | None:
        """A date in the past, or before the date it follows, is asked about first."""
        t = ctx.t
        today = self.clock.now().astimezone(ZoneInfo(ctx.chat.timezone)).date()
        text = None
        if step.not_before is not None:
            earlier = given(await ctx.repo.answers(run.id, step.not_before))
            if step.not_before in earlier and day < date.fromisoformat(
                    earlier[step.not_before]):
                other = self.flows[run.flow].step(step.not_before)
                text = t._("📅 {date} is before “{other}” ({other_date}). Is that right?",
                           date=t.date(day), other=t.key(f"{other.key}.short"),
                           other_date=t.date(date.fromisoformat(earlier[step.not_before])))
        if text is None and day < today:
            text = t._("📅 {date} is in the past. Is that right?", date=t.date(day))
        if text is None:
            return None
        index = self.flows[run.flow].index(step.id)
        user = max(ctx.actor.user_id, 0)  # an anonymous admin (the group's id): anyone may
        return Reply(text, [[
            Button(t._("✅ Yes, keep it"), KeepDate(run.id, index, f"{day:%Y%m%d}", user).encode()),
            Button(t._("✏️ No, another date"), OtherDate(run.id, index, user).encode())]],
            reply_to=ctx.message_id)
