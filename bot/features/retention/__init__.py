"""Keeping data no longer than needed: a chat unused for the retention period is deleted,
after a warning a month before; update ids are kept a week (Telegram redelivers for a
day at most), pruned at most hourly."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from bot.core.feature import Feature
from bot.core.i18n import Texts
from bot.core.outcome import Outcome
from bot.core.ports import Store

log = logging.getLogger(__name__)


class Retention(Feature):
    def __init__(self, store: Store, texts: Callable[[str], Texts], retention: timedelta) -> None:
        self.store, self.texts, self.retention = store, texts, retention
        self._pruned: datetime | None = None

    async def due(self, now: datetime) -> AsyncIterator[tuple[int, Outcome]]:
        store = self.store
        if self._pruned is None or now - self._pruned >= timedelta(hours=1):
            async with store.transaction() as unit:
                await unit.forget_updates(before=now - timedelta(days=7))
            self._pruned = now
        for chat_id, last_active, warned in await store.stale_chats(
                now - self.retention + timedelta(days=30)):
            async with store.transaction() as unit:
                if last_active < now - self.retention:
                    await unit.forget_chat(chat_id)
                    log.info("chat %s unused for %s days: its data is deleted", chat_id,
                             self.retention.days)
                    continue
                if warned is not None:
                    continue
                await unit.set_retention_warned(chat_id, now)
                chat = await unit.chat(chat_id)
                t = self.texts(chat.language)
                when = last_active + self.retention
                warning = Outcome().say(t._(
                    "👋 Nobody has used me here for a long time. To keep no data longer "
                    "than needed, I will delete everything of this chat on {date}. To keep "
                    "it, just send a command, for example /status.", date=t.date(when.date())))
            yield chat_id, warning
