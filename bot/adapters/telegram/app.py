"""The Telegram adapter's wiring: builds the PTB Application (handlers in one block),
registers the command menus, and runs the schedules' tick."""


from __future__ import annotations

import asyncio
import logging
import time

from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    LinkPreviewOptions,
)
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
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

from bot.adapters.telegram.delivery import send_all
from bot.adapters.telegram.handlers import (
    on_button,
    on_command,
    on_edit,
    on_error,
    on_inline,
    on_migrate,
    on_my_chat_member,
    on_other,
    on_text,
)
from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.limiter import GroupPaces, Pace, ResilientLimiter
from bot.config import Settings
from bot.core.i18n import LANGUAGES
from bot.service import Service

log = logging.getLogger(__name__)

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
    http = (AiohttpRequest(POOL), AiohttpRequest(1))
    app = (
        ApplicationBuilder()
        .token(settings.token or "")
        .updater(None)  # our own loop confirms updates only after they are committed
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .rate_limiter(rate_limiter)
        # aiohttp instead of PTB's httpx (http.py says why); 8 pooled connections keep up
        # with Telegram's pace, and long polling has its own so it never waits for one.
        .request(http[0])
        .get_updates_request(http[1])
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .build()
    )
    app.bot_data["service"] = service
    app.bot_data["http"] = http  # closed by the runner also when start-up fails
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
    for language in LANGUAGES:
        commands = [BotCommand(name, description) for name, description in
                    service.router.menu(language)]
        await app.bot.set_my_commands(commands, language_code=language)
    default = [BotCommand(n, d) for n, d in service.router.menu(service.language)]
    await app.bot.set_my_commands(default, scope=BotCommandScopeDefault())
    log.info("bot @%s ready; command menus set for %s", app.bot.username, ", ".join(LANGUAGES))


# -- translating Telegram's objects -------------------------------------------------


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


# Chats of one tick being sent to at once. Telegram takes ~30 messages a second, so this
# keeps the limiter busy for three seconds; more would only hold prepared messages in
# memory (10,000 of them took 250 MB).
IN_FLIGHT = 100


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
        window = asyncio.Semaphore(IN_FLIGHT)
        sending: set[asyncio.Task] = set()

        async def deliver(chat_id: int, outcome) -> None:
            try:
                await send_all(app.bot, service, chat_id, outcome)
            except Exception as exc:
                log.warning("check-in for chat %s not delivered yet: %s", chat_id, exc)
            finally:
                window.release()

        chats = 0
        async for chat_id, outcome in service.tick():
            await window.acquire()  # the next chat's message is made once one is out
            chats += 1
            task = asyncio.create_task(deliver(chat_id, outcome))
            sending.add(task)
            task.add_done_callback(sending.discard)
        if sending:
            await asyncio.gather(*sending)
        return chats


async def on_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_schedules(context.application)
