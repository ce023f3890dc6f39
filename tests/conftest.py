"""Fixtures: a fake Telegram on loopback and the real bot polling it; a throwaway
PostgreSQL server (tests/pgserver.py) with a database per test that asks for one.

`TEST_STORE=postgresql` runs the bot of every test on PostgreSQL instead of SQLite."""

from __future__ import annotations

import os

import pytest
from fakebot import FakeTelegram
from fakebot.conversation import Group
from pgserver import Server

from bot import config
from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import Running, start
from bot.core.clock import FakeClock


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


ON_POSTGRES = os.environ.get("TEST_STORE", "").strip().lower() in ("postgresql", "postgres")


# Tests that read or change the SQLite file itself (bot.repo.db, sqlite3.connect): on
# PostgreSQL there is no such file; the contract tests hold both stores to the same rules.
SQLITE_ONLY = {
    "tests/test_batches.py::test_nothing_is_said_before_its_batch_is_committed",
    "tests/test_checkins.py::test_an_unreadable_schedule_does_not_hold_up_the_others",
    "tests/test_tools.py::test_forget_removes_only_this_chat",
}


def pytest_collection_modifyitems(config, items) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        if item.nodeid.split("[")[0] in SQLITE_ONLY:
            item.add_marker(pytest.mark.skip(reason="reads the SQLite file itself"))


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the whole session, started at the first test needing it."""
    server = Server()
    if not server.available:
        why = ("PostgreSQL is not installed (apt-get install postgresql) and "
               "TEST_DATABASE_URL is not set")
        if os.environ.get("CI"):
            pytest.fail(why)  # CI has it: never pass by skipping
        pytest.skip(why)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database of its own for this test."""
    url = postgres_server.create()
    yield url
    postgres_server.drop(url)


@pytest.fixture
def settings(fake, tmp_path, request) -> config.Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
    }
    if ON_POSTGRES:
        env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return config.load(env)


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
