"""/scan: the five-conditions scan (Kaats & Opheij). An admin starts it, named or
anonymous; every member scores each condition 1-5 with buttons and may add a remark as a
reply; it closes when everyone completed it, or when an admin closes it, and shows the
result as a chart and a text."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core import entities
from bot.core.callbacks import Data, button
from bot.core.context import Ctx, admins_only, esc, not_this_chat, stale
from bot.core.entities import Prompt
from bot.core.feature import Command, Feature
from bot.core.i18n import mark as _
from bot.core.lifecycle import SCAN
from bot.core.outcome import Button, Outcome, Reply
from bot.core.ports import Store
from bot.features.scan.anonymous import at_close, day_of, new_token, voter
from bot.features.scan.chart import render_chart
from bot.features.scan.conditions import MARKS, Condition
from bot.features.scan.result import Result, TipBook, describe, tally

KIND = "scan"  # the prompt kind of a scan message: a reply to it is a remark
LEGACY_CLOSE = 9  # "sc:<scan>:9:0": the close button of scans posted before `Close`


@button("scn")
@dataclass(frozen=True)
class Start(Data):
    chat: int  # the chat it was offered in
    anonymous: bool


@button("sc")
@dataclass(frozen=True)
class Score(Data):
    # The legacy data ("sc:12:3:4"), so the scans already posted keep working.
    scan: int
    condition: int  # its place in the list of conditions
    score: int


@button("scr")
@dataclass(frozen=True)
class Close(Data):
    scan: int


class Scan(Feature):
    def __init__(self, conditions: list[Condition], tips: TipBook) -> None:
        self.conditions = conditions
        self.tips = tips  # the weakest condition's tip goes with the result

    def commands(self) -> list[Command]:
        return [Command("scan", self.scan, _("The five-conditions scan, with a chart"))]

    def buttons(self) -> dict:
        return {Start: self.start, Score: self.score, Close: self.close_pressed}

    def prompts(self) -> dict:
        return {KIND: self.remark}

    async def shown(self, unit: Store, chat_id: int, reply: Reply, message_id: int) -> None:
        """The scan's message was sent: the message that shows it is noted in `unit`."""
        if reply.asks == KIND and reply.ref is not None:
            await unit.set_scan_message(reply.ref, message_id)

    def _ids(self) -> list[str]:
        return [c.id for c in self.conditions]

    # -- the command -----------------------------------------------------------------

    async def scan(self, ctx: Ctx, args: str) -> Outcome:
        t = ctx.t
        word = args.split()[0].lower() if args.split() else ""
        current = await ctx.repo.latest_scan(ctx.chat.id, closed=False)
        if word in ("result", "close"):
            if current is None and word == "result":
                return await self.last_result(ctx)
            if current is None:
                return Outcome().say(t._("There is no open scan. /scan starts one."))
            if not await ctx.is_admin():
                return admins_only(ctx)
            return Outcome(await self.close(ctx, current))
        if current is not None:
            return Outcome().say(t._("A scan is open: score it above. Admins close it with "
                                     "/scan result."))
        return Outcome([Reply(
            t._("🩺 <b>Collaboration scan</b>\nFive conditions for working together well, "
                "after Kaats &amp; Opheij. Everyone scores each one from 1 to 5, in a few taps; "
                "you see the result as a chart. Admins start it, named or anonymous."),
            [[Button(t._("▶️ Start the scan"), Start(ctx.chat.id, False).encode())],
             [Button(t._("🕶 Start an anonymous scan"), Start(ctx.chat.id, True).encode())]])])

    # -- the buttons -----------------------------------------------------------------

    async def start(self, ctx: Ctx, data: Start, message_id: int | None) -> Outcome:
        t = ctx.t
        if data.chat != ctx.chat.id:
            return not_this_chat(ctx)
        if not await ctx.is_admin():
            return admins_only(ctx, pressed=True)
        if await ctx.repo.latest_scan(ctx.chat.id, closed=False):
            return Outcome(toast=t._("A scan is open: score it above."))
        scan = await ctx.repo.open_scan(ctx.chat.id, data.anonymous, secrets.token_hex(16),
                                        ctx.now)
        return Outcome([await self._message(ctx, scan)])

    async def _own(self, ctx: Ctx, scan_id: int) -> entities.Scan | None:
        """The scan, when it belongs to the chat the button was pressed in."""
        scan = await ctx.repo.scan(scan_id)
        return scan if scan is not None and scan.chat_id == ctx.chat.id else None

    async def close_pressed(self, ctx: Ctx, data: Close, message_id: int | None) -> Outcome:
        t = ctx.t
        scan = await self._own(ctx, data.scan)
        if scan is None:
            return not_this_chat(ctx)
        if not await ctx.is_admin():
            return admins_only(ctx, pressed=True)
        if scan.closed_at:
            return Outcome(toast=t._("This scan is already closed."))
        return Outcome(await self.close(ctx, scan))

    async def score(self, ctx: Ctx, data: Score, message_id: int | None) -> Outcome:
        t = ctx.t
        if data.condition == LEGACY_CLOSE:
            return await self.close_pressed(ctx, Close(data.scan), message_id)
        scan = await self._own(ctx, data.scan)
        if scan is None:
            return not_this_chat(ctx)
        if scan.closed_at:
            return Outcome(toast=t._("This scan is already closed."))
        if not 0 <= data.condition < len(self.conditions) or not 1 <= data.score <= 5:
            return stale(ctx)
        condition = self.conditions[data.condition].id
        before = await self._complete(ctx.repo, scan)
        await ctx.repo.add_scan_score(scan.id, ctx.chat.id, await self._respondent(ctx, scan),
                                      "" if scan.anonymous else ctx.member.name,
                                      ctx.member.organisation_id, condition, data.score, None,
                                      day_of(scan) if scan.anonymous else ctx.now)
        toast = t._("Saved ✓ {condition}: {score}",
                    condition=t.key(f"scan.{condition}.title"), score=data.score)
        after = await self._complete(ctx.repo, scan)
        if len(after) >= len(await self._members(ctx)):
            return Outcome(await self.close(ctx, scan), toast=toast)
        if len(after) == len(before):
            return Outcome(toast=toast)
        return Outcome([await self._message(ctx, scan, edit=message_id)], toast=toast)

    # -- a remark: a reply to the scan message -----------------------------------------

    async def remark(self, ctx: Ctx, prompt: Prompt, text: str) -> Outcome:
        scan = await self._own(ctx, prompt.ref) if prompt.ref is not None else None
        if scan is None:
            return Outcome()
        if scan.closed_at:
            return Outcome().say(ctx.t._("This scan is already closed."))
        if scan.anonymous:  # a remark needs no voter: it is never counted or changed
            await ctx.repo.add_scan_score(scan.id, ctx.chat.id, 0, "", None, "remark", None,
                                          text, day_of(scan))
        else:
            await ctx.repo.add_scan_score(scan.id, ctx.chat.id, ctx.actor.user_id,
                                          ctx.member.name, ctx.member.organisation_id,
                                          "remark", None, text, ctx.now)
        return Outcome().say(ctx.t._("✓ Remark saved."))

    # -- who has scored ----------------------------------------------------------------

    async def _respondent(self, ctx: Ctx, scan: entities.Scan) -> int:
        """In an anonymous scan a member scores under a random token; only the scan's
        voters, deleted when it closes, link it to them."""
        if not scan.anonymous:
            return ctx.actor.user_id
        return await ctx.repo.scan_voter(scan.id, ctx.chat.id,
                                         voter(scan, ctx.actor.user_id), new_token())

    async def _complete(self, repo: Store, scan: entities.Scan) -> set[int]:
        given: dict[int, set[str]] = {}
        for item in await repo.scan_scores(scan.id):
            if item.score is not None:
                given.setdefault(item.respondent, set()).add(item.condition)
        return {r for r, conditions in given.items() if set(self._ids()) <= conditions}

    async def _members(self, ctx: Ctx) -> list[entities.Member]:
        """Who is expected to score: the members, not the group posting as itself."""
        return [m for m in await ctx.repo.members(ctx.chat.id) if m.user_id != ctx.chat.id]

    async def _message(self, ctx: Ctx, scan: entities.Scan, edit: int | None = None) -> Reply:
        t = ctx.t
        title = t._("🕶 <b>Anonymous collaboration scan #{n}</b>", n=scan.number) \
            if scan.anonymous else t._("🩺 <b>Collaboration scan #{n}</b>", n=scan.number)
        lines = [title, t._("Score each statement from 1 (not at all) to 5 (completely). "
                            "A remark? Reply to this message."), ""]
        for condition in self.conditions:
            lines.append(f"{MARKS.get(condition.id, '•')} <b>"
                         f"{t.key(f'scan.{condition.id}.title')}</b> — "
                         f"{t.key(f'scan.{condition.id}.statement')}")
        done = await self._complete(ctx.repo, scan)
        members = await self._members(ctx)
        lines.append("")
        if scan.anonymous:
            lines.append(t._("Completed by {n} of {total}.", n=len(done), total=len(members)))
        else:
            lines.append(t._("Completed: {names}", names=" · ".join(
                ("✅ " if m.user_id in done else "⏳ ") + esc(m.name) for m in members)))
        buttons = [[Button(f"{MARKS.get(c.id, '')} {score}", Score(scan.id, i, score).encode())
                    for score in range(1, 6)] for i, c in enumerate(self.conditions)]
        buttons.append([Button(t._("📊 Close and show the result"), Close(scan.id).encode())])
        return Reply("\n".join(lines), buttons, edit=edit,
                     prompt=None if edit else (None, ""), asks=KIND, ref=scan.id)

    # -- the result --------------------------------------------------------------------

    async def last_result(self, ctx: Ctx) -> Outcome:
        """The result of the last closed scan again, as it was shown when it closed."""
        t = ctx.t
        scan = await ctx.repo.latest_scan(ctx.chat.id, closed=True)
        if scan is None:
            return Outcome().say(t._("There has not been a scan yet. Send /scan to start one: "
                                     "five statements, scored in a few taps."))
        result = await tally(ctx.repo, scan, self._ids())
        if not result.respondents:
            return Outcome().say(t._("Scan #{n} was closed without scores, so it has no "
                                     "result. /scan starts a new one.", n=scan.number))
        return Outcome(await self.show(ctx, scan, result))

    async def close(self, ctx: Ctx, scan: entities.Scan) -> list[Reply]:
        SCAN.move("closed" if scan.closed_at else "open", "close")  # a scan closes once
        await ctx.repo.close_scan(scan.id, ctx.now)
        if scan.anonymous:
            kept, respondents = at_close(await ctx.repo.scan_scores(scan.id), self._ids())
            await ctx.repo.anonymise_scan(scan.id, kept, respondents, day_of(scan))
            scan = await ctx.repo.scan(scan.id) or scan
        result = await tally(ctx.repo, scan, self._ids())
        if not result.respondents:
            return [Reply(ctx.t._("The scan is closed; nobody scored it, so there is no "
                                  "result."))]
        return await self.show(ctx, scan, result)

    async def show(self, ctx: Ctx, scan: entities.Scan, result: Result) -> list[Reply]:
        """The chart and the text of a scan's result."""
        t = ctx.t

        def day(moment: datetime) -> date:  # in the chat's time zone
            return moment.astimezone(ZoneInfo(ctx.chat.timezone)).date()

        previous = result.previous_scan
        chart = render_chart(t, self.conditions, result, scan.number,
                             day(scan.closed_at or ctx.now),
                             day(previous.closed_at) if previous and previous.closed_at else None)
        caption = t._("📊 Result of collaboration scan #{n}", n=scan.number)
        remarks = [s for s in await ctx.repo.scan_scores(scan.id) if s.remark]
        return [Reply(caption, file=(f"scan-{scan.number}.png", chart)),
                Reply(describe(t, result, scan, remarks, self.conditions, self.tips))]
