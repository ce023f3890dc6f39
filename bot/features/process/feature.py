"""/proces, /pdca and /afronden, the buttons under each question, and the replies to them."""

from __future__ import annotations

from bot.core.context import Ctx, admins_only
from bot.core.entities import Prompt
from bot.core.feature import Command, Feature
from bot.core.i18n import mark as _
from bot.core.outcome import Outcome
from bot.features.process.buttons import (
    Back,
    Done,
    GoOn,
    KeepDate,
    Next,
    OtherDate,
    Pause,
    Pick,
    Skip,
    Tick,
    TipFor,
)
from bot.features.process.dialog import Dialog


class Process(Feature):
    def __init__(self, dialog: Dialog) -> None:
        self.dialog = dialog

    def commands(self) -> list[Command]:
        return [Command("process", self.process, _("Start or continue the collaboration process")),
                Command("pdca", self.pdca, _("A round of plan, do, check, act")),
                Command("closing", self.closing, _("Wrap up the collaboration: look back "
                                                   "together"))]

    def buttons(self) -> dict:
        on_question = dict.fromkeys((Pick, Tick, Done, Next, Skip, Back, Pause, TipFor),
                                    self.dialog.pressed)
        return {**on_question, KeepDate: self.keep_date, OtherDate: self.other_date,
                GoOn: self.dialog.go_on}

    def prompts(self) -> dict:
        return dict.fromkeys(("question", "other", "more"), self.answer)

    async def process(self, ctx: Ctx, args: str) -> Outcome:
        return await self._flow(ctx, "process", args)

    async def pdca(self, ctx: Ctx, args: str) -> Outcome:
        return await self._flow(ctx, "pdca", args)

    async def closing(self, ctx: Ctx, args: str) -> Outcome:
        return await self._flow(ctx, "closing", args)

    async def _flow(self, ctx: Ctx, flow_id: str, args: str) -> Outcome:
        if args.split()[:1] == ["restart"]:
            if not await ctx.is_admin():
                return admins_only(ctx)
            return await self.dialog.restart_phase(ctx, flow_id)
        return await self.dialog.start_or_continue(ctx, flow_id)

    async def answer(self, ctx: Ctx, prompt: Prompt, text: str) -> Outcome | None:
        """A reply to a question of a run of this chat (None: not one of ours)."""
        run = prompt.run
        if run is None and prompt.run_id is not None:
            run = await ctx.repo.run(prompt.run_id)
        if run is None or run.chat_id != ctx.chat.id:
            return None
        return await self.dialog.typed.reply(ctx, run, prompt.step, text, ctx.message_id,
                                             prompt.kind)

    async def plain(self, ctx: Ctx, text: str) -> Outcome:
        """Text in a private chat that replies to nothing: the rest of a long answer, or
        an answer to the question the run is at."""
        if (more := await self.dialog.typed.continuation(ctx, text)) is not None:
            return more
        run = await self.dialog.active_run(ctx)
        if run is not None:
            return await self.dialog.typed.reply(ctx, run, run.state, text, ctx.message_id)
        return Outcome().say(ctx.t._("Send /process to start, or /help to see what I can do."))

    async def edited(self, ctx: Ctx, text: str) -> Outcome:
        """A member edited a message: if it carried their answer, the answer follows."""
        return await self.dialog.typed.edit(ctx, text)

    async def keep_date(self, ctx: Ctx, data: KeepDate, message_id: int | None) -> Outcome:
        return await self.dialog.typed.confirm_date(ctx, data.run, data.index, data.day,
                                                    data.user, keep=True)

    async def other_date(self, ctx: Ctx, data: OtherDate, message_id: int | None) -> Outcome:
        return await self.dialog.typed.confirm_date(ctx, data.run, data.index, "", data.user,
                                                    keep=False)
