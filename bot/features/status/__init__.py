"""/status: one short overview of where the group is, with a button per phase summary.

The overview names the organisations and their members, where the process is, how many
questions are still open in each phase reached so far, the PDCA round, the look back at
the end, the next check-in and the last scan. A phase button sends that phase's full
summary; its run must belong to the chat the button is pressed in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.callbacks import Data, button
from bot.core.context import Ctx, esc, not_this_chat, stale
from bot.core.entities import Answer, Member, Organisation, Run
from bot.core.feature import Command, Feature
from bot.core.flows import Flow, Phase
from bot.core.i18n import mark as _
from bot.core.outcome import Button, Outcome, Reply, split
from bot.core.progress import DONE, applicable, given, open_items, position, reached

PROCESS = "process"

Summary = Callable[[Ctx, Run, Phase, list[Answer]], Awaitable[str]]


@button("st")
@dataclass(frozen=True)
class PhaseSummary(Data):
    run: int  # checked against the chat it is pressed in
    phase: int  # the phase's index in the run's flow


class Status(Feature):
    def __init__(self, flows: dict[str, Flow], summary: Summary) -> None:
        self.flows = flows
        self.summary = summary  # a phase's full summary (the process dialog's)

    def commands(self) -> list[Command]:
        return [Command("status", self.overview, _("Where are we?"))]

    def buttons(self) -> dict:
        return {PhaseSummary: self.press}

    async def overview(self, ctx: Ctx, args: str) -> Outcome:
        """The short picture, in one message, with a button per phase summary."""
        t, flow = ctx.t, self.flows[PROCESS]
        run = await ctx.repo.latest_run(ctx.chat.id, PROCESS)
        orgs = await ctx.repo.organisations(ctx.chat.id)
        members = await ctx.repo.members(ctx.chat.id)
        lines = [t._("📊 <b>Where we are · {title}</b>", title=t.key(f"{PROCESS}.title")), ""]
        lines += _organisations(ctx, orgs, members)
        buttons: list[Button] = []
        if run is None:
            lines.append(t._("You have not started yet. Send /process to begin."))
        else:
            lines += await _process(ctx, flow, run, orgs, members)
            buttons = [Button(t._("📋 {phase}", phase=t.key(f"{phase.key}.title")),
                              PhaseSummary(run.id, flow.phases.index(phase)).encode())
                       for phase in reached(flow, run)]
        more = await self._pdca_and_checkin(ctx) + await _scan(ctx)
        if more:
            lines += ["", *more]
        if buttons:
            lines += ["", t._("Press a phase below for its full summary.")]
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
        return Outcome([Reply("\n".join(lines), rows)])

    async def _pdca_and_checkin(self, ctx: Ctx) -> list[str]:
        t, lines = ctx.t, []
        pdca = await ctx.repo.latest_run(ctx.chat.id, "pdca") if "pdca" in self.flows else None
        if pdca is not None:
            flow = self.flows["pdca"]
            where = (t.key(f"pdca.{flow.step(pdca.state).phase}.title")
                     if pdca.state in flow.ids else t._("finished"))
            lines.append(t._("🔄 PDCA round {n}: {where}", n=pdca.number, where=where)
                         + _paused(t, pdca, flow))
        closing = (await ctx.repo.latest_run(ctx.chat.id, "closing")
                   if "closing" in self.flows else None)
        if closing is not None:
            ended = closing.state not in self.flows["closing"].ids
            lines.append(t._("🏁 {title}: {where}", title=t.key("closing.title"),
                             where=t._("finished") if ended else t._("in progress"))
                         + _paused(t, closing, self.flows["closing"]))
        schedule = await ctx.repo.schedule(ctx.chat.id)
        if schedule is not None and schedule.next_at:
            lines.append(t._("🔔 Next check-in: {when}", when=t.datetime(
                schedule.next_at, ctx.chat.timezone)))
        return lines

    async def press(self, ctx: Ctx, data: PhaseSummary, message_id: int | None) -> Outcome:
        """A phase button of the overview: that phase's full summary."""
        t = ctx.t
        run = await ctx.repo.run(data.run)
        if run is None or run.chat_id != ctx.chat.id:
            return not_this_chat(ctx)
        flow = self.flows.get(run.flow)
        if flow is None or not 0 <= data.phase < len(flow.phases):
            return stale(ctx)
        phase = flow.phases[data.phase]
        summary = await self.summary(ctx, run, phase, await ctx.repo.answers(run.id))
        return Outcome([Reply(part) for part in split(summary)],
                       toast=t._("📋 {phase}", phase=t.key(f"{phase.key}.title")))


def _organisations(ctx: Ctx, orgs: list[Organisation], members: list[Member],
                   budget: int = 1500) -> list[str]:
    """The organisations and their members, kept short enough for one message."""
    lines: list[str] = []
    for shown, org in enumerate(orgs):
        names = [esc(m.name) for m in members if m.organisation_id == org.id]
        listed = ", ".join(names) or "–"
        if len(listed) > 200:
            kept = names[:5]
            listed = ", ".join(kept) + " " + ctx.t._("and {n} more", n=len(names) - len(kept))
        if sum(len(line) for line in lines) > budget:
            lines.append(ctx.t._("… and {n} more: /org shows them all.", n=len(orgs) - shown))
            break
        lines.append(f"🏠 <b>{esc(org.name)}</b>: {listed}")
    return [*lines, ""] if lines else []


async def _process(ctx: Ctx, flow: Flow, run: Run, orgs: list[Organisation],
                   members: list[Member]) -> list[str]:
    t, total = ctx.t, len(flow.phases)
    lines: list[str] = []
    answers = await ctx.repo.answers(run.id)
    group = given(answers)
    if run.state == DONE or run.state not in flow.ids:
        lines.append(t._("✅ All {total} phases are done.", total=total))
        current = total
    else:
        step = flow.step(run.state)
        phase = flow.phase(step.phase)
        current = flow.phase_number(phase.id) - 1
        i, count = position(flow, step, group)
        where = dict(n=current + 1, total=total, phase=t.key(f"{phase.key}.title"),
                     i=i, count=count)
        if run.status == "paused":
            lines.append(t._("⏸ Paused at phase {n}/{total} · {phase}, question {i} of "
                             "{count}. Send {command} to continue.",
                             command=t.command(flow.id), **where))
        else:
            lines.append(t._("▶️ Phase {n}/{total} · {phase} — question {i} of {count}",
                             **where))
    lines.append("")
    for number, phase in enumerate(flow.phases):
        title = t.key(f"{phase.key}.title")
        if number > current:
            lines.append(f"⏳ {number + 1}. {title}")
            continue
        asked = [s for s in phase.steps if applicable(s, group)]
        still = len({step.id for step, _ in open_items(phase, answers, orgs, members)})
        state = (t._("still open: {open} of {total}", open=still, total=len(asked)) if still
                 else t._("everything answered"))
        mark = "▶️" if number == current else "✅"
        lines.append(f"{mark} {number + 1}. {title} — {state}")
    return lines


async def _scan(ctx: Ctx) -> list[str]:
    t = ctx.t
    scan = await ctx.repo.latest_scan(ctx.chat.id)
    if scan is None:
        return []

    def day(moment: datetime) -> str:
        return t.date(moment.astimezone(ZoneInfo(ctx.chat.timezone)))

    if scan.closed_at:
        return [t._("🩺 Scan #{n}: closed on {date}. /scan result shows the result.",
                    n=scan.number, date=day(scan.closed_at))]
    return [t._("🩺 Scan #{n}: open since {date}. Admins close it with /scan result.",
                n=scan.number, date=day(scan.opened_at))]


def _paused(t, run: Run, flow: Flow) -> str:
    """After a flow's line in the overview: that it is paused, and how to go on."""
    if run.status != "paused" or run.state not in flow.ids:
        return ""
    return " · " + t._("⏸ paused; send {command} to continue", command=t.command(flow.id))
