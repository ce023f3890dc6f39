"""The bot's front door: every adapter (Telegram, console, tests) calls these methods.

Each call is one transaction (or part of the adapter's batch, which commits as a
whole): the effects of an update, and its update id, are committed before the adapter
shows anything, so an acknowledged answer is never lost and a redelivered update
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot import compose
from bot.core.clock import Clock
from bot.core.context import Actor, ChatRef, Ctx
from bot.core.flows import load_all
from bot.core.i18n import LANGUAGES, Texts, pick_language, texts
from bot.core.outcome import Outcome, Reply
from bot.core.paths import FLOWS, LOCALES
from bot.core.ports import Store
from bot.domain import commands
from bot.domain.checkins import CheckinDesk
from bot.domain.scan import ScanDesk, load_conditions
from bot.domain.search import TipSearch
from bot.domain.tipdesk import InlineTip, inline
from bot.domain.tips import TipLibrary
from bot.features.organisations import choice_buttons
from bot.features.process.dialog import Dialog
from bot.router import Router

log = logging.getLogger(__name__)

AdminCheck = Callable[[int, int], Awaitable[bool]]


async def _everyone_is_admin(chat_id: int, user_id: int) -> bool:
    return True


class Service:
    def __init__(self, repo: Store, clock: Clock, *, language: str = "nl",
                 timezone: str = "Europe/Amsterdam", is_admin: AdminCheck = _everyone_is_admin,
                 bot_username: str = "", flows_dir: Path = FLOWS,
                 locales: Path = LOCALES, remind_after: timedelta = timedelta(days=1),
                 close_after: timedelta = timedelta(days=3),
                 retention: timedelta = timedelta(days=730)) -> None:
        self.repo = repo
        self.clock = clock
        self.language = language
        self.timezone = timezone
        self.is_admin = is_admin
        self.bot_username = bot_username
        self.locales = locales
        self.retention = retention
        self.remind_after, self.close_after = remind_after, close_after
        self._pruned: datetime | None = None
        self.tips = TipLibrary(flows_dir / "tips.yaml")
        self.flows = load_all(flows_dir, known_tips=self.tips.ids())
        self.search = TipSearch(self.tips, {lang: self.texts(lang) for lang in LANGUAGES})
        self.dialog = Dialog(self.flows, clock, tip=self._tip, org_buttons=choice_buttons)
        self.checkins = CheckinDesk(self, remind_after=remind_after, close_after=close_after)
        self.scans = ScanDesk(self, load_conditions(flows_dir / "scan.yaml"))
        self.router = Router(compose.features(self), locales)

    def _tip(self, tip_id: str, t: Texts) -> str | None:
        tip = self.tips.get(tip_id)
        return self.tips.render(tip, t) if tip is not None else None

    @classmethod
    def from_settings(cls, repo: Store, settings, clock: Clock) -> Service:
        """The service as the settings describe it (Telegram and console alike)."""
        return cls(repo, clock, language=settings.language, timezone=settings.timezone,
                   remind_after=settings.remind_after, close_after=settings.close_after,
                   retention=settings.retention)

    async def _ctx(self, ref: ChatRef, actor: Actor, message_id: int | None) -> Ctx:
        now = self.clock.now()
        language = pick_language(actor.language_code, self.language) if ref.type == "private" \
            else self.language
        chat = await self.repo.ensure_chat(ref.id, ref.type, ref.title, language, self.timezone,
                                           now)
        member = await self.repo.ensure_member(ref.id, actor.user_id, actor.name,
                                               actor.anonymous_admin, now)
        return Ctx(self.repo, chat, ref, actor, member, self.texts(chat.language), message_id,
                   lambda chat_id, user_id: self.is_admin(chat_id, user_id), now)

    async def _handle(self, update_id: int | None, ref: ChatRef, actor: Actor,
                      message_id: int | None, work) -> Outcome:
        async with self.repo.transaction():
            if update_id is not None and not await self.repo.mark_update(update_id,
                                                                         self.clock.now()):
                log.info("update %s was handled before; ignored", update_id)
                return Outcome()
            ctx = await self._ctx(ref, actor, message_id)
            return await work(ctx)

    async def admin(self, ctx: Ctx) -> bool:
        return await ctx.is_admin()

    # -- what adapters call -------------------------------------------------------

    async def command(self, ref: ChatRef, actor: Actor, name: str, args: str, *,
                      update_id: int | None = None, message_id: int | None = None) -> Outcome:
        if self.router.knows(name):
            return await self._handle(update_id, ref, actor, message_id,
                                      lambda ctx: self.router.command(ctx, name, args))
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: commands.run(self, ctx, name.lower(), args.strip()))

    async def button(self, ref: ChatRef, actor: Actor, data: str, *, message_id: int | None,
                     update_id: int | None = None) -> Outcome:
        if self.router.handles(data):
            return await self._handle(update_id, ref, actor, None,
                                      lambda ctx: self.router.press(ctx, data, message_id))
        return await self._handle(update_id, ref, actor, None,
                                  lambda ctx: commands.press(self, ctx, data, message_id))

    async def text(self, ref: ChatRef, actor: Actor, text: str, *, reply_to: int | None,
                   update_id: int | None = None, message_id: int | None = None) -> Outcome:
        """A text that is not a command: an answer when it replies to a question."""
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: self._text(ctx, text, reply_to))

    async def edited(self, ref: ChatRef, actor: Actor, text: str, *, message_id: int,
                     update_id: int | None = None) -> Outcome:
        """A member edited a message: if it carried their answer, the answer follows."""
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: self.dialog.typed.edit(ctx, text))

    async def other(self, ref: ChatRef, actor: Actor, *, reply_to: int | None,
                    update_id: int | None = None) -> Outcome:
        """A sticker, photo, voice note… where we may have expected text."""
        async def work(ctx: Ctx) -> Outcome:
            if reply_to is None and ctx.in_group:
                return Outcome()
            if reply_to is not None and await ctx.repo.prompt(ctx.chat.id, reply_to) is None:
                return Outcome()
            return Outcome().say(ctx.t._(
                "I can only keep typed text as an answer. Could you write it in words, "
                "as a reply to the question?"))
        return await self._handle(update_id, ref, actor, None, work)

    def inline(self, query: str, language_code: str | None) -> list[InlineTip]:
        """Inline results (`@bot fondsen` in any chat): tips only, never a group's data."""
        return inline(self, query, pick_language(language_code, self.language))

    async def sent_many(self, shown: list[tuple[int, Reply, int]]) -> None:
        """The adapter showed these replies as (chat id, reply, message id): remember
        the questions among them, in one transaction."""
        questions = [(c, r, m) for c, r, m in shown if r.prompt is not None and r.edit is None]
        if not questions:
            return
        async with self.repo.transaction():
            for chat_id, reply, message_id in questions:
                run_id, step = reply.prompt
                await self.repo.add_prompt(chat_id, message_id, run_id, step, self.clock.now(),
                                           reply.asks)
                for feature in self.router.features:
                    await feature.shown(chat_id, reply, message_id)
                if step.startswith("checkin:"):
                    await self.repo.set_checkin_message(int(step.split(":")[1]), message_id)
                if step.startswith("scan:"):
                    await self.repo.set_scan_message(int(step.split(":")[1]), message_id)

    async def tick(self) -> AsyncIterator[tuple[int, Outcome]]:
        """What the schedules ask for now: (chat id, what to show), one chat at a time as
        soon as it is ready, so the adapter can send while the rest is prepared."""
        now = self.clock.now()
        if "checkin" not in self.router.commands:  # until the check-ins are a feature
            async for item in self.checkins.due(self.repo, now):
                yield item
        for feature in self.router.features:
            async for item in feature.due(now):
                yield item
        for item in await self._expire(now):
            yield item

    async def _expire(self, now) -> list[tuple[int, Outcome]]:
        """Chats unused for RETENTION_DAYS are deleted, after a warning a month before.
        Update ids are kept a week (Telegram redelivers for a day at most), pruned hourly."""
        if self._pruned is None or now - self._pruned >= timedelta(hours=1):
            async with self.repo.transaction():
                await self.repo.forget_updates(before=now - timedelta(days=7))
            self._pruned = now
        work = []
        for chat_id, last_active, warned in await self.repo.stale_chats(
                now - self.retention + timedelta(days=30)):
            async with self.repo.transaction():
                if datetime.fromisoformat(last_active) < now - self.retention:
                    await self.repo.forget_chat(chat_id)
                    log.info("chat %s unused for %s days: its data is deleted", chat_id,
                             self.retention.days)
                elif warned is None:
                    await self.repo.set_retention_warned(chat_id, now)
                    chat = await self.repo.chat(chat_id)
                    t = self.texts(chat.language)
                    when = datetime.fromisoformat(last_active) + self.retention
                    work.append((chat_id, Outcome().say(t._(
                        "👋 Nobody has used me here for a long time. To keep no data longer "
                        "than needed, I will delete everything of this chat on {date}. To keep "
                        "it, just send a command, for example /status.",
                        date=t.date(when.date())))))
        return work

    def texts(self, language: str) -> Texts:
        return texts(language, self.locales)

    async def language_of(self, chat_id: int) -> str:
        chat = await self.repo.chat(chat_id)
        return chat.language if chat else self.language

    async def error_text(self, chat_id: int | None) -> str:
        language = await self.language_of(chat_id) if chat_id is not None else self.language
        return self.texts(language)._(
            "😕 Sorry, something went wrong on my side. Your earlier answers are safe; "
            "please try again in a moment.")

    async def migrate(self, old: int, new: int) -> None:
        """The group was upgraded to a supergroup: move everything to the new id."""
        async with self.repo.transaction():
            if await self.repo.migrate_chat(old, new):
                log.info("chat %s moved to %s (supergroup)", old, new)

    async def set_active(self, chat_id: int, active: bool) -> None:
        async with self.repo.transaction():
            if await self.repo.chat(chat_id):
                await self.repo.set_active(chat_id, active)

    # -- plain text ---------------------------------------------------------------

    async def _text(self, ctx: Ctx, text: str, reply_to: int | None) -> Outcome:
        if reply_to is not None:
            prompt, run = await ctx.repo.prompt_and_run(ctx.chat.id, reply_to)
            if prompt is not None and prompt.kind in self.router.prompts:
                outcome = await self.router.reply(ctx, prompt, text)
                if outcome is not None:
                    return outcome
            if prompt is not None and prompt.step.startswith("scan:"):
                return await self.scans.remark(ctx, int(prompt.step.split(":")[1]), text)
            if prompt is not None and prompt.step.startswith("checkin:"):
                return await self.checkins.reply(ctx, int(prompt.step.split(":")[1]), text)
        if ctx.in_group:
            # Ordinary chatter, or a reply to something that is not a question: not ours.
            return Outcome()
        if (more := await self.dialog.typed.continuation(ctx, text)) is not None:
            return more
        run = await self.dialog.active_run(ctx)
        if run is not None:
            return await self.dialog.typed.reply(ctx, run, run.state, text, ctx.message_id)
        return Outcome().say(ctx.t._("Send /process to start, or /help to see what I can do."))


__all__ = ["LANGUAGES", "Actor", "ChatRef", "Service"]
