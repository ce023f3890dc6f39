"""The Telegram adapter: builds the PTB Application and turns updates into Service calls.

Thin on purpose: it only translates between Telegram's objects and the domain's.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    Chat,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.adapters.telegram import batch
from bot.adapters.telegram.limiter import GroupPaces, Pace, ResilientLimiter
from bot.adapters.telegram.render import show
from bot.config import Settings
from bot.core.context import Actor, ChatRef
from bot.core.i18n import LANGUAGES
from bot.core.outcome import Outcome, Reply
from bot.domain.commands import menu
from bot.domain.service import Service

log = logging.getLogger(__name__)

ANONYMOUS_ADMIN_BOT = 1087968824  # Telegram's GroupAnonymousBot
ADMIN_CACHE_SECONDS = 300
POOL = 8


def build(settings: Settings, service: Service, rate_limiter: ResilientLimiter | None = None,
          tick_seconds: float | None = 30) -> Application:
    """The whole wiring in one place."""
    # Telegram allows about 30 messages a second overall and 20 a minute per group; the
    # limiter keeps under both and waits out a 429. Off only against a local Bot API
    # server (benchmarks): Telegram itself needs it.
    if rate_limiter is None:
        rate_limiter = ResilientLimiter(max_retries=3, overall_max_rate=0, group_max_rate=0,
                                        pace=Pace(), groups=GroupPaces()) \
            if settings.rate_limit \
            else ResilientLimiter(max_retries=3, overall_max_rate=0, group_max_rate=0)
    app = (
        ApplicationBuilder()
        .token(settings.token or "")
        .updater(None)  # our own loop confirms updates only after they are committed
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .rate_limiter(rate_limiter)
        # httpcore checks every pooled connection on each request, so PTB's default of
        # 256 connections costs more CPU than it saves; 8 keep up with Telegram's pace.
        .connection_pool_size(POOL)
        .pool_timeout(10)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .build()
    )
    app.bot_data["service"] = service
    app.bot_data["admins"] = {}
    app.bot_data["tick_lock"] = asyncio.Lock()
    if tick_seconds:
        app.job_queue.run_repeating(on_tick, interval=tick_seconds, first=1, name="checkins")
    service.is_admin = lambda chat_id, user_id: _is_admin(app, chat_id, user_id)

    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    app.add_handler(MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, on_command))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_handler(MessageHandler(
        filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text))
    app.add_handler(MessageHandler(
        filters.UpdateType.EDITED_MESSAGE & filters.TEXT & ~filters.COMMAND, on_edit))
    app.add_handler(MessageHandler(
        (filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.VIDEO | filters.AUDIO
         | filters.Document.ALL | filters.ANIMATION | filters.VIDEO_NOTE | filters.LOCATION)
        & ~filters.UpdateType.EDITED, on_other))
    app.add_error_handler(on_error)
    return app


async def register_commands(app: Application) -> None:
    """The command menu, per language, as Telegram's clients show it."""
    service: Service = app.bot_data["service"]
    service.bot_username = app.bot.username or ""
    for language in LANGUAGES:
        commands = [BotCommand(name, description) for name, description in menu(language)]
        await app.bot.set_my_commands(commands, language_code=language)
    default = [BotCommand(n, d) for n, d in menu(service.language)]
    await app.bot.set_my_commands(default, scope=BotCommandScopeDefault())
    log.info("bot @%s ready; command menus set for %s", app.bot.username, ", ".join(LANGUAGES))


# -- translating Telegram's objects -------------------------------------------------


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(chat.id, chat.type, chat.title or chat.full_name or "")


def actor(message: Message | None, update: Update) -> Actor:
    if message is not None and message.sender_chat is not None:
        # An anonymous admin posts as the group itself.
        anonymous = message.sender_chat.id == message.chat.id
        return Actor(message.sender_chat.id, message.sender_chat.title or "Admin",
                     None, anonymous_admin=anonymous)
    user = update.effective_user
    return Actor(user.id, user.full_name, user.language_code)


async def _is_admin(app: Application, chat_id: int, user_id: int) -> bool:
    cache: dict = app.bot_data["admins"]
    hit = cache.get((chat_id, user_id))
    if hit and hit[1] > time.monotonic():
        return hit[0]
    try:
        member = await app.bot.get_chat_member(chat_id, user_id)
        ok = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
    except TelegramError:
        log.warning("could not check admin status in chat %s", chat_id)
        ok = False
    cache[(chat_id, user_id)] = (ok, time.monotonic() + ADMIN_CACHE_SECONDS)
    return ok


def _ignored(message: Message) -> bool:
    """Messages from other bots and from channels are not for us."""
    if message.from_user and message.from_user.is_bot and \
            message.from_user.id != ANONYMOUS_ADMIN_BOT:
        return True
    return message.sender_chat is not None and message.sender_chat.id != message.chat.id


async def deliver(context: ContextTypes.DEFAULT_TYPE, chat: Chat, outcome: Outcome,
                  thread_id: int | None) -> None:
    """Show the outcome once the update's batch is committed."""
    if not outcome.replies:
        return
    bot, service, shown = context.bot, context.bot_data["service"], batch.shown(chat.id)
    await batch.after_commit(chat.id, lambda: send_all(bot, service, chat.id, outcome,
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


async def run_schedules(app: Application) -> int:
    """One tick of the check-in schedules; chats are served side by side, each in order.

    Returns how many chats got something. A chat whose messages fail (network, repeated
    429) keeps its round unsent; the next tick tries again.
    """
    service: Service = app.bot_data["service"]
    lock: asyncio.Lock = app.bot_data["tick_lock"]
    if lock.locked():
        return 0
    async with lock:
        chats, sending = [], []
        async for chat_id, outcome in service.tick():
            chats.append(chat_id)
            sending.append(asyncio.create_task(send_all(app.bot, service, chat_id, outcome)))
        results = await asyncio.gather(*sending, return_exceptions=True)
        for chat_id, result in zip(chats, results, strict=True):
            if isinstance(result, Exception):
                log.warning("check-in for chat %s not delivered yet: %s", chat_id, result)
        return len(chats)


async def on_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_schedules(context.application)


def _thread(message: Message | None) -> int | None:
    return message.message_thread_id if message is not None and message.is_topic_message else None


# -- handlers -------------------------------------------------------------------------


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command, also as /command@ThisBot; commands for other bots are ignored."""
    message = update.effective_message
    if message is None or message.text is None or _ignored(message):
        return
    entity = message.entities[0] if message.entities else None
    if entity is None or entity.type != "bot_command" or entity.offset != 0:
        return
    name, _, target = message.text[1:entity.length].partition("@")
    args = message.text[entity.length:]
    if target and target.lower() != (context.bot.username or "").lower():
        return
    service: Service = context.bot_data["service"]
    outcome = await service.command(chat_ref(message.chat), actor(message, update), name, args,
                                    update_id=update.update_id, message_id=message.message_id)
    await deliver(context, message.chat, outcome, _thread(message))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    service: Service = context.bot_data["service"]
    message = query.message if isinstance(query.message, Message) else None
    if message is None or not query.data:
        await query.answer()
        return
    outcome = await service.button(
        chat_ref(message.chat), Actor(query.from_user.id, query.from_user.full_name,
                                      query.from_user.language_code),
        query.data, message_id=message.message_id, update_id=update.update_id)

    async def answer() -> None:
        try:
            await query.answer(outcome.toast[:200] if outcome.toast else None,
                               show_alert=outcome.alert)
        except BadRequest as exc:  # answered before this update was redelivered, or late
            log.info("callback query not answered: %s", exc.message)

    await batch.after_commit(message.chat.id, answer, in_turn=False)
    await deliver(context, message.chat, outcome, _thread(message))


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot fondsen` in any chat: matching tips from the library."""
    query = update.inline_query
    service: Service = context.bot_data["service"]
    results = [
        InlineQueryResultArticle(
            id=tip.id, title=tip.title, description=tip.description,
            input_message_content=InputTextMessageContent(tip.html, parse_mode="HTML"))
        for tip in service.inline(query.query, query.from_user.language_code)
    ]
    await query.answer(results, cache_time=300, is_personal=False)


def _for_us(message: Message | None, bot_id: int) -> tuple[bool, int | None]:
    """Whether a plain message is ours to read, and which of our messages it replies to.
    In a group only replies to the bot count: ordinary chatter is never looked at."""
    if message is None or _ignored(message):
        return False, None
    reply_to = message.reply_to_message
    mine = reply_to is not None and reply_to.from_user is not None and \
        reply_to.from_user.id == bot_id
    return mine or message.chat.type == ChatType.PRIVATE, reply_to.message_id if mine else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    ours, reply_to = _for_us(message, context.bot.id)
    if not ours:
        return
    service: Service = context.bot_data["service"]
    outcome = await service.text(chat_ref(message.chat), actor(message, update), message.text,
                                 reply_to=reply_to, update_id=update.update_id,
                                 message_id=message.message_id)
    await deliver(context, message.chat, outcome, _thread(message))


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: when it carried an answer, the stored answer follows the edit."""
    message = update.edited_message
    ours, _ = _for_us(message, context.bot.id)
    if not ours or message.text is None:
        return
    service: Service = context.bot_data["service"]
    outcome = await service.edited(chat_ref(message.chat), actor(message, update), message.text,
                                   message_id=message.message_id, update_id=update.update_id)
    await deliver(context, message.chat, outcome, _thread(message))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    ours, reply_to = _for_us(message, context.bot.id)
    if not ours:
        return
    service: Service = context.bot_data["service"]
    outcome = await service.other(chat_ref(message.chat), actor(message, update),
                                  reply_to=reply_to, update_id=update.update_id)
    await deliver(context, message.chat, outcome, _thread(message))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upgraded to a supergroup: Telegram says so in both chats; either moves the data."""
    message = update.effective_message
    service: Service = context.bot_data["service"]
    if message.migrate_to_chat_id:
        await service.migrate(message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await service.migrate(message.migrate_from_chat_id, message.chat.id)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group: say hello. Removed or blocked: stop talking, keep the data."""
    change = update.my_chat_member
    service: Service = context.bot_data["service"]
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await service.set_active(change.chat.id, False)
        return
    was = change.old_chat_member.status
    if was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        await service.set_active(change.chat.id, True)
        if change.chat.type != ChatType.PRIVATE:
            user = change.from_user
            outcome = await service.command(
                chat_ref(change.chat), Actor(user.id, user.full_name, user.language_code),
                "start", "", update_id=update.update_id)
            await deliver(context, change.chat, outcome, None)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log it, tell the chat kindly, and carry on with the next update."""
    if batch.failed():
        return  # its batch is rolled back and redone one update at a time
    log.error("error while handling an update: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.callback_query is not None:
        try:  # stop the button's spinner on the user's phone
            await update.callback_query.answer()
        except TelegramError:
            pass
    if isinstance(update, Update) and update.effective_chat is not None:
        service: Service = context.bot_data["service"]
        try:
            text = await service.error_text(update.effective_chat.id)
            await context.bot.send_message(update.effective_chat.id, text)
        except Exception:  # the chat may be unreachable; the log already says why
            log.warning("could not tell chat %s about the error", update.effective_chat.id)
