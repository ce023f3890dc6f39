"""The decision before the next phase: the flow's `gate` step (go / not yet / no in
Verkennen) must have a passing answer from every organisation before the group leaves
its phase. Until then the group is told where each organisation stands and asked the
gate question again; an admin can take the group on anyway, and that is recorded as an
answer to the gate step without an organisation, noted as an override."""

from __future__ import annotations

from bot.core.context import Ctx, esc
from bot.core.entities import Answer, Run
from bot.core.flows import Flow
from bot.core.kinds import show
from bot.core.outcome import Button, Reply
from bot.core.progress import DONE, by_organisation
from bot.features.process.buttons import GoOn

OVERRIDE = "override"  # the note on the answer an admin's override records


def overridden(flow: Flow, answers: list[Answer]) -> bool:
    """Did an admin override the gate after the last answer that did not pass it?"""
    result = False
    for a in answers:
        if a.step != flow.gate.step or a.skipped:
            continue
        if a.note == OVERRIDE:
            result = True
        elif str(a.value) not in flow.gate.values:
            result = False
    return result


def leaves_phase(flow: Flow, state: str, dest: str) -> bool:
    """Is this move from the gate's phase (at or after the gate step) out of it?"""
    gate = flow.step(flow.gate.step)
    here = flow.step(state)
    if here.phase != gate.phase or flow.index(state) < flow.index(gate.id):
        return False
    return dest == DONE or flow.step(dest).phase != gate.phase


async def where_each_stands(ctx: Ctx, flow: Flow, answers: list[Answer]) -> list[str] | None:
    """One line per organisation when not all passed (None: the gate is open)."""
    step = flow.step(flow.gate.step)
    orgs = await ctx.repo.organisations(ctx.chat.id)
    real = [a for a in answers if a.step == step.id and not a.skipped and a.note != OVERRIDE]
    if not orgs:
        last = real[-1] if real else None
        if last is not None and str(last.value) in flow.gate.values:
            return None
        return [f"• {show(step, last.value, ctx.t) if last else ctx.t._('still open')}"]
    per = by_organisation(real, step.id)
    if all(o.id in per and str(per[o.id].value) in flow.gate.values for o in orgs):
        return None
    return [f"• {esc(o.name)}: " + (show(step, per[o.id].value, ctx.t) if o.id in per
                                     else f"<i>{ctx.t._('still open')}</i>") for o in orgs]


def held_message(ctx: Ctx, flow: Flow, run: Run, lines: list[str]) -> Reply:
    t = ctx.t
    step = flow.step(flow.gate.step)
    nxt = flow.phases[flow.phase_number(step.phase)] if flow.phase_number(step.phase) < len(
        flow.phases) else None
    text = t._("🚦 <b>Not on to {phase} yet</b>\nThe next phase starts when every "
               "organisation has said go. Where each one stands:",
               phase=t.key(f"{nxt.key}.title") if nxt else t.key(f"{flow.id}.title"))
    text += "\n" + "\n".join(lines) + "\n\n" + t._(
        "Talk about what is still needed (the 💡 tip under the question helps). When an "
        "organisation is ready, it chooses again in the question below. An admin can take "
        "the group on anyway; that is recorded.")
    button = Button(t._("⏩ Go on anyway (admins)"),
                    GoOn(run.id, flow.index(step.id)).encode())
    return Reply(text, buttons=[[button]])
