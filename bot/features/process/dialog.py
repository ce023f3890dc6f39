"""A flow run as a conversation: moves, answers recorded, and what comes next.

Serves every flow in flows/ (the four-phase process and PDCA rounds); a button names its
run and question, so it always finds its own flow. Telegram-free: it returns Outcomes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.answers import OTHER, listed
from bot.core.clock import Clock
from bot.core.context import Ctx, admins_only, esc, not_this_chat
from bot.core.entities import Run
from bot.core.flows import Flow, Step
from bot.core.i18n import Texts
from bot.core.kinds import KINDS
from bot.core.lifecycle import RUN
from bot.core.outcome import Outcome, Reply, split
from bot.core.progress import DONE, by_organisation
from bot.features.process.answering import Typed
from bot.features.process.asking import Asker, OrgButtons
from bot.features.process.buttons import (
    Back,
    Done,
    GoOn,
    Next,
    OnQuestion,
    Pause,
    Pick,
    Skip,
    Tick,
    TipFor,
)
from bot.features.process.conditions import concerned, standing
from bot.features.process.engine import Engine
from bot.features.process.gate import (
    OVERRIDE,
    held_message,
    leaves_phase,
    overridden,
    where_each_stands,
)
from bot.features.process.moving import Moving
from bot.features.process.summary import summary as phase_summary

TipText = Callable[[str, Texts], "str | None"]
PRESSED = {Pick: "a", Tick: "m", Done: "d", Next: "n", Skip: "s", Back: "b", Pause: "p",
           TipFor: "t"}


class Dialog:
    def __init__(self, flows: dict[str, Flow], clock: Clock, tip: TipText,
                 org_buttons: OrgButtons) -> None:
        self.flows = flows
        self.engines = {flow_id: Engine(flow) for flow_id, flow in flows.items()}
        self.tip = tip  # a tip's text by its id
        self.clock = clock
        self.ask = Asker(flows, org_buttons)
        # Looked up at each call, so the record step can be wrapped (the batch tests do).
        self.typed = Typed(flows, clock, self.ask, lambda *a, **kw: self.record(*a, **kw))

    # -- entry points -----------------------------------------------------------

    async def start_or_continue(self, ctx: Ctx, flow_id: str) -> Outcome:
        flow = self.flows[flow_id]
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        now = self.clock.now()
        if run is None:
            run = await ctx.repo.start_run(ctx.chat.id, flow_id, self.engines[flow_id].first, now)
            return Outcome(await self.ask.question(ctx, run, intro=True))
        if run.status == "done" and flow.repeat_when is not None:
            return Outcome(await self.next_round(ctx, flow, run))
        if run.status == "done":
            return Outcome().say(ctx.t._("✅ You have already been through every phase.")
                                 + "\n\n" + ctx.t.key(f"{flow.id}.done"))
        replies = []
        if run.status == "paused":
            await self.live(ctx, run, run.state, "resume")
            replies.append(Reply(ctx.t._("▶️ Welcome back! We continue where you left off.")))
        return Outcome(replies + await self.ask.question(ctx, run))

    async def go_to_phase(self, ctx: Ctx, flow_id: str, phase_id: str) -> Outcome:
        """Take the group back (or on) to the start of a phase; answers stay in the history."""
        flow = self.flows[flow_id]
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        first = flow.phase(phase_id).steps[0].id
        now = self.clock.now()
        if run is None:
            run = await ctx.repo.start_run(ctx.chat.id, flow_id, first, now)
        else:
            await self.live(ctx, run, first, "reopen")
        return Outcome(await self.ask.question(ctx, run, intro=True))

    async def restart_phase(self, ctx: Ctx, flow_id: str) -> Outcome:
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        if run is None or run.status == "done":
            return Outcome().say(ctx.t._("There is no phase in progress to start again."))
        flow = self.flows[flow_id]
        state = await self.engines[flow_id].move(run.state, "restart", {})
        await ctx.repo.clear_drafts(run.id, run.state)
        await self.live(ctx, run, state, "reopen")
        phase = flow.step(state).phase
        note = ctx.t._("🔄 We start phase {phase} again. Earlier answers are kept in the history.",
                       phase=ctx.t.key(f"{flow.id}.{phase}.title"))
        return Outcome([Reply(note)] + await self.ask.question(ctx, run))

    async def pressed(self, ctx: Ctx, data: OnQuestion, message_id: int | None) -> Outcome:
        """A button under a question: checked against the chat and the question it was
        shown with (an old message's buttons politely do nothing)."""
        kind, index, arg = PRESSED[type(data)], data.index, getattr(data, "arg", None)
        run = await ctx.repo.run(data.run)
        if run is None or run.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        flow = self.flows[run.flow]
        if run.status != "active" or run.state == DONE or flow.index(run.state) != index:
            if run.status == "paused" and flow.index(run.state) == index:
                return Outcome(toast=ctx.t._("Paused. Send {command} to continue.",
                                             command=ctx.t.command(run.flow)))
            return Outcome(toast=ctx.t._("This question is already closed."))
        step = flow.step(run.state)
        if kind == "a" and arg is not None and arg < len(step.values):
            value = KINDS[step.kind].from_button(step, arg)
            if value == OTHER and step.kind == "choice":
                return self.ask.ask_other(ctx, run, step)
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
                return self.ask.ask_other(ctx, run, step)
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
            await self.live(ctx, run, run.state, "pause")
            return Outcome().say(ctx.t._(
                "⏸ Paused. Everything so far is saved. Send {command} to continue.",
                command=ctx.t.command(run.flow)))
        if kind == "t":
            tip = self.tip(step.tip, ctx.t) if step.tip else None
            if tip is None:
                return Outcome(toast=ctx.t._("There is no tip for this question."))
            return Outcome().say(tip)
        return Outcome(toast=ctx.t._("This question is already closed."))

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
        # A second member of an organisation pressing what it already answered changes
        # nothing on the question (and Telegram refuses an edit that changes nothing).
        unchanged = pressed is not None and step.scope == "organisation" and any(
            a.organisation_id == ctx.member.organisation_id is not None and a.value == value
            for a in list(by_organisation(await repo.answers(run.id, step.id), step.id)
                          .values()))
        if step.kind == "organisations":
            names = [o.name for o in await repo.organisations(ctx.chat.id)]
            for name in value:
                if not listed(names, name):  # named again by another member
                    await repo.add_organisation(ctx.chat.id, name, now)
                    names.append(name)
            # The answer is the whole list so far: members may name them one reply each.
            value = [o.name for o in await repo.organisations(ctx.chat.id)]
        await repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id, ctx.member.name,
                              ctx.member.organisation_id, value, now, message_id=ctx.message_id,
                              note=note)
        orgs = await repo.organisations(ctx.chat.id)
        if step.kind == "organisations" and len(orgs) < 2:
            return Outcome([Reply(ctx.t._(
                "✓ Noted: {names}. Working together takes two or more organisations: reply "
                "to the question with the other one(s) too.",
                names=esc(", ".join(o.name for o in orgs))), reply_to=ctx.message_id)])
        if step.collect:
            return Outcome([Reply(ctx.t._(
                "✓ Added, {name}. Everyone can add more, each as a reply to the question; "
                "press ➡️ Next when this step is done.", name=esc(ctx.member.name)),
                reply_to=ctx.message_id)])
        if step.scope == "organisation" and orgs and ctx.member.organisation_id is None:
            # It counts for an organisation once the member has said which one.
            return Outcome([self.ask.organisation_question(ctx, orgs)], toast=ctx.t._("Saved ✓"))
        missing = await self.missing(ctx, run, step)
        if not missing:
            replies = await self.advance(ctx, run, "next")
            if step.kind == "organisations" and len(orgs) > 1:
                replies.insert(0, self.ask.organisations_ask(ctx, orgs))
            return Outcome(replies)
        note_text = ctx.t._("✓ Thanks, {name}. Still to answer: {missing}.",
                            name=esc(ctx.member.name), missing=esc(", ".join(missing)))
        if pressed is not None and unchanged:
            return Outcome(toast=note_text)
        if pressed is not None:
            # A button answer: the question itself shows who answered; the toast thanks.
            return Outcome(await self.ask.question(ctx, run, edit=pressed), toast=note_text)
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
            orgs = concerned(self.flows[run.flow].steps, step,
                             await ctx.repo.answers(run.id), orgs)
            done = {a.organisation_id for a in answers}
            return [o.name for o in orgs if o.id not in done]
        if step.scope == "member":
            done = {a.user_id for a in answers}
            return [m.name for m in await ctx.repo.members(ctx.chat.id) if m.user_id not in done]
        return [] if answers else ["–"]

    async def advance(self, ctx: Ctx, run: Run, trigger: str) -> list[Reply]:
        """Move the run; the engine's machine calls the hooks that say what follows. A
        move out of a gated phase waits until every organisation passed the gate."""
        answers = await ctx.repo.answers(run.id)
        flow, engine = self.flows[run.flow], self.engines[run.flow]
        known = standing(flow.steps, answers)
        if flow.gate is not None and trigger == "next" and not overridden(flow, answers):
            dest = await engine.move(run.state, trigger, known)
            if leaves_phase(flow, run.state, dest) and (
                    lines := await where_each_stands(ctx, flow, answers)) is not None:
                await self.live(ctx, run, flow.gate.step, None)  # choose again there
                return [held_message(ctx, flow, run, lines),
                        *await self.ask.question(ctx, run, answers=answers)]
        moving = Moving(self, ctx, run, answers)
        await engine.move(run.state, trigger, known, moving)
        return moving.replies

    async def go_on(self, ctx: Ctx, data: GoOn, message_id: int | None) -> Outcome:
        """An admin takes the group past the gate: recorded, then on to the next phase."""
        run = await ctx.repo.run(data.run)
        if run is None or run.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        flow = self.flows[run.flow]
        if (run.status != "active" or run.state == DONE or flow.gate is None
                or flow.index(run.state) != data.index):
            return Outcome(toast=ctx.t._("This question is already closed."))
        if not await ctx.is_admin():
            return admins_only(ctx, pressed=True)
        await ctx.repo.add_answer(run.id, ctx.chat.id, flow.gate.step, ctx.actor.user_id,
                                  ctx.member.name, None, flow.gate.values[0], self.clock.now(),
                                  note=OVERRIDE)
        last = flow.phase(flow.step(flow.gate.step).phase).steps[-1]
        await self.live(ctx, run, last.id, None)  # leave the phase from its end
        note = ctx.t._("⏩ {name} takes the group on, although not every organisation said "
                       "go. This is recorded.", name=esc(ctx.member.name))
        return Outcome([Reply(note)] + await self.advance(ctx, run, "next"))

    async def live(self, ctx: Ctx, run: Run, state: str, move: str | None) -> None:
        """Store where a run is, its status moved by the lifecycle machine (a move its
        status does not allow raises, so nothing wrong is ever written)."""
        status = RUN.move(run.status, move) if move else run.status
        await ctx.repo.update_run(run.id, state, status, self.clock.now())
        run.state, run.status = state, status

    async def next_round(self, ctx: Ctx, flow: Flow, previous: Run) -> list[Reply]:
        """A new numbered run, showing what the previous one planned."""
        run = await ctx.repo.start_run(ctx.chat.id, flow.id, self.engines[flow.id].first,
                                       self.clock.now())
        answers = await ctx.repo.answers(previous.id)
        earlier = await phase_summary(ctx, previous, flow.phases[0], answers)
        head = ctx.t._("🔁 <b>Round {n}</b> starts. This is what you planned last time:",
                       n=run.number)
        replies = [Reply(part) for part in split(head + "\n\n" + earlier)]
        return replies + await self.ask.question(ctx, run, intro=True)

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
        return Outcome(await self.ask.question(ctx, run, draft=draft, edit=message_id), toast=toast)

    async def summary(self, ctx: Ctx, run: Run, phase, answers=None) -> str:
        return await phase_summary(ctx, run, phase, answers)
