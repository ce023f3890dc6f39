"""Updates in, confirmed only after their effects are committed.

PTB's own polling confirms an update to Telegram as soon as it has fetched it, so a
crash loses whatever was fetched but not handled yet. This loop asks for the next batch
(which is what confirms the previous one) only when the batch has been handled: its
effects and update ids committed together (batch.py). A redelivered update is
recognised by its id and changes nothing.

Each chat has its own outbox: a batch's replies go out, in order, while the next batch is
fetched and handled, so a slow or throttled chat (Telegram allows 20 messages a minute
in a group) holds up nobody else. Only a reply to one of the bot's messages waits until
its chat's replies are out and their questions remembered, so that it finds its
question; a button press is handled and answered at once.

When the database cannot be reached (`handle` raises), the batch is not confirmed: the
loop waits (the same back-off as for Telegram's errors) and asks again from the same
offset, so Telegram hands it the same updates until they are committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.adapters.telegram.batch import (
    Action,
    acknowledge,
    chat_key,
    deliver,
    handle,
    waits_for_questions,
)
from bot.store.postgres.url import unavailable

log = logging.getLogger(__name__)

# Updates per batch: one getUpdates and one commit each. Replies wait for the commit, so
# larger batches trade latency for throughput (bench/run.py: 10 a batch put the mixed
# run's p99 at 60-80 ms, 6 keeps it under 50 ms at the same throughput).
BATCH = 6


class UpdateLoop:
    def __init__(self, app: Application, *, timeout: int = 30, backoff: float = 1.0,
                 max_backoff: float = 30.0, limit: int = BATCH) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.offset: int | None = None
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()
        self._polling = False  # waiting for Telegram, not handling a batch
        self._outbox: dict[int | str, asyncio.Task] = {}  # per chat: replies going out
        self._acks: set[asyncio.Task] = set()  # button answers going out

    @property
    def task(self) -> asyncio.Task | None:
        return self._task

    async def start(self) -> None:
        await self.app.bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._run(), name="update loop")

    async def stop(self) -> None:
        """Finish the batch in hand, then confirm it, so a clean stop redelivers nothing."""
        self._stopping.set()
        if self._task is not None:
            if self._polling:
                self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:  # already reported by whoever watched the task
                pass
            self._task = None
        if self.offset is not None:
            try:
                await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)
            except TelegramError:
                pass  # not confirmed: the next start gets them again and skips them

    async def _run(self) -> None:
        try:
            await self._poll()
        finally:
            await asyncio.gather(*self._outbox.values(), *self._acks)

    async def _poll(self) -> None:
        failures = 0
        outages = 0  # batches in a row the database was not there for
        while not self._stopping.is_set():
            try:
                self._polling = True
                updates = await self.app.bot.get_updates(
                    offset=self.offset, timeout=self.timeout, limit=self.limit,
                    allowed_updates=Update.ALL_TYPES,
                    read_timeout=self.timeout + 10)
                failures = 0
            except InvalidToken:
                raise  # nothing will work: let the program stop and say so
            except Conflict:
                failures += 1
                delay = min(self.backoff * 2 ** (failures - 1), self.max_backoff)
                log.error("another instance of this bot is asking Telegram for updates; "
                          "stop it (or its webhook). Trying again in %.0f s", delay)
                await asyncio.sleep(delay)
                continue
            except RetryAfter as exc:
                await asyncio.sleep(exc.retry_after.total_seconds() if hasattr(
                    exc.retry_after, "total_seconds") else float(exc.retry_after))
                continue
            except (NetworkError, TelegramError) as exc:
                failures += 1
                delay = min(self.backoff * 2 ** (failures - 1), self.max_backoff)
                log.warning("getUpdates failed (%s); trying again in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            finally:
                self._polling = False
            if not updates:
                continue
            try:
                await self._handle(updates)
                outages = 0
            except Exception as exc:
                if not unavailable(exc):
                    raise
                outages += 1
                delay = min(self.backoff * 2 ** (outages - 1), self.max_backoff)
                log.warning("the database is out of reach (%s); %d updates not confirmed, "
                            "asking for them again in %.1f s", exc, len(updates), delay)
                await self._pause(delay)

    async def _pause(self, seconds: float) -> None:
        """Wait, unless the loop is told to stop meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle(self, updates: list[Update]) -> None:
        busy = {chat: task for chat in {chat_key(u) for u in updates if waits_for_questions(u)}
                if (task := self._outbox.get(chat)) is not None and not task.done()}
        # A chat with a reply waiting for its questions goes after its outbox (all of its
        # updates, to keep their order); the other chats first.
        ready = [u for u in updates if chat_key(u) not in busy]
        if ready:
            await self._commit(ready)
        if busy:
            await asyncio.wait(busy.values())
            await self._commit([u for u in updates if chat_key(u) in busy])
        # Asking from here on is what confirms this batch to Telegram.
        self.offset = updates[-1].update_id + 1
        self._outbox = {c: task for c, task in self._outbox.items() if not task.done()}

    async def _commit(self, updates: list[Update]) -> None:
        for batch in await handle(self.app, updates):
            if batch.at_once:
                self._acks.add(task := asyncio.create_task(acknowledge(batch)))
                task.add_done_callback(self._acks.discard)
            for chat, actions in batch.later.items():
                self._send(chat, actions, batch.shown[chat])

    def _send(self, chat: int | str, actions: list[Action], shown: list) -> None:
        before = self._outbox.get(chat)

        async def in_turn() -> None:
            if before is not None:
                await before
            await deliver(self.app, chat, actions, shown)

        self._outbox[chat] = asyncio.create_task(in_turn(), name=f"replies to {chat}")
