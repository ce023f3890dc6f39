"""A flow run as a conversation: questions, answers, moves and summaries.

Serves every flow in flows/; callback data names the run, so a button always finds
its own flow. Telegram-free: it returns Replies for an adapter to show.
"""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.answers import OTHER, parse_organisations, show
from bot.core.clock import Clock
from bot.core.context import Ctx, esc
from bot.core.dates import DateReading, read_date
from bot.core.entities import Answer, Organisation, Run
from bot.core.flows import Flow, Phase, Step
from bot.core.outcome import MAX_TEXT, Button, Outcome, Reply, split, tg_len
from bot.core.progress import (
    DONE,
    applicable,
    by_member,
    by_organisation,
    given,
    holds,
    position,
    progress_bar,
)
from bot.domain.engine import Engine
from bot.domain.tips import TipLibrary

TEXT_KINDS = ("text", "date", "organisations")
# Telegram's apps send a text longer than 4096 characters as several messages; in a
# group the bot sees only the first (the one that replies to the question).
LONG = 3800


class Dialog:
    def __init__(self, flows: dict[str, Flow], tips: TipLibrary, clock: Clock) -> None:
        self.flows = flows
        self.engines = {flow_id: Engine(flow) for flow_id, flow in flows.items()}
        self.tips = tips
        self.clock = clock

    # -- entry points -----------------------------------------------------------

    async def start_or_continue(self, ctx: Ctx, flow_id: str) -> Outcome:
        flow = self.flows[flow_id]
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        now = self.clock.now()
        if run is None:
            run = await ctx.repo.start_run(ctx.chat.id, flow_id, self.engines[flow_id].first, now)
            return Outcome(await self.question(ctx, run, intro=True))
        if run.status == "done" and flow.repeat_when is not None:
            return Outcome(await self._next_round(ctx, flow, run))
        if run.status == "done":
            return Outcome().say(ctx.t._("✅ You have already been through every phase.")
                                 + "\n\n" + ctx.t.key(f"{flow.id}.done"))
        replies = []
        if run.status == "paused":
            await ctx.repo.update_run(run.id, run.state, "active", now)
            run.status = "active"
            replies.append(Reply(ctx.t._("▶️ Welcome back! We continue where you left off.")))
        return Outcome(replies + await self.question(ctx, run))

    async def go_to_phase(self, ctx: Ctx, flow_id: str, phase_id: str) -> Outcome:
        """Take the group back (or on) to the start of a phase; answers stay in the history."""
        flow = self.flows[flow_id]
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        first = flow.phase(phase_id).steps[0].id
        now = self.clock.now()
        if run is None:
            run = await ctx.repo.start_run(ctx.chat.id, flow_id, first, now)
        else:
            await ctx.repo.update_run(run.id, first, "active", now)
            run.state, run.status = first, "active"
        return Outcome(await self.question(ctx, run, intro=True))

    async def restart_phase(self, ctx: Ctx, flow_id: str) -> Outcome:
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        if run is None or run.status == "done":
            return Outcome().say(ctx.t._("There is no phase in progress to start again."))
        flow = self.flows[flow_id]
        state = self.engines[flow_id].move(run.state, "restart", {})
        await ctx.repo.clear_drafts(run.id, run.state)
        await ctx.repo.update_run(run.id, state, "active", self.clock.now())
        run.state, run.status = state, "active"
        phase = flow.step(state).phase
        note = ctx.t._("🔄 We start phase {phase} again. Earlier answers are kept in the history.",
                       phase=ctx.t.key(f"{flow.id}.{phase}.title"))
        return Outcome([Reply(note)] + await self.question(ctx, run))

    async def button(self, ctx: Ctx, kind: str, run_id: int, index: int, arg: int | None,
                     message_id: int | None) -> Outcome:
        run = await ctx.repo.run(run_id)
        if run is None or run.chat_id != ctx.chat.id:
            return Outcome(toast=ctx.t._("This button does not belong to this chat."))
        flow = self.flows[run.flow]
        if run.status != "active" or run.state == DONE or flow.index(run.state) != index:
            if run.status == "paused" and flow.index(run.state) == index:
                return Outcome(toast=ctx.t._("Paused. Send /process to continue."))
            return Outcome(toast=ctx.t._("This question is already closed."))
        step = flow.step(run.state)
        if kind == "a" and arg is not None and arg < len(step.values):
            value: object = int(step.values[arg]) if step.kind == "scale" else step.values[arg]
            if value == OTHER and step.kind == "choice":
                return self._ask_other(ctx, run, step)
            outcome = await self.record(ctx, run, step, value, pressed=message_id)
            outcome.toast = outcome.toast or ctx.t._("Saved ✓")
            return outcome
        if kind == "m" and arg is not None and arg < len(step.choices) and message_id:
            return await self._toggle(ctx, run, step, step.choices[arg], message_id)
        if kind == "d" and message_id:
            draft = await ctx.repo.draft(ctx.chat.id, run.id, step.id, ctx.actor.user_id)
            if not draft:
                return Outcome(toast=ctx.t._("Choose at least one option first."))
            if OTHER in draft:
                return self._ask_other(ctx, run, step)
            await ctx.repo.clear_drafts(run.id, step.id, ctx.actor.user_id)
            outcome = await self.record(ctx, run, step, draft, pressed=message_id)
            outcome.toast = outcome.toast or ctx.t._("Saved ✓")
            return outcome
        if kind in ("n", "s"):
            if kind == "s":
                await ctx.repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id, None,
                                          self.clock.now(), skipped=True)
            replies = await self.advance(ctx, run, "next")
            return Outcome(replies, toast=ctx.t._("Skipped") if kind == "s" else None)
        if kind == "b":
            replies = await self.advance(ctx, run, "back")
            if not replies:
                return Outcome(toast=ctx.t._("This is the first question."))
            return Outcome(replies)
        if kind == "p":
            await ctx.repo.update_run(run.id, run.state, "paused", self.clock.now())
            return Outcome().say(ctx.t._(
                "⏸ Paused. Everything so far is saved. Send /process to continue."))
        if kind == "t":
            tip = self.tips.get(step.tip) if step.tip else None
            if tip is None:
                return Outcome(toast=ctx.t._("There is no tip for this question."))
            return Outcome().say(self.tips.render(tip, ctx.t))
        return Outcome(toast=ctx.t._("This question is already closed."))

    async def reply(self, ctx: Ctx, run: Run, step_id: str, text: str,
                    message_id: int | None, asks: str = "question") -> Outcome:
        """A typed answer to a question (a reply to it in a group)."""
        flow = self.flows[run.flow]
        step = flow.step(step_id)
        if asks == "more":
            return await self._more(ctx, run, step, text)
        note = None
        if asks == "other":
            note = text.strip()
            value: object = OTHER if step.kind == "choice" else (
                await ctx.repo.draft(ctx.chat.id, run.id, step.id, ctx.actor.user_id) or [OTHER])
        elif step.kind == "date":
            reading = await self._read_date(ctx, text)
            if reading.value is None:
                return Outcome().say(self._date_problem(ctx, reading), reply_to=ctx.message_id)
            if (doubt := await self._date_doubt(ctx, run, step, reading.value)) is not None:
                return Outcome([doubt])
            value = reading.value.isoformat()
        elif step.kind == "organisations":
            value = parse_organisations(text)
            if len(value) < 1:
                return Outcome().say(ctx.t._(
                    "Please reply with the names of the organisations, one per line."))
        elif step.kind == "text":
            value = text
        else:
            return Outcome().say(ctx.t._("Please answer this question with the buttons under it."))
        current = run.state == step_id
        if current and run.status == "active":
            if asks == "other":
                await ctx.repo.clear_drafts(run.id, step.id, ctx.actor.user_id)
            outcome = await self.record(ctx, run, step, value, note=note)
            return outcome.first(self._long_note(ctx, run, step, text))
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
                           "paused; send /process to continue.", name=esc(ctx.member.name),
                           question=ctx.t.key(f"{step.key}.short"))
        else:
            said = ctx.t._(
                "✓ Saved, {name}: your answer to “{question}” is added. The group has moved "
                "on; /status shows where you are now.",
                name=esc(ctx.member.name), question=ctx.t.key(f"{step.key}.short"))
        return Outcome().say(said, reply_to=ctx.message_id).first(
            self._long_note(ctx, run, step, text))

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
            reading = await self._read_date(ctx, text)
            if reading.value is None:
                return Outcome().say(ctx.t._(
                    "I could not read your edited message as a date, so your earlier answer "
                    "stays.") + " " + self._date_problem(ctx, reading), reply_to=reply_to)
            value: object = reading.value.isoformat()
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

    async def confirm_date(self, ctx: Ctx, run_id: int, index: int, day: str,
                           user_id: int, keep: bool) -> Outcome:
        """The member who typed a doubtful date says whether it stands."""
        run = await ctx.repo.run(run_id)
        if run is None or run.chat_id != ctx.chat.id:
            return Outcome(toast=ctx.t._("This button does not belong to this chat."))
        if user_id and ctx.actor.user_id != user_id:
            return Outcome(toast=ctx.t._("Only the member who typed this date can answer."))
        flow = self.flows[run.flow]
        if run.status != "active" or run.state == DONE or flow.index(run.state) != index:
            return Outcome(toast=ctx.t._("This question is already closed."))
        if not keep:
            return Outcome(toast=ctx.t._("Reply to the question with the right date."),
                           alert=True)
        if len(day) != 8:
            return Outcome(toast=ctx.t._("This button no longer works."))
        value = date(int(day[:4]), int(day[4:6]), int(day[6:])).isoformat()
        outcome = await self.record(ctx, run, flow.step(run.state), value)
        outcome.toast = outcome.toast or ctx.t._("Saved ✓")
        return outcome

    async def _read_date(self, ctx: Ctx, text: str) -> DateReading:
        # Relative dates count from the chat's today; the first natural-language reading
        # loads dateparser's data, so it runs off the event loop.
        today = self.clock.now().astimezone(ZoneInfo(ctx.chat.timezone)).date()
        return await asyncio.to_thread(read_date, text, today, (ctx.t.language, "nl", "en"))

    def _date_problem(self, ctx: Ctx, reading: DateReading) -> str:
        t, detail = ctx.t, reading.detail
        if reading.problem == "impossible" and detail.get("wrong") == "day":
            month = t.locale.months["format"]["wide"][detail["month"]]
            return t._("There is no {day} {month}: that month has {days} days. Which date do "
                       "you mean? Reply to the question again.", day=detail["day"],
                       month=month, days=detail["days_in_month"])
        if reading.problem == "impossible":
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
            Button(t._("✅ Yes, keep it"), f"dc:{run.id}:{index}:{day:%Y%m%d}:{user}"),
            Button(t._("✏️ No, another date"), f"dx:{run.id}:{index}:0:{user}")]],
            reply_to=ctx.message_id)

    async def active_run(self, ctx: Ctx) -> Run | None:
        """The run waiting for an answer in this chat, if any."""
        for flow_id in self.flows:
            run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
            if run and run.status == "active" and run.state != DONE:
                return run
        return None

    # -- answering ----------------------------------------------------------------

    async def record(self, ctx: Ctx, run: Run, step: Step, value: object,
                     pressed: int | None = None, note: str | None = None) -> Outcome:
        """Store an answer, then move on when the step is complete."""
        repo, now = ctx.repo, self.clock.now()
        await repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id, ctx.member.name,
                              ctx.member.organisation_id, value, now, message_id=ctx.message_id,
                              note=note)
        if step.kind == "organisations":
            for name in value:
                await repo.add_organisation(ctx.chat.id, name, now)
        orgs = await repo.organisations(ctx.chat.id)
        if step.collect:
            return Outcome([Reply(ctx.t._(
                "✓ Added, {name}. Everyone can add more, each as a reply to the question; "
                "press ➡️ Next when this step is done.", name=esc(ctx.member.name)),
                reply_to=ctx.message_id)])
        if step.scope == "organisation" and orgs and ctx.member.organisation_id is None:
            # It counts for an organisation once the member has said which one.
            return Outcome([self.organisation_question(ctx, orgs)], toast=ctx.t._("Saved ✓"))
        missing = await self.missing(ctx, run, step)
        if not missing:
            replies = await self.advance(ctx, run, "next")
            if step.kind == "organisations" and len(orgs) > 1:
                replies.insert(0, self.organisations_ask(ctx, orgs))
            return Outcome(replies)
        note_text = ctx.t._("✓ Thanks, {name}. Still to answer: {missing}.",
                            name=esc(ctx.member.name), missing=esc(", ".join(missing)))
        if pressed is not None:
            # A button answer: the question itself shows who answered; the toast thanks.
            return Outcome(await self.question(ctx, run, edit=pressed), toast=note_text)
        return Outcome([Reply(note_text, reply_to=ctx.message_id)])

    async def after_organisation_chosen(self, ctx: Ctx) -> list[Reply]:
        """A member just said which organisation they are from: their answer to the current
        per-organisation question now counts for it (the store moved it), maybe completing
        the step."""
        run = await self.active_run(ctx)
        if run is None:
            return []
        step = self.flows[run.flow].step(run.state)
        if step.scope == "group":
            return []
        answers = await ctx.repo.answers(run.id, step.id)
        if not any(a.user_id == ctx.actor.user_id and not a.skipped for a in answers):
            return []
        if await self.missing(ctx, run, step):
            return []
        return await self.advance(ctx, run, "next")

    async def missing(self, ctx: Ctx, run: Run, step: Step) -> list[str]:
        """Who still has to answer this step (organisation or member names)."""
        answers = [a for a in await ctx.repo.answers(run.id, step.id) if not a.skipped]
        if step.scope == "organisation":
            orgs = await ctx.repo.organisations(ctx.chat.id)
            if not orgs:
                return [] if answers else ["–"]
            done = {a.organisation_id for a in answers}
            return [o.name for o in orgs if o.id not in done]
        if step.scope == "member":
            done = {a.user_id for a in answers}
            return [m.name for m in await ctx.repo.members(ctx.chat.id) if m.user_id not in done]
        return [] if answers else ["–"]

    async def advance(self, ctx: Ctx, run: Run, trigger: str) -> list[Reply]:
        flow, engine = self.flows[run.flow], self.engines[run.flow]
        answers = await ctx.repo.answers(run.id)
        group = given(answers)
        old = run.state
        new = engine.move(old, trigger, group)
        if new == old:
            return []
        await ctx.repo.clear_drafts(run.id, old)
        status = "done" if new == DONE else "active"
        await ctx.repo.update_run(run.id, new, status, self.clock.now())
        run.state, run.status = new, status
        replies: list[Reply] = []
        old_phase = flow.step(old).phase
        new_phase = None if new == DONE else flow.step(new).phase
        if trigger == "next" and new_phase != old_phase:
            summary = await self.summary(ctx, run, flow.phase(old_phase), answers)
            replies += [Reply(part) for part in split(summary)]
        if new == DONE:
            if flow.repeat_when is not None and holds(flow.repeat_when, group):
                return replies + await self._next_round(ctx, flow, run)
            replies += [Reply(part) for part in split(ctx.t._(
                "🎉 You have completed every phase.") + "\n\n" + ctx.t.key(f"{flow.id}.done"))]
            return replies
        intro = trigger == "next" and new_phase != old_phase
        return replies + await self.question(ctx, run, answers=answers, intro=intro)

    async def _next_round(self, ctx: Ctx, flow: Flow, previous: Run) -> list[Reply]:
        """A new numbered run, showing what the previous one planned."""
        run = await ctx.repo.start_run(ctx.chat.id, flow.id, self.engines[flow.id].first,
                                       self.clock.now())
        answers = await ctx.repo.answers(previous.id)
        earlier = await self.summary(ctx, previous, flow.phases[0], answers)
        head = ctx.t._("🔁 <b>Round {n}</b> starts. This is what you planned last time:",
                       n=run.number)
        replies = [Reply(part) for part in split(head + "\n\n" + earlier)]
        return replies + await self.question(ctx, run, intro=True)

    async def _toggle(self, ctx: Ctx, run: Run, step: Step, choice: str,
                      message_id: int) -> Outcome:
        """A member ticks or unticks an option: the selection is theirs alone, and only
        they see it (a toast); in a group the shared keyboard shows no one's ticks."""
        repo, user = ctx.repo, ctx.actor.user_id
        draft = await repo.draft(ctx.chat.id, run.id, step.id, user)
        draft = [c for c in step.choices if (c in draft) != (c == choice)]
        await repo.set_draft(ctx.chat.id, run.id, step.id, user, draft)
        if draft:
            labels = ", ".join(ctx.t.key(step.choice_key(c)) for c in draft)
            toast = ctx.t._("Your choice: {choices}. Press ✔️ Done when it is complete.",
                            choices=labels)
        else:
            toast = ctx.t._("You have nothing ticked now.")
        if ctx.in_group:
            return Outcome(toast=toast)
        return Outcome(await self.question(ctx, run, draft=draft, edit=message_id), toast=toast)

    def _ask_other(self, ctx: Ctx, run: Run, step: Step) -> Outcome:
        """"Other" is only an answer with its explanation: ask for it, as a reply."""
        text = ctx.t._("✏️ {name}, you chose “Other” at <i>{question}</i>. What do you mean? "
                       "Reply to this message with a few words.", name=esc(ctx.member.name),
                       question=ctx.t.key(f"{step.key}.short"))
        return Outcome([Reply(text, force_reply=True, placeholder=ctx.t._("Type your answer…"),
                              prompt=(run.id, step.id), asks="other")],
                       toast=ctx.t._("Tell us what you mean, as a reply."))

    def _long_note(self, ctx: Ctx, run: Run, step: Step, text: str) -> Reply | None:
        """A reply near Telegram's length limit may have been cut by the member's app:
        say what was kept, and how to add the rest."""
        if tg_len(text) < LONG:
            return None
        tail = " ".join(text.split()[-6:])
        return Reply(ctx.t._(
            "📏 That is a long answer, {name}: I kept all {count} characters that reached me, "
            "ending with “…{tail}”. Telegram sends at most {limit} characters per message, so "
            "if your text was longer, reply to this message with the rest and I will add it.",
            name=esc(ctx.member.name), count=ctx.t.number(len(text)), tail=esc(tail[-80:]),
            limit=ctx.t.number(MAX_TEXT)), reply_to=ctx.message_id, prompt=(run.id, step.id),
            asks="more")

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

    def _intro(self, ctx: Ctx, flow: Flow, phase_id: str) -> str:
        t = ctx.t
        return t._("🧭 <b>Phase {n}/{total} · {phase}</b>\n\n{intro}",
                   n=flow.phase_number(phase_id), total=len(flow.phases),
                   phase=t.key(f"{flow.id}.{phase_id}.title"),
                   intro=t.key(f"{flow.id}.{phase_id}.intro"))

    def header(self, ctx: Ctx, flow: Flow, step: Step, run: Run | None = None,
               answers: dict[str, object] | None = None) -> str:
        phase = flow.phase(step.phase)
        number, count = position(flow, step, answers or {})
        prefix = ""
        if flow.repeat_when is not None and run is not None:
            prefix = ctx.t._("🔄 {title}, round {n}", title=ctx.t.key(f"{flow.id}.title"),
                             n=run.number) + "\n"
        return prefix + ctx.t._("<b>Phase {n}/{total} · {phase}</b> — question {i} of {count}",
                       n=flow.phase_number(phase.id), total=len(flow.phases),
                       phase=ctx.t.key(f"{phase.key}.title"), i=number,
                       count=count) + "\n" + progress_bar(number, count)

    async def question(self, ctx: Ctx, run: Run, *, draft: list | None = None,
                       edit: int | None = None, answers: list[Answer] | None = None,
                       intro: bool = False) -> list[Reply]:
        """The question as one message: the phase's introduction when it starts, the
        header, the question, who answered, how to answer, and its buttons. A typed answer
        is a reply to this very message (what a bot in privacy mode gets to see)."""
        flow, t = self.flows[run.flow], ctx.t
        step = flow.step(run.state)
        index = flow.index(step.id)
        if answers is None:
            answers = await ctx.repo.answers(run.id)
        lines = [self.header(ctx, flow, step, run, given(answers)), "", t.key(step.key)]
        if step.scope != "group":
            lines += ["", await self._who_answered(ctx, step, answers)]
        if step.kind in TEXT_KINDS:
            lines += ["", self._how_to_type(ctx, step)]
        elif step.kind == "multi" and ctx.in_group:
            lines += ["", t._("<i>Tick what applies (only you see your ticks), then press "
                              "✔️ Done.</i>")]
        buttons = self._answer_buttons(ctx, run, step, index, draft or [])
        nav = [Button(t._("⬅️ Back"), f"b:{run.id}:{index}"),
               Button(t._("⏭ Skip"), f"s:{run.id}:{index}"),
               Button(t._("➡️ Next"), f"n:{run.id}:{index}")]
        extra = [Button(t._("⏸ Pause"), f"p:{run.id}:{index}")]
        if step.tip:
            extra.insert(0, Button(t._("💡 Tip"), f"t:{run.id}:{index}"))
        text = "\n".join(lines)
        replies: list[Reply] = []
        if intro and edit is None:
            opening = self._intro(ctx, flow, step.phase)
            if tg_len(opening + "\n\n" + text) <= MAX_TEXT:
                text = opening + "\n\n" + text
            else:
                replies += [Reply(part) for part in split(opening)]
        return [*replies, Reply(text, [*buttons, nav, extra], edit=edit,
                                prompt=(run.id, step.id))]

    def _how_to_type(self, ctx: Ctx, step: Step) -> str:
        t = ctx.t
        if step.kind == "date":
            hint = t._("<i>Type a date, for example 15-03-2027.</i>")
        elif step.kind == "organisations":
            hint = t._("<i>One name per line, or separated by commas.</i>")
        else:
            hint = ""
        how = (t._("↩️ Answer with a <b>reply</b> to this message (swipe it, or tap it and "
                   "choose Reply).") if ctx.in_group else t._("✍️ Type your answer."))
        return f"{how} {hint}".strip()

    def _answer_buttons(self, ctx: Ctx, run: Run, step: Step, index: int,
                        draft: list) -> list[list[Button]]:
        t = ctx.t
        if step.kind in ("choice", "multi"):
            kind = "a" if step.kind == "choice" else "m"
            labels = [t.key(step.choice_key(c)) for c in step.choices]
            if step.kind == "multi" and not ctx.in_group:
                # Only one person answers in a private chat: the keyboard can show ticks.
                labels = [("✅ " if c in draft else "▫️ ") + label
                          for c, label in zip(step.choices, labels, strict=True)]
            buttons = [Button(label, f"{kind}:{run.id}:{index}:{i}")
                       for i, label in enumerate(labels)]
            rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
            if step.kind == "multi":
                rows.append([Button(t._("✔️ Done"), f"d:{run.id}:{index}")])
            return rows
        if step.kind == "yesno":
            return [[Button(t._("👍 Yes"), f"a:{run.id}:{index}:0"),
                     Button(t._("👎 No"), f"a:{run.id}:{index}:1")]]
        if step.kind == "scale":
            return [[Button(str(v), f"a:{run.id}:{index}:{v - 1}") for v in range(1, 6)]]
        return []

    async def _who_answered(self, ctx: Ctx, step: Step, answers: list[Answer]) -> str:
        answers = [a for a in answers if a.step == step.id and not a.skipped]
        if step.scope == "organisation":
            orgs = await ctx.repo.organisations(ctx.chat.id)
            if not orgs:
                return ctx.t._("<i>Each organisation answers this one.</i>")
            done = {a.organisation_id for a in answers}
            names = [("✅ " if o.id in done else "⏳ ") + esc(o.name) for o in orgs]
            return ctx.t._("Each organisation answers: {names}", names=" · ".join(names))
        done = {a.user_id for a in answers}
        names = [("✅ " if m.user_id in done else "⏳ ") + esc(m.name)
                 for m in await ctx.repo.members(ctx.chat.id)]
        return ctx.t._("Everyone answers: {names}", names=" · ".join(names))

    def organisation_question(self, ctx: Ctx, orgs: list[Organisation]) -> Reply:
        buttons = [Button(o.name[:60], f"o:{o.id}") for o in orgs]
        return Reply(
            ctx.t._("{name}, which organisation are you from? Your answers count for it.",
                    name=esc(ctx.member.name)),
            [buttons[i:i + 2] for i in range(0, len(buttons), 2)],
        )

    def organisations_ask(self, ctx: Ctx, orgs: list[Organisation]) -> Reply:
        """Once the partners are named, everyone says which one they are from, with one
        press each (answered with a toast, so the chat stays quiet)."""
        buttons = [Button(o.name[:60], f"o:{o.id}") for o in orgs]
        return Reply(
            ctx.t._("🏠 Which organisation is each of you from? Press yours once: your "
                    "answers then count for it. (/org changes it later.)"),
            [buttons[i:i + 2] for i in range(0, len(buttons), 2)],
        )

    async def summary(self, ctx: Ctx, run: Run, phase: Phase,
                      answers: list[Answer] | None = None) -> str:
        """What was said in a phase, and what is still open. A skipped question is open."""
        t = ctx.t
        answers = answers if answers is not None else await ctx.repo.answers(run.id)
        orgs = await ctx.repo.organisations(ctx.chat.id)
        members = await ctx.repo.members(ctx.chat.id)
        group = given(answers)
        former = t._("a former member")
        lines = [t._("📋 <b>Summary · {phase}</b>", phase=t.key(f"{phase.key}.title"))]
        still_open: list[str] = []
        for step in phase.steps:
            if not applicable(step, group):
                continue
            label = t.key(f"{step.key}.short")
            given_any = [a for a in answers if a.step == step.id]
            real = [a for a in given_any if not a.skipped]
            if not real:
                state = t._("skipped, still open") if given_any else t._("still open")
                lines.append(f"• <b>{label}</b>: <i>{state}</i>")
                still_open.append(label)
                continue
            if step.collect:
                lines.append(f"• <b>{label}</b>")
                lines += [f"   ◦ {esc(a.user_name or former)}: "
                          f"{show(step, a.value, t, a.note)}" for a in real]
                continue
            if step.scope == "group":
                lines.append(f"• <b>{label}</b>: {show(step, real[-1].value, t, real[-1].note)}")
                continue
            lines.append(f"• <b>{label}</b>")
            if step.scope == "organisation":
                per = by_organisation(answers, step.id)
                who = [(o.id, o.name) for o in orgs] or [(None, t._("the group"))]
                if not orgs:
                    per = {None: real[-1]}
            else:
                per = by_member(answers, step.id)
                who = [(m.user_id, m.name) for m in members]
            for key, name in who:
                answer = per.get(key)
                if answer is None:
                    lines.append(f"   ◦ {esc(name)}: <i>{t._('still open')}</i>")
                    still_open.append(f"{label} ({esc(name)})")
                else:
                    lines.append(f"   ◦ {esc(name)}: {show(step, answer.value, t, answer.note)}")
        if any(a.user_id == 0 for a in answers if a.step in {s.id for s in phase.steps}):
            lines += ["", t._("ℹ️ Some answers come from a member who asked to be forgotten: "
                              "they are kept without a name.")]
        if still_open:
            lines += ["", t._("⏳ <b>Still open:</b> {items}", items="; ".join(still_open))]
        else:
            lines += ["", t._("✅ Everything in this phase has been answered.")]
        return "\n".join(lines)
