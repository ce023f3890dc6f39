"""The database goes away while an update is being handled (a real PostgreSQL server, of
this module's own, stopped under the bot and started again; the fake Bot API for
Telegram). Nobody is told anything went wrong and the update is not confirmed: long
polling asks for it again after a pause, a webhook answers 503 so that Telegram posts it
again. Once the server is back, the update is handled, once."""

from __future__ import annotations

import asyncio
import dataclasses

import asyncpg
import httpx
import pytest
from fakebot.conversation import Group
from pgserver import Server
from test_workers import HEADERS, SECRET, take

from bot import config
from bot.adapters.telegram.limiter import ResilientLimiter
from bot.adapters.telegram.runner import start, start_webhook

SORRY = "😕"  # how the apology (service.error_text) starts, in every language
TZ = "Europe/Amsterdam"


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own: the tests stop it (the session's stays up)."""
    server = Server()
    if not server.available or server.admin_url:
        pytest.skip("needs PostgreSQL's binaries to stop and start a server of its own")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outage_url(own_server):
    url = own_server.create()
    yield url
    if own_server.paused:  # the test failed before starting it again
        own_server.resume()
    own_server.drop(url)


def _settings(fake, url: str, tmp_path) -> config.Settings:
    return config.load({"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
                        "DATABASE_URL": url,
                        "DATABASE_PATH": str(tmp_path / "unused.sqlite3")})


def _limiter() -> ResilientLimiter:
    return ResilientLimiter(overall_max_rate=0, group_max_rate=0, backoff=0.01)


async def _webhook(fake, clock, database_url: str, tmp_path):
    """A webhook worker on the database: (running, the URL to post updates to)."""
    settings = dataclasses.replace(_settings(fake, database_url, tmp_path), port=0,
                                   webhook_url="https://bot.example.org",
                                   webhook_secret=SECRET)
    running = await start_webhook(settings, clock, rate_limiter=_limiter(),
                                  tick_seconds=None, host="127.0.0.1")
    return running, f"http://127.0.0.1:{running.port}/telegram"


async def _in_do_step(repo, group: Group, clock) -> None:
    async with repo.transaction() as unit:
        await unit.ensure_chat(group.id, "group", "Samen", "nl", TZ, clock.now())
        await unit.start_run(group.id, "pdca", "log", clock.now())


async def _asked(client: httpx.AsyncClient, url: str, fake, repo, group: Group, clock):
    """Anna, in the Do step, posts /pdca to the webhook: (anna, the question it asks)."""
    await _in_do_step(repo, group, clock)
    anna = group.member("Anna", lang="nl")
    first = await client.post(url, json=take(fake, await anna.sends("/pdca")), headers=HEADERS)
    assert first.status_code == 200
    return anna, await group.bot_says(containing="Do")


async def _until_a_unit_waits(url: str) -> None:
    """Until the server shows a unit waiting for its chat's lock (a condition, not a
    delay): the update is being handled, its transaction open."""
    conn = await asyncpg.connect(url)
    try:
        for _ in range(1000):
            if await conn.fetchval("SELECT COUNT(*) FROM pg_locks WHERE locktype = "
                                   "'advisory' AND NOT granted"):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("no unit of work started waiting for the chat")
    finally:
        await conn.close()


async def _hold_chat(url: str, chat_id: int) -> asyncpg.Connection:
    """Another session holds the chat's advisory lock, so the bot's unit for it waits with
    its transaction open: the moment to stop the server at."""
    conn = await asyncpg.connect(url)
    await conn.execute("SELECT pg_advisory_lock($1)", chat_id)
    return conn


async def _stored(repo, chat_id: int) -> list[int]:
    run = await repo.latest_run(chat_id, "pdca")
    return [a.message_id for a in await repo.answers(run.id, "log")]


def _acknowledged(group: Group) -> list[int]:
    return [m["reply_to_message"]["message_id"] for m in group.messages()
            if m.get("reply_to_message") and "Toegevoegd" in m.get("text", "")]


async def test_polling_asks_again_for_what_the_database_did_not_take(
        fake, clock, own_server, outage_url, tmp_path):
    running = await start(_settings(fake, outage_url, tmp_path), clock, poll_timeout=10,
                          rate_limiter=_limiter(), tick_seconds=None, backoff=0.01)
    group = Group(fake, title="Samen Sterk")
    try:
        await _in_do_step(running.repo, group, clock)
        anna = group.member("Anna", lang="nl")
        await anna.sends("/pdca")
        question = await group.bot_says(containing="Do")
        holder = await _hold_chat(outage_url, group.id)  # noqa: F841 -- kept open
        answer = await anna.replies(question, "Anna zette de eerste stap")
        [update_id] = [u["update_id"] for u in fake.pending_updates
                       if u.get("message", {}).get("message_id") == answer["message_id"]]
        await _until_a_unit_waits(outage_url)
        polls = len(fake.calls("getUpdates"))
        await asyncio.to_thread(own_server.pause)  # every session ends, the unit's too
        # The loop gives up on the batch and, after its pause, asks for the same updates
        # (an offset at or below the answer's: not confirmed).
        await fake.wait_for(lambda: len(fake.calls("getUpdates")) > polls, 30)
        again = fake.calls("getUpdates")[polls]
        assert int(again.get("offset") or 0) <= update_id, "the answer was confirmed"
        await asyncio.to_thread(own_server.resume)
        acked = await fake.wait_for(lambda: _acknowledged(group), 60)
        assert acked == [answer["message_id"]]
        assert await _stored(running.repo, group.id) == [answer["message_id"]]
        await fake.wait_for(lambda: not fake.pending_updates, 30)  # confirmed now
        assert not [m for m in group.messages() if SORRY in m.get("text", "")], \
            "nobody is told about an outage the bot recovers from"
    finally:
        await running.stop()


async def test_webhook_answers_503_and_the_redelivery_is_kept_once(
        fake, clock, own_server, outage_url, tmp_path):
    running, url = await _webhook(fake, clock, outage_url, tmp_path)
    group = Group(fake, title="Samen Sterk")
    try:
        async with httpx.AsyncClient(timeout=60) as client:
            anna, question = await _asked(client, url, fake, running.repo, group, clock)
            holder = await _hold_chat(outage_url, group.id)  # noqa: F841 -- kept open
            answer = await anna.replies(question, "Anna zette de eerste stap")
            update = take(fake, answer)
            posting = asyncio.create_task(client.post(url, json=update, headers=HEADERS))
            await _until_a_unit_waits(outage_url)
            await asyncio.to_thread(own_server.pause)
            response = await posting
            assert response.status_code == 503, "Telegram is to post it again"
            await asyncio.to_thread(own_server.resume)
            again = await client.post(url, json=update, headers=HEADERS)  # Telegram's retry
            assert again.status_code == 200
            # and once more, as a second worker might get it too: recognised, no effect
            assert (await client.post(url, json=update, headers=HEADERS)).status_code == 200
        acked = await fake.wait_for(lambda: _acknowledged(group), 30)
        assert acked == [answer["message_id"]]
        assert await _stored(running.repo, group.id) == [answer["message_id"]]
        assert await running.repo.count("processed_updates") == 2
        assert not [m for m in group.messages() if SORRY in m.get("text", "")]
    finally:
        await running.stop()


async def test_webhook_answers_503_soon_while_the_database_is_down(
        fake, clock, own_server, outage_url, tmp_path):
    """A server that is down when an update arrives: after a short wait (WEBHOOK_WAIT, a
    restart's blip) 503, not minutes of holding one of Telegram's few connections."""
    running, url = await _webhook(fake, clock, outage_url, tmp_path)
    group = Group(fake, title="Samen Sterk")
    try:
        # Telegram's patience is not documented; the client's here is 60 s (> WEBHOOK_WAIT,
        # < the 300 s a polling unit waits), so a webhook that waits too long fails here.
        async with httpx.AsyncClient(timeout=60) as client:
            anna, question = await _asked(client, url, fake, running.repo, group, clock)
            await asyncio.to_thread(own_server.pause)
            answer = await anna.replies(question, "Anna zette de eerste stap")
            update = take(fake, answer)
            down = await client.post(url, json=update, headers=HEADERS)
            assert down.status_code == 503
            await asyncio.to_thread(own_server.resume)
            again = await client.post(url, json=update, headers=HEADERS)
            assert again.status_code == 200
        acked = await fake.wait_for(lambda: _acknowledged(group), 30)
        assert acked == [answer["message_id"]]
        assert await _stored(running.repo, group.id) == [answer["message_id"]]
        assert not [m for m in group.messages() if SORRY in m.get("text", "")]
    finally:
        await running.stop()
