"""Showing an outcome in a chat: after its batch is committed, in order; a chat that shut
the bot out is marked inactive."""


from __future__ import annotations

import logging

from telegram import (
    Chat,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import (
    ContextTypes,
)

from bot.adapters.telegram import batch
from bot.adapters.telegram.render import show
from bot.core.outcome import Outcome, Reply
from bot.service import Service

log = logging.getLogger(__name__)


async def deliver(context: ContextTypes.DEFAULT_TYPE, work: batch.Batch | None, chat: Chat,
                  outcome: Outcome, thread_id: int | None) -> None:
    """Show the outcome once the update's batch (`work`) is committed."""
    if not outcome.replies:
        return
    bot, service, shown = context.bot, context.bot_data["service"], batch.shown(work, chat.id)
    await batch.after_commit(work, chat.id, lambda: send_all(bot, service, chat.id, outcome,
                                                             thread_id, shown))


async def send_all(bot, service: Service, chat_id: int, outcome: Outcome,
                   thread_id: int | None = None,
                   shown: list[tuple[int, Reply, int]] | None = None) -> None:
    """Show an outcome's replies in order. A chat that shut us out is marked inactive.
    Questions sent are remembered at once, or added to `shown` to remember together."""
    for reply in outcome.replies:
        try:
            try:
                sent = await show(bot, chat_id, reply, thread_id)
            except ChatMigrated as moved:
                await service.migrate(chat_id, moved.new_chat_id)
                chat_id, thread_id = moved.new_chat_id, None
                sent = await show(bot, chat_id, reply, thread_id)
        except (Forbidden, BadRequest) as exc:
            # 403: removed or blocked; 400 "chat not found": the chat no longer exists.
            if isinstance(exc, BadRequest) and "chat not found" not in exc.message.lower():
                raise
            log.info("chat %s no longer reachable (%s); marked inactive", chat_id, exc.message)
            await service.set_active(chat_id, False)
            return
        if sent is None:
            continue
        if shown is not None:
            shown.append((chat_id, reply, sent.message_id))
        else:
            await service.sent_many([(chat_id, reply, sent.message_id)])
