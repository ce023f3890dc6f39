"""The bot's front door: every adapter (Telegram, console, tests) calls these methods.

Each call is one unit of work: a transaction of its own, or, when the adapter passes
`within=` the unit of its batch, part of that batch (which commits as a whole). The
effects of an update, and its update id, are committed before the adapter shows anything,
so an acknowledged answer is never lost and a redelivered update changes nothing. What
an update means is the features' business: the router hands it on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

from bot.core.clock import Clock
from bot.core.context import Actor, ChatRef, Ctx
from bot.core.i18n import Texts, pick_language, texts
from bot.core.outcome import Outcome, Reply
from bot.core.paths import LOCALES
from bot.core.ports import AdminCheck, Store
from bot.features.process import Process
from bot.features.tips import InlineTip, Tips
from bot.router import Router

log = logging.getLogger(__name__)


async def _everyone_is_admin(chat_id: int, user_id: int) -> bool:
    return True


class Service:
    def __init__(self, repo: Store, clock: Clock, router: Router, *, process: Process,
                 tips: Tips, language: str = "nl", timezone: str = "Europe/Amsterdam",
                 locales: Path = LOCALES) -> None:
        self.repo = repo
        self.clock = clock
        self.router = router
        self.process = process
        self.tips = tips
        self.language = language
        self.timezone = timezone
        self.locales = locales
        self.is_admin: AdminCheck = _everyone_is_admin  # the adapter sets its own

    async def _ctx(self, unit: Store, ref: ChatRef, actor: Actor,
                   message_id: int | None) -> Ctx:
        now = self.clock.now()
        language = pick_language(actor.language_code, self.language) if ref.type == "private" \
            else self.language
        chat = await unit.ensure_chat(ref.id, ref.type, ref.title, language, self.timezone, now)
        member = await unit.ensure_member(ref.id, actor.user_id, actor.name,
                                          actor.anonymous_admin, now)
        return Ctx(unit, chat, ref, actor, member, self.texts(chat.language), message_id,
                   lambda chat_id, user_id: self.is_admin(chat_id, user_id), now)

    async def _handle(self, update_id: int | None, ref: ChatRef, actor: Actor,
                      message_id: int | None, work, within: Store | None) -> Outcome:
        async with (within or self.repo).transaction() as unit:
            if update_id is not None and not await unit.mark_update(update_id,
                                                                    self.clock.now()):
                log.info("update %s was handled before; ignored", update_id)
                return Outcome()
            ctx = await self._ctx(unit, ref, actor, message_id)
            return await work(ctx)

    # -- what adapters call -------------------------------------------------------

    async def command(self, ref: ChatRef, actor: Actor, name: str, args: str, *,
                      update_id: int | None = None, message_id: int | None = None,
                      within: Store | None = None) -> Outcome:
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: self.router.command(ctx, name, args), within)

    async def button(self, ref: ChatRef, actor: Actor, data: str, *, message_id: int | None,
                     update_id: int | None = None, within: Store | None = None) -> Outcome:
        return await self._handle(update_id, ref, actor, None,
                                  lambda ctx: self.router.press(ctx, data, message_id), within)

    async def text(self, ref: ChatRef, actor: Actor, text: str, *, reply_to: int | None,
                   update_id: int | None = None, message_id: int | None = None,
                   within: Store | None = None) -> Outcome:
        """A text that is not a command: an answer when it replies to a question."""
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: self._text(ctx, text, reply_to), within)

    async def edited(self, ref: ChatRef, actor: Actor, text: str, *, message_id: int,
                     update_id: int | None = None, within: Store | None = None) -> Outcome:
        """A member edited a message: if it carried their answer, the answer follows."""
        return await self._handle(update_id, ref, actor, message_id,
                                  lambda ctx: self.process.edited(ctx, text), within)

    async def other(self, ref: ChatRef, actor: Actor, *, reply_to: int | None,
                    update_id: int | None = None, within: Store | None = None) -> Outcome:
        """A sticker, photo, voice note… where we may have expected text."""
        async def work(ctx: Ctx) -> Outcome:
            if reply_to is None and ctx.in_group:
                return Outcome()
            if reply_to is not None and await ctx.repo.prompt(ctx.chat.id, reply_to) is None:
                return Outcome()
            return Outcome().say(ctx.t._(
                "I can only keep typed text as an answer. Could you write it in words, "
                "as a reply to the question?"))
        return await self._handle(update_id, ref, actor, None, work, within)

    def inline(self, query: str, language_code: str | None, offset: str = "") -> tuple[
            list[InlineTip], str]:
        """Inline results (`@bot fondsen` in any chat): tips only, never a group's data; one
        page from `offset`, and the next page's offset ("" after the last)."""
        return self.tips.inline_page(query, pick_language(language_code, self.language),
                                     offset)

    async def sent_many(self, shown: list[tuple[int, Reply, int]]) -> None:
        """The adapter showed these replies as (chat id, reply, message id): remember
        the questions among them, in one transaction."""
        questions = [(c, r, m) for c, r, m in shown if r.prompt is not None and r.edit is None]
        if not questions:
            return
        async with self.repo.transaction() as unit:
            for chat_id, reply, message_id in questions:
                run_id, step = reply.prompt
                await unit.add_prompt(chat_id, message_id, run_id, step, self.clock.now(),
                                           reply.asks, reply.ref)
                for feature in self.router.features:
                    await feature.shown(unit, chat_id, reply, message_id)

    async def tick(self) -> AsyncIterator[tuple[int, Outcome]]:
        """What the clock asks for now: (chat id, what to show), one chat at a time as
        soon as it is ready, so the adapter can send while the rest is prepared."""
        now = self.clock.now()
        for feature in self.router.features:
            async for item in feature.due(now):
                yield item

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

    async def migrate(self, old: int, new: int, *, within: Store | None = None) -> None:
        """The group was upgraded to a supergroup: move everything to the new id."""
        async with (within or self.repo).transaction() as unit:
            if await unit.migrate_chat(old, new):
                log.info("chat %s moved to %s (supergroup)", old, new)

    async def set_active(self, chat_id: int, active: bool, *,
                         within: Store | None = None) -> None:
        async with (within or self.repo).transaction() as unit:
            if await unit.chat(chat_id):
                await unit.set_active(chat_id, active)

    async def _text(self, ctx: Ctx, text: str, reply_to: int | None) -> Outcome:
        if reply_to is not None:
            prompt, run = await ctx.repo.prompt_and_run(ctx.chat.id, reply_to)
            prompt = replace(prompt, run=run) if prompt is not None else None
            if prompt is not None and (outcome := await self.router.reply(ctx, prompt, text)):
                return outcome
        if ctx.in_group:
            # Ordinary chatter, or a reply to something that is not a question: not ours.
            return Outcome()
        return await self.process.plain(ctx, text)
