"""A phase's summary: what each organisation or member said, and what is still open (a
skipped question is open)."""

from __future__ import annotations

from bot.core.context import Ctx, esc
from bot.core.entities import Answer, Run
from bot.core.flows import Phase
from bot.core.kinds import show
from bot.core.progress import applicable, by_member, by_organisation
from bot.features.process.conditions import concerned, standing


async def summary(ctx: Ctx, run: Run, phase: Phase,
                  answers: list[Answer] | None = None) -> str:
    """What was said in a phase, and what is still open. A skipped question is open."""
    t = ctx.t
    answers = answers if answers is not None else await ctx.repo.answers(run.id)
    orgs = await ctx.repo.organisations(ctx.chat.id)
    members = await ctx.repo.members(ctx.chat.id)
    group = standing(phase.steps, answers)
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
            who = [(o.id, o.name) for o in concerned(phase.steps, step, answers, orgs)
                   ] or [(None, t._("the group"))]
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
