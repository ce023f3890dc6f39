"""Start and stop the bot on Telegram (long polling), with its store and service."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application

from bot import compose
from bot.adapters.telegram import webhook
from bot.adapters.telegram.app import build, register_commands, run_schedules
from bot.adapters.telegram.updates import UpdateLoop
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.ports import Store
from bot.service import Service
from bot.store import open_store

log = logging.getLogger(__name__)


@dataclass
class Running:
    app: Application
    repo: Store
    service: Service
    updates: UpdateLoop | None = None
    server: object | None = None  # the webhook's HTTP server

    @property
    def port(self) -> int | None:
        """The webhook server's port (useful when it was started on port 0)."""
        if self.server is None:
            return None
        return next(iter(self.server._sockets.values())).getsockname()[1]

    async def tick(self) -> int:
        """Run the check-in schedules once now (the job does this every 30 s)."""
        return await run_schedules(self.app)

    async def stop(self) -> None:
        if self.updates is not None:
            await self.updates.stop()
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.repo.close()


async def _launch(settings: Settings, clock: Clock | None, rate_limiter,
                  tick_seconds: float | None, receive, wait: float = 300.0) -> Running:
    """Store, service and application up; `receive` starts taking updates in. `wait`: how
    long a unit of work waits for a database server that went away."""
    repo = await open_store(settings.database, settings.data_key, wait=wait)
    app = None
    try:
        service = compose.from_settings(repo, settings, clock or Clock())
        app = build(settings, service, rate_limiter, tick_seconds)
        await app.initialize()
        await register_commands(app)
        await app.start()
        # Everything loaded so far (catalogs, flows, tip index, PTB) lives as long as the
        # process; frozen, the collector stops walking it on every full collection, which
        # took 40-50 ms and set the p99 of whatever update was unlucky.
        gc.collect()
        gc.freeze()
        running = Running(app, repo, service)
        await receive(running)
    except BaseException:
        if app is not None:  # PTB leaves its clients open when initialize() fails
            for client in app.bot_data["http"]:
                await client.shutdown()
        await repo.close()
        raise
    return running


async def start(settings: Settings, clock: Clock | None = None, *,
                poll_timeout: int = 30, rate_limiter=None,
                tick_seconds: float | None = 30, backoff: float = 1.0) -> Running:
    """Long polling, through our own commit-then-confirm loop."""
    async def receive(running: Running) -> None:
        running.updates = UpdateLoop(running.app, timeout=poll_timeout, backoff=backoff)
        await running.updates.start()

    return await _launch(settings, clock, rate_limiter, tick_seconds, receive)


WEBHOOK_WAIT = 10.0  # seconds


async def start_webhook(settings: Settings, clock: Clock | None = None, *, rate_limiter=None,
                        tick_seconds: float | None = 30, host: str = "0.0.0.0") -> Running:
    """Webhook mode: Telegram posts updates to WEBHOOK_URL/telegram on PORT."""
    async def receive(running: Running) -> None:
        running.server = webhook.listen(running.app, settings.webhook_secret, settings.port,
                                        host)
        await running.app.bot.set_webhook(settings.webhook_url + webhook.PATH,
                                          secret_token=settings.webhook_secret,
                                          allowed_updates=Update.ALL_TYPES)

    # Telegram keeps a webhook request open while we wait, and it has only so many: when
    # the database does not answer within a few seconds, 503 at once (Telegram posts the
    # update again later, to this worker or another) rather than minutes of waiting.
    return await _launch(settings, clock, rate_limiter, tick_seconds, receive,
                         wait=WEBHOOK_WAIT)


async def serve(settings: Settings, mode: str = "run") -> None:
    """Run until SIGINT or SIGTERM."""
    running = await (start_webhook(settings) if mode == "webhook" else start(settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("running on Telegram; press Ctrl-C to stop")
    stopping = asyncio.create_task(stop.wait())
    watched = [stopping] + ([running.updates.task] if running.updates else [])
    try:
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        loop_task = running.updates.task if running.updates else None
        if loop_task is not None and loop_task.done() and loop_task.exception():
            raise loop_task.exception()
    finally:
        stopping.cancel()
        await running.stop()
        log.info("stopped")
