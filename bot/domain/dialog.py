"""A flow run as a conversation: questions, answers, moves and summaries.

Serves every flow in flows/; callback data names the run, so a button always finds
its own flow. Telegram-free: it returns Replies for an adapter to show.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.domain.answers import parse_date, parse_organisations, show
from bot.domain.context import Ctx, esc
from bot.domain.engine import DONE, Engine, applicable, holds
from bot.domain.flows import Flow, Phase, Step
from bot.domain.replies import Button, Outcome, Reply, split
from bot.domain.tips import TipLibrary
from bot.store.repo import Answer, Organisation, Run

TEXT_KINDS = ("text", "date", "organisations")


def progress_bar(done: int, total: int, width: int = 8) -> str:
    filled = round(width * done / total) if total else 0
    return "▰" * filled + "▱" * (width - filled)


def by_organisation(answers: list[Answer], step: str) -> dict[int | None, Answer]:
    """The answer that counts per organisation: its last one (skips do not count)."""
    return {a.organisation_id: a for a in answers if a.step == step and not a.skipped}


def by_member(answers: list[Answer], step: str) -> dict[int, Answer]:
    return {a.user_id: a for a in answers if a.step == step and not a.skipped}


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
            intro = self._intro(ctx, flow, flow.steps[0].phase)
            return Outcome([Reply(part) for part in split(intro)] + await self.question(ctx, run))
        if run.status == "done" and flow.repeat_when is not None:
            return Outcome(await self._next_round(ctx, flow, run))
        if run.status == "done":
            return Outcome().say(ctx.t._(
                "✅ You have finished every phase. /status shows everything you agreed."))
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
        intro = self._intro(ctx, flow, phase_id)
        return Outcome([Reply(part) for part in split(intro)] + await self.question(ctx, run))

    async def restart_phase(self, ctx: Ctx, flow_id: str) -> Outcome:
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        if run is None or run.status == "done":
            return Outcome().say(ctx.t._("There is no phase in progress to start again."))
        flow = self.flows[flow_id]
        state = self.engines[flow_id].move(run.state, "restart", {})
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
            outcome = await self.record(ctx, run, step, value, pressed=message_id)
            outcome.toast = outcome.toast or ctx.t._("Saved ✓")
            return outcome
        if kind == "m" and arg is not None and arg < len(step.choices) and message_id:
            return await self._toggle(ctx, run, step, step.choices[arg], message_id)
        if kind == "d" and message_id:
            prompt = await ctx.repo.prompt(ctx.chat.id, message_id)
            if not prompt or not prompt.draft:
                return Outcome(toast=ctx.t._("Choose at least one option first."))
            outcome = await self.record(ctx, run, step, prompt.draft, pressed=message_id)
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
                    message_id: int | None) -> Outcome:
        """A typed answer to a question (a reply to it in a group)."""
        flow = self.flows[run.flow]
        step = flow.step(step_id)
        if step.kind == "date":
            parsed = parse_date(text)
            if parsed is None:
                return Outcome().say(ctx.t._(
                    "I could not read that as a date. Try for example 15-03-2027 or "
                    "15 maart 2027, as a reply to the question."))
            value: object = parsed.isoformat()
        elif step.kind == "organisations":
            value = parse_organisations(text)
            if len(value) < 1:
                return Outcome().say(ctx.t._(
                    "Please reply with the names of the organisations, one per line."))
        elif step.kind == "text":
            value = text
        else:
            return Outcome().say(ctx.t._("Please answer this question with the buttons under it."))
        if run.status == "active" and run.state == step_id:
            return await self.record(ctx, run, step, value)
        if step.kind == "organisations":
            return Outcome().say(ctx.t._(
                "This question is already closed. Admins can change the organisations with /org."))
        # The group moved on while this was typed (or someone answers late): keep it, as
        # the newest answer to that question, and do not move anyone.
        await ctx.repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id,
                                  ctx.member.name, ctx.member.organisation_id, value,
                                  self.clock.now(), message_id=ctx.message_id)
        return Outcome().say(ctx.t._(
            "✓ Saved, {name}: your answer to “{question}” is added. The group has moved on; "
            "/status shows where you are now.",
            name=esc(ctx.member.name), question=ctx.t.key(f"{step.key}.short")))

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
        if step.kind == "date":
            parsed = parse_date(text)
            if parsed is None:
                return Outcome().say(ctx.t._(
                    "I could not read your edited message as a date, so your earlier answer "
                    "stays. Try for example 15-03-2027."), reply_to=reply_to)
            value: object = parsed.isoformat()
        elif step.kind == "text":
            value = text
        else:  # the organisations were made when the list was answered
            return Outcome().say(ctx.t._(
                "Editing this message does not change the organisations. Admins can change "
                "them with /org."), reply_to=reply_to)
        if value == answer.value:
            return Outcome()
        await ctx.repo.set_answer_value(answer.id, value)
        return Outcome().say(ctx.t._(
            "✏️ Updated, {name}: your answer to “{question}” now reads as you edited it.",
            name=esc(ctx.member.name), question=ctx.t.key(f"{step.key}.short")),
            reply_to=reply_to)

    async def active_run(self, ctx: Ctx) -> Run | None:
        """The run waiting for an answer in this chat, if any."""
        for flow_id in self.flows:
            run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
            if run and run.status == "active" and run.state != DONE:
                return run
        return None

    # -- answering ----------------------------------------------------------------

    async def record(self, ctx: Ctx, run: Run, step: Step, value: object,
                     pressed: int | None = None) -> Outcome:
        """Store an answer, then move on when the step is complete."""
        repo, now = ctx.repo, self.clock.now()
        await repo.add_answer(run.id, ctx.chat.id, step.id, ctx.actor.user_id, ctx.member.name,
                              ctx.member.organisation_id, value, now, message_id=ctx.message_id)
        replies: list[Reply] = []
        if step.kind == "organisations":
            for name in value:
                await repo.add_organisation(ctx.chat.id, name, now)
        orgs = await repo.organisations(ctx.chat.id)
        if orgs and ctx.member.organisation_id is None and step.kind != "organisations":
            replies.append(self.organisation_question(ctx, orgs))
        if step.collect:
            return Outcome([*replies, Reply(ctx.t._(
                "✓ Added, {name}. Everyone can add more, each as a reply to the question; "
                "press ➡️ Next when this step is done.", name=esc(ctx.member.name)),
                reply_to=ctx.message_id)])
        missing = await self.missing(ctx, run, step)
        if not missing:
            return Outcome(replies + await self.advance(ctx, run, "next"))
        if replies and step.scope == "organisation":
            # It counts for an organisation once the member has said which one.
            return Outcome(replies, toast=ctx.t._("Saved ✓"))
        note = ctx.t._("✓ Thanks, {name}. Still to answer: {missing}.",
                       name=esc(ctx.member.name), missing=esc(", ".join(missing)))
        if pressed is not None:
            # A button answer: refresh who answered on the question itself.
            return Outcome(replies + await self.question(ctx, run, edit=pressed), toast=note)
        return Outcome([*replies, Reply(note)])

    async def after_organisation_chosen(self, ctx: Ctx) -> list[Reply]:
        """A member just said which organisation they are from: maybe the step is complete."""
        run = await self.active_run(ctx)
        if run is None:
            return []
        step = self.flows[run.flow].step(run.state)
        answers = await ctx.repo.answers(run.id, step.id)
        if step.scope == "group" or not any(a.user_id == ctx.actor.user_id for a in answers):
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
        group = {}
        for answer in answers:
            if not answer.skipped:
                group[answer.step] = answer.value
        old = run.state
        new = engine.move(old, trigger, group)
        if new == old:
            return []
        status = "done" if new == DONE else "active"
        await ctx.repo.update_run(run.id, new, status, self.clock.now())
        run.state, run.status = new, status
        replies: list[Reply] = []
        old_phase = flow.step(old).phase
        new_phase = None if new == DONE else flow.step(new).phase
        if trigger == "next" and new_phase != old_phase:
            summary = await self.summary(ctx, run, flow.phase(old_phase), answers)
            replies += [Reply(part) for part in split(summary)]
            if new_phase is not None:
                replies += [Reply(part) for part in split(self._intro(ctx, flow, new_phase))]
        if new == DONE:
            if flow.repeat_when is not None and holds(flow.repeat_when, group):
                return replies + await self._next_round(ctx, flow, run)
            replies.append(Reply(ctx.t._(
                "🎉 You have completed every phase. /status shows the whole picture.")))
            return replies
        return replies + await self.question(ctx, run)

    async def _next_round(self, ctx: Ctx, flow: Flow, previous: Run) -> list[Reply]:
        """A new numbered run, showing what the previous one planned."""
        run = await ctx.repo.start_run(ctx.chat.id, flow.id, self.engines[flow.id].first,
                                       self.clock.now())
        answers = await ctx.repo.answers(previous.id)
        earlier = await self.summary(ctx, previous, flow.phases[0], answers)
        replies = [Reply(ctx.t._("🔁 <b>Round {n}</b> starts. This is what you planned last "
                                 "time:", n=run.number))]
        replies += [Reply(part) for part in split(earlier)]
        replies += [Reply(part) for part in split(self._intro(ctx, flow, flow.steps[0].phase))]
        return replies + await self.question(ctx, run)

    async def _toggle(self, ctx: Ctx, run: Run, step: Step, choice: str,
                      message_id: int) -> Outcome:
        prompt = await ctx.repo.prompt(ctx.chat.id, message_id)
        draft = list(prompt.draft or []) if prompt else []
        if choice in draft:
            draft.remove(choice)
        else:
            draft.append(choice)
        draft = [c for c in step.choices if c in draft]
        if prompt is None:
            await ctx.repo.add_prompt(ctx.chat.id, message_id, run.id, step.id, self.clock.now())
        await ctx.repo.set_draft(ctx.chat.id, message_id, draft)
        replies = await self.question(ctx, run, draft=draft, edit=message_id)
        return Outcome(replies[:1], toast=ctx.t._("Press ✔️ Done when your choice is complete."))

    # -- showing ------------------------------------------------------------------

    def _intro(self, ctx: Ctx, flow: Flow, phase_id: str) -> str:
        t = ctx.t
        return t._("🧭 <b>Phase {n}/{total} · {phase}</b>\n\n{intro}",
                   n=flow.phase_number(phase_id), total=len(flow.phases),
                   phase=t.key(f"{flow.id}.{phase_id}.title"),
                   intro=t.key(f"{flow.id}.{phase_id}.intro"))

    def header(self, ctx: Ctx, flow: Flow, step: Step, run: Run | None = None) -> str:
        phase = flow.phase(step.phase)
        number = phase.steps.index(step) + 1
        prefix = ""
        if flow.repeat_when is not None and run is not None:
            prefix = ctx.t._("🔄 {title}, round {n}", title=ctx.t.key(f"{flow.id}.title"),
                             n=run.number) + "\n"
        return prefix + ctx.t._("<b>Phase {n}/{total} · {phase}</b> — question {i} of {count}",
                       n=flow.phase_number(phase.id), total=len(flow.phases),
                       phase=ctx.t.key(f"{phase.key}.title"), i=number,
                       count=len(phase.steps)) + "\n" + progress_bar(number, len(phase.steps))

    async def question(self, ctx: Ctx, run: Run, *, draft: list | None = None,
                       edit: int | None = None) -> list[Reply]:
        flow, t = self.flows[run.flow], ctx.t
        step = flow.step(run.state)
        index = flow.index(step.id)
        lines = [self.header(ctx, flow, step, run), "", t.key(step.key)]
        if step.scope != "group":
            lines += ["", await self._who_answered(ctx, run, step)]
        if step.kind in TEXT_KINDS:
            lines += ["", self._how_to_type(ctx, step)]
        buttons = self._answer_buttons(ctx, run, step, index, draft or [])
        nav = [Button(t._("⬅️ Back"), f"b:{run.id}:{index}"),
               Button(t._("⏭ Skip"), f"s:{run.id}:{index}"),
               Button(t._("➡️ Next"), f"n:{run.id}:{index}")]
        extra = [Button(t._("⏸ Pause"), f"p:{run.id}:{index}")]
        if step.tip:
            extra.insert(0, Button(t._("💡 Tip"), f"t:{run.id}:{index}"))
        text = "\n".join(lines)
        first = Reply(text, [*buttons, nav, extra], edit=edit, prompt=(run.id, step.id))
        if step.kind not in TEXT_KINDS or edit is not None:
            return [first]
        # Under privacy mode a bot sees replies to its own messages: the reply prompt
        # opens the phone's reply field on this message.
        ask = Reply(t._("✍️ Your answer to: <i>{question}</i>", question=t.key(f"{step.key}.short")),
                    force_reply=True, placeholder=t._("Type your answer…"),
                    prompt=(run.id, step.id))
        return [first, ask]

    def _how_to_type(self, ctx: Ctx, step: Step) -> str:
        t = ctx.t
        if step.kind == "date":
            hint = t._("<i>Type a date, for example 15-03-2027.</i>")
        elif step.kind == "organisations":
            hint = t._("<i>One name per line, or separated by commas.</i>")
        else:
            hint = ""
        how = (t._("↩️ Answer with a reply to the message below.") if ctx.in_group
               else t._("✍️ Type your answer."))
        return f"{how} {hint}".strip()

    def _answer_buttons(self, ctx: Ctx, run: Run, step: Step, index: int,
                        draft: list) -> list[list[Button]]:
        t = ctx.t
        if step.kind in ("choice", "multi"):
            kind = "a" if step.kind == "choice" else "m"
            labels = [t.key(step.choice_key(c)) for c in step.choices]
            if step.kind == "multi":
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

    async def _who_answered(self, ctx: Ctx, run: Run, step: Step) -> str:
        answers = [a for a in await ctx.repo.answers(run.id, step.id) if not a.skipped]
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

    async def summary(self, ctx: Ctx, run: Run, phase: Phase,
                      answers: list[Answer] | None = None) -> str:
        t = ctx.t
        answers = answers if answers is not None else await ctx.repo.answers(run.id)
        orgs = await ctx.repo.organisations(ctx.chat.id)
        members = await ctx.repo.members(ctx.chat.id)
        group = {a.step: a.value for a in answers if not a.skipped}
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
                state = t._("skipped") if given_any else t._("still open")
                lines.append(f"• <b>{label}</b>: <i>{state}</i>")
                if not given_any:
                    still_open.append(label)
                continue
            if step.collect:
                lines.append(f"• <b>{label}</b>")
                lines += [f"   ◦ {esc(a.user_name or former)}: "
                          f"{show(step, a.value, t)}" for a in real]
                continue
            if step.scope == "group":
                lines.append(f"• <b>{label}</b>: {show(step, real[-1].value, t)}")
                continue
            lines.append(f"• <b>{label}</b>")
            if step.scope == "organisation":
                given = by_organisation(answers, step.id)
                who = [(o.id, o.name) for o in orgs] or [(None, t._("the group"))]
                if not orgs:
                    given = {None: real[-1]}
            else:
                given = by_member(answers, step.id)
                who = [(m.user_id, m.name) for m in members]
            for key, name in who:
                answer = given.get(key)
                if answer is None:
                    lines.append(f"   ◦ {esc(name)}: <i>{t._('still open')}</i>")
                    still_open.append(f"{label} ({esc(name)})")
                else:
                    lines.append(f"   ◦ {esc(name)}: {show(step, answer.value, t)}")
        if any(a.user_id == 0 for a in answers if a.step in {s.id for s in phase.steps}):
            lines += ["", t._("ℹ️ Some answers come from a member who asked to be forgotten: "
                              "they are kept without a name.")]
        if still_open:
            lines += ["", t._("⏳ <b>Still open:</b> {items}", items="; ".join(still_open))]
        else:
            lines += ["", t._("✅ Everything in this phase has been answered.")]
        return "\n".join(lines)

    async def status(self, ctx: Ctx, flow_id: str) -> Outcome:
        t, flow = ctx.t, self.flows[flow_id]
        run = await ctx.repo.latest_run(ctx.chat.id, flow_id)
        lines = [t._("📊 <b>Where we are · {title}</b>", title=t.key(f"{flow_id}.title")), ""]
        orgs = await ctx.repo.organisations(ctx.chat.id)
        members = await ctx.repo.members(ctx.chat.id)
        for org in orgs:
            names = [esc(m.name) for m in members if m.organisation_id == org.id]
            lines.append(f"🏠 <b>{esc(org.name)}</b>: {', '.join(names) or '–'}")
        if orgs:
            lines.append("")
        if run is None:
            lines.append(t._("You have not started yet. Send /process to begin."))
            return Outcome().say("\n".join(lines))
        current = len(flow.phases) if run.state == DONE else flow.phase_number(
            flow.step(run.state).phase) - 1
        for number, phase in enumerate(flow.phases):
            title = t.key(f"{phase.key}.title")
            if number < current:
                lines.append(f"✅ {number + 1}. {title}")
            elif number == current:
                step = flow.step(run.state)
                position = phase.steps.index(step) + 1
                lines.append(t._("▶️ {n}. {phase} — question {i} of {count}", n=number + 1,
                                 phase=title, i=position, count=len(phase.steps)))
            else:
                lines.append(f"⏳ {number + 1}. {title}")
        if run.status == "paused":
            lines += ["", t._("⏸ Paused. Send /process to continue.")]
        answers = await ctx.repo.answers(run.id)
        outcome = Outcome().say("\n".join(lines))
        for phase in flow.phases[: current + 1]:
            outcome.say(await self.summary(ctx, run, phase, answers))
        return outcome
