"""Fixtures: a fake Telegram on loopback and the real bot polling it."""

from __future__ import annotations

import pytest
from fakebot import FakeTelegram
from fakebot.conversation import Group

from bot import config
from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import Running, start
from bot.core.clock import FakeClock


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(fake, tmp_path) -> config.Settings:
    return config.load({
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
    })


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Bot:
    """The real PTB Application, started and restarted like a deployment would."""

    def __init__(self, settings: config.Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.running: Running | None = None
        self.retries = 3  # the rate limiter's own retries after a 429

    async def start(self) -> Running:
        # Telegram's per-group pace (20 a minute) would make tests wait on the wall
        # clock; the limiter still retries after a 429.
        limiter = ResilientLimiter(overall_max_rate=0, group_max_rate=0,
                                   max_retries=self.retries, backoff=0.01)
        self.running = await start(self.settings, self.clock, poll_timeout=10,
                                   rate_limiter=limiter, tick_seconds=None, backoff=0.01)
        return self.running

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()
            self.running = None

    async def restart(self) -> Running:
        await self.stop()
        return await self.start()

    @property
    def repo(self):
        return self.running.repo


@pytest.fixture
async def bot(settings, clock):
    runner = Bot(settings, clock)
    await runner.start()
    yield runner
    await runner.stop()


@pytest.fixture
def group(fake) -> Group:
    return Group(fake, title="Samen Sterk")
