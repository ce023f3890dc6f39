"""Start and stop the bot on Telegram (long polling), with its store and service."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass

from telegram.ext import Application

from bot.adapters.telegram.app import build, register_commands, run_schedules
from bot.adapters.telegram.updates import UpdateLoop
from bot.clock import Clock
from bot.config import Settings
from bot.domain.service import Service
from bot.store.repo import Repo

log = logging.getLogger(__name__)


@dataclass
class Running:
    app: Application
    repo: Repo
    service: Service
    updates: UpdateLoop | None = None

    async def tick(self) -> int:
        """Run the check-in schedules once now (the job does this every 30 s)."""
        return await run_schedules(self.app)

    async def stop(self) -> None:
        if self.updates is not None:
            await self.updates.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.repo.close()


async def start(settings: Settings, clock: Clock | None = None, *,
                poll_timeout: int = 30, rate_limiter=None,
                tick_seconds: float | None = 30, backoff: float = 1.0) -> Running:
    repo = await Repo.open(settings.database_path)
    try:
        service = Service(repo, clock or Clock(), language=settings.language,
                          timezone=settings.timezone, remind_after=settings.remind_after,
                          close_after=settings.close_after)
        app = build(settings, service, rate_limiter, tick_seconds)
        await app.initialize()
        await register_commands(app)
        await app.start()
        updates = UpdateLoop(app, timeout=poll_timeout, backoff=backoff)
        await updates.start()
    except BaseException:
        await repo.close()
        raise
    return Running(app, repo, service, updates)


async def serve(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM."""
    running = await start(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("running on Telegram; press Ctrl-C to stop")
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([stopping, running.updates.task],
                           return_when=asyncio.FIRST_COMPLETED)
        if running.updates.task.done() and running.updates.task.exception():
            raise running.updates.task.exception()
    finally:
        stopping.cancel()
        await running.stop()
        log.info("stopped")
