"""Group commit: a batch of updates is handled in one SQLite transaction, and whatever
the bot says about them goes out only after that transaction is committed.

So an answer is never acknowledged before it is stored, yet a batch of answers costs
one commit, and different chats' statements interleave instead of queueing behind each
other's commits. If any update of the batch fails, nothing of the batch is kept or said: it is
done again one update at a time, so only the failing update gets the apology.

Unless the database could not be reached (a PostgreSQL server restarting, a network
cut): then nobody is told anything and `handle` raises, so that its caller does not
confirm the updates: long polling asks for them again after a pause, a webhook answers
503 and Telegram posts them again. Whatever was done is rolled back, and the update-id
table recognises an update that was committed after all.

A handler finds its update's batch with `of(context, update)` and passes it on: its unit
of work to the service (`within=`), and what to say to `after_commit`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CallbackContext

from bot.core.outcome import Reply
from bot.core.ports import Store
from bot.store.postgres.url import StoreUnavailable, unavailable

log = logging.getLogger(__name__)

Action = Callable[[], Awaitable[object]]


def chat_key(update: Update) -> int | str:
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return f"user {user.id}" if user else f"update {update.update_id}"


class Batch:
    def __init__(self, several: bool) -> None:
        self.several = several
        self.failed = False
        self.unreachable = False  # a handler found the database gone: redo it all later
        self.unit: Store | None = None  # the store's unit of work, while it is open
        self.later: dict[int | str, list[Action]] = defaultdict(list)
        self.at_once: list[Action] = []  # acknowledgements that queue behind no message
        # Per chat: questions sent (chat id, reply, message id), to remember once sent.
        self.shown: dict[int | str, list[tuple[int, Reply, int]]] = defaultdict(list)


def of(context: CallbackContext, update: object) -> Batch | None:
    """The batch this update is handled in (None outside one). Asked by the error handler,
    it notes on the batch whether the error is the database being out of reach."""
    if not isinstance(update, Update):
        return None
    batch = context.bot_data.get(_OPEN, {}).get(update.update_id)
    if batch is not None and context.error is not None and unavailable(context.error):
        batch.unreachable = True
    return batch


_OPEN = "open batches"  # bot_data: update id -> the batch handling it


def within(batch: Batch | None) -> Store | None:
    """The unit of work the service joins for an update of this batch."""
    return batch.unit if batch is not None else None


async def after_commit(batch: Batch | None, chat: int | str, action: Action, *,
                       in_turn: bool = True) -> None:
    """Run `action` once the batch is committed (now, outside a batch): after the chat's
    earlier messages, or, not `in_turn` (a button's answer), as soon as it is committed."""
    if batch is None:
        await action()
    elif in_turn:
        batch.later[chat].append(action)
    else:
        batch.at_once.append(action)


def waits_for_questions(update: Update) -> bool:
    """A reply to one of the bot's messages may answer a question whose message id is
    not remembered yet: it is handled after the chat's replies are out."""
    message = update.effective_message
    return message is not None and message.reply_to_message is not None


def shown(batch: Batch | None, chat: int | str) -> list[tuple[int, Reply, int]] | None:
    """Where the batch collects the questions it sends to `chat` (None outside a batch)."""
    return batch.shown[chat] if batch is not None else None


def failed(batch: Batch | None) -> bool:
    """Called by the error handler: True when there is nothing to report yet: the batch will
    be redone update by update, or (the database out of reach) delivered again later."""
    if batch is None:
        return False
    batch.failed = True
    return batch.several or batch.unreachable


async def handle(app: Application, updates: list[Update]) -> list[Batch]:
    """Handle and commit; returns what is to be said, for `reply`. Raises (nothing kept of
    the batch that was being handled, nothing said) when the database cannot be reached:
    the caller leaves these updates unconfirmed, so that Telegram delivers them again."""
    if len(updates) > 1:
        batch = await _attempt(app, updates, several=True)
        if batch is not None:
            return [batch]
    return [await _attempt(app, [update], several=False) for update in updates]


async def reply(app: Application, batches: list[Batch]) -> None:
    """Say what the committed batches have to say: chats side by side, each in order."""
    for batch in batches:
        await acknowledge(batch)
        await asyncio.gather(*(deliver(app, chat, actions, batch.shown[chat])
                               for chat, actions in batch.later.items()))


async def acknowledge(batch: Batch) -> None:
    """The batch's button answers: they count toward no limit and stop the spinners."""
    results = await asyncio.gather(*(action() for action in batch.at_once),
                                   return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            log.warning("could not answer a button press: %s", result)


async def deliver(app: Application, chat: int | str, actions: list[Action],
                  shown: list[tuple[int, Reply, int]]) -> None:
    """One chat's part of a committed batch: its replies in order, then the questions
    among them remembered (so a reply to one of them finds it)."""
    try:
        for action in actions:
            await action()
    except Exception as exc:
        log.error("could not reply in chat %s: %s", chat, exc, exc_info=exc)
        await _apologise(app, chat)
    if shown:
        try:
            await app.bot_data["service"].sent_many(shown)
        except Exception:  # the messages are out; only replies to them go unrecognised
            log.exception("could not remember %d questions sent", len(shown))


class _Failed(Exception):
    pass


async def _attempt(app: Application, updates: list[Update], *, several: bool) -> Batch | None:
    service = app.bot_data["service"]
    batch = Batch(several)
    open_ = app.bot_data.setdefault(_OPEN, {})
    for update in updates:
        open_[update.update_id] = batch
    try:
        async with service.repo.batch([u.update_id for u in updates],
                                      service.clock.now()) as unit:
            batch.unit = unit
            await _handle(app, updates, batch)
            if batch.failed:
                raise _Failed
    except _Failed:
        if batch.unreachable:
            raise StoreUnavailable("the database went away while handling "
                                   f"{len(updates)} updates") from None
        if several:
            return None
        batch.later.clear()  # rolled back: the error handler has apologised already
    except Exception as exc:
        if unavailable(exc):
            raise  # not confirmed: the same updates come again (module docstring)
        # The store itself failed (disk full, a locked file): nothing was committed.
        log.exception("could not store a batch of %d updates", len(updates))
        if several:
            return None
        batch.later.clear()
        chat = chat_key(updates[0])
        batch.later[chat].append(lambda: _apologise(app, chat))
    finally:
        batch.unit = None
        for update in updates:
            open_.pop(update.update_id, None)
    return batch


async def _handle(app: Application, updates: list[Update], batch: Batch) -> None:
    per_chat: dict[int | str, list[Update]] = defaultdict(list)
    for update in updates:
        per_chat[chat_key(update)].append(update)

    async def in_order(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            if batch.failed:
                return  # it will be redone anyway
            # process_update runs the handlers and, on failure, the error handler.
            await app.process_update(update)

    await asyncio.gather(*(in_order(chat_updates) for chat_updates in per_chat.values()))


async def _apologise(app: Application, chat: int | str) -> None:
    if not isinstance(chat, int):
        return
    try:
        text = await app.bot_data["service"].error_text(chat)
        await app.bot.send_message(chat, text)
    except Exception:  # the chat may be unreachable; the log already says why
        log.warning("could not tell chat %s about the error", chat)
