"""What a move of a run sets off, as the engine's hooks: the move stored (and a phase's
summary when the group leaves it), the run finished on entering "done", or the next
question asked. One Moving per move; it collects the replies."""

from __future__ import annotations

from typing import Protocol

from bot.core.context import Ctx
from bot.core.entities import Answer, Run
from bot.core.flows import Flow
from bot.core.outcome import Reply, split
from bot.core.progress import DONE, given, holds
from bot.features.process.asking import Asker
from bot.features.process.summary import summary as phase_summary


class Dialog(Protocol):
    """What a move needs of the dialog (which builds a Moving for each move)."""

    flows: dict[str, Flow]
    ask: Asker

    async def live(self, ctx: Ctx, run: Run, state: str, move: str | None) -> None: ...

    async def next_round(self, ctx: Ctx, flow: Flow, previous: Run) -> list[Reply]: ...


class Moving:
    def __init__(self, dialog: Dialog, ctx: Ctx, run: Run, answers: list[Answer]) -> None:
        self.dialog, self.ctx, self.run, self.answers = dialog, ctx, run, answers
        self.flow = dialog.flows[run.flow]
        self.replies: list[Reply] = []
        self.new_phase = False

    async def leaving(self, source: str, dest: str, trigger: str) -> None:
        ctx, run, flow = self.ctx, self.run, self.flow
        await ctx.repo.clear_drafts(run.id, source)
        await self.dialog.live(ctx, run, dest, "finish" if dest == DONE else None)
        old_phase = flow.step(source).phase
        self.new_phase = dest == DONE or flow.step(dest).phase != old_phase
        if trigger == "next" and self.new_phase:
            summary = await phase_summary(ctx, run, flow.phase(old_phase), self.answers)
            self.replies += [Reply(part) for part in split(summary)]

    async def finished(self) -> None:
        ctx, flow = self.ctx, self.flow
        answers = given(self.answers)
        if flow.repeat_when and all(holds(c, answers) for c in flow.repeat_when):
            self.replies += await self.dialog.next_round(ctx, flow, self.run)
            return
        ending = next((key for condition, key in flow.endings if holds(condition, answers)),
                      f"{flow.id}.done")
        self.replies += [Reply(part) for part in split(ctx.t._(
            "🎉 You have completed every phase.") + "\n\n" + ctx.t.key(ending))]

    async def arrived(self, dest: str, trigger: str) -> None:
        intro = trigger == "next" and self.new_phase
        self.replies += await self.dialog.ask.question(self.ctx, self.run, answers=self.answers,
                                                       intro=intro)
