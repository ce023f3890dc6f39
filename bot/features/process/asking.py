"""How a question is shown: one message with the phase's introduction when a phase
starts, the header (question i of n, a bar), the question, who answered, how to answer,
and its buttons. A typed answer is a reply to this very message."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Ctx, esc
from bot.core.entities import Answer, Organisation, Run
from bot.core.flows import Flow, Step
from bot.core.kinds import KINDS
from bot.core.outcome import MAX_TEXT, Button, Outcome, Reply, split, tg_len
from bot.core.progress import position, progress_bar
from bot.features.process.buttons import (
    Back,
    Done,
    Next,
    Pause,
    Pick,
    Skip,
    Tick,
    TipFor,
)
from bot.features.process.conditions import concerned, standing

# Telegram's apps send a text longer than 4096 characters as several messages; in a
# group the bot sees only the first (the one that replies to the question).
LONG = 3800

OrgButtons = Callable[[list[Organisation]], list[list[Button]]]


class Asker:
    def __init__(self, flows: dict[str, Flow], org_buttons: OrgButtons) -> None:
        self.flows = flows
        self.org_buttons = org_buttons  # the organisations feature's choice buttons

    def intro(self, ctx: Ctx, flow: Flow, phase_id: str) -> str:
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
        known = standing(flow.steps, answers)
        lines = [self.header(ctx, flow, step, run, known), "", t.key(step.key)]
        if step.scope != "group":
            lines += ["", await self._who_answered(ctx, flow, step, answers)]
        if KINDS[step.kind].typed:
            lines += ["", self._how_to_type(ctx, step)]
        elif KINDS[step.kind].layout == "ticks" and ctx.in_group:
            lines += ["", t._("<i>Tick what applies (only you see your ticks), then press "
                              "✔️ Done.</i>")]
        buttons = self._answer_buttons(ctx, run, step, index, draft or [])
        nav = [Button(t._("⬅️ Back"), Back(run.id, index).encode()),
               Button(t._("⏭ Skip"), Skip(run.id, index).encode()),
               Button(t._("➡️ Next"), Next(run.id, index).encode())]
        extra = [Button(t._("⏸ Pause"), Pause(run.id, index).encode())]
        if step.tip:
            extra.insert(0, Button(t._("💡 Tip"), TipFor(run.id, index).encode()))
        text = "\n".join(lines)
        replies: list[Reply] = []
        if intro and edit is None:
            opening = self.intro(ctx, flow, step.phase)
            if tg_len(opening + "\n\n" + text) <= MAX_TEXT:
                text = opening + "\n\n" + text
            else:
                replies += [Reply(part) for part in split(opening)]
        return [*replies, Reply(text, [*buttons, nav, extra], edit=edit,
                                prompt=(run.id, step.id))]

    def _how_to_type(self, ctx: Ctx, step: Step) -> str:
        t, kind = ctx.t, KINDS[step.kind]
        hint = t._(kind.hint) if kind.hint else ""
        how = (t._("↩️ Answer with a <b>reply</b> to this message (swipe it, or tap it and "
                   "choose Reply).") if ctx.in_group else t._("✍️ Type your answer."))
        return f"{how} {hint}".strip()

    def _answer_buttons(self, ctx: Ctx, run: Run, step: Step, index: int,
                        draft: list) -> list[list[Button]]:
        t, layout = ctx.t, KINDS[step.kind].layout
        if layout in ("choices", "ticks"):
            kind = Pick if layout == "choices" else Tick
            labels = [t.key(step.choice_key(c)) for c in step.choices]
            if layout == "ticks" and not ctx.in_group:
                # Only one person answers in a private chat: the keyboard can show ticks.
                labels = [("✅ " if c in draft else "▫️ ") + label
                          for c, label in zip(step.choices, labels, strict=True)]
            buttons = [Button(label, kind(run.id, index, i).encode())
                       for i, label in enumerate(labels)]
            rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
            if layout == "ticks":
                rows.append([Button(t._("✔️ Done"), Done(run.id, index).encode())])
            return rows
        if layout == "yesno":
            return [[Button(t._("👍 Yes"), Pick(run.id, index, 0).encode()),
                     Button(t._("👎 No"), Pick(run.id, index, 1).encode())]]
        if layout == "scale":
            return [[Button(str(v), Pick(run.id, index, v - 1).encode()) for v in range(1, 6)]]
        return []

    async def _who_answered(self, ctx: Ctx, flow: Flow, step: Step,
                            answers: list[Answer]) -> str:
        orgs = await ctx.repo.organisations(ctx.chat.id)
        orgs = concerned(flow.steps, step, answers, orgs) if orgs else orgs
        answers = [a for a in answers if a.step == step.id and not a.skipped]
        if step.scope == "organisation":
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
        return Reply(
            ctx.t._("{name}, which organisation are you from? Your answers count for it.",
                    name=esc(ctx.member.name)), self.org_buttons(orgs))

    def organisations_ask(self, ctx: Ctx, orgs: list[Organisation]) -> Reply:
        """Once the partners are named, everyone says which one they are from, with one
        press each (answered with a toast, so the chat stays quiet)."""
        return Reply(
            ctx.t._("🏠 Which organisation is each of you from? Press yours once: your "
                    "answers then count for it. (/org changes it later.)"),
            self.org_buttons(orgs))

    def ask_other(self, ctx: Ctx, run: Run, step: Step) -> Outcome:
        """"Other" is only an answer with its explanation: ask for it, as a reply."""
        text = ctx.t._("✏️ {name}, you chose “Other” at <i>{question}</i>. What do you mean? "
                       "Reply to this message with a few words.", name=esc(ctx.member.name),
                       question=ctx.t.key(f"{step.key}.short"))
        return Outcome([Reply(text, force_reply=True, placeholder=ctx.t._("Type your answer…"),
                              prompt=(run.id, step.id), asks="other")],
                       toast=ctx.t._("Tell us what you mean, as a reply."))

    def long_note(self, ctx: Ctx, run: Run, step: Step, text: str) -> Reply | None:
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
