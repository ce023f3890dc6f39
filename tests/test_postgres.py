"""PostgreSQL beyond the store contract: DATABASE_URL, what a bad URL or an unreachable
server says at start, workers migrating at once, a server that goes away and comes back,
and `samenwerkbot migrate-db` (on a real server: tests/pgserver.py)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pgserver import Server, run_sync
from store_story import ANNA, fill_chat

from bot import config
from bot.core.clock import FakeClock
from bot.store import StoreUnavailable, open_raw, open_store
from bot.store.postgres.copy import main as migrate_db
from bot.store.postgres.schema import MIGRATIONS
from bot.store.postgres.store import PostgresStore
from bot.store.rows import CHAT_TABLES

KEY = "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
TZ = "Europe/Amsterdam"


def test_database_url_chooses_the_store(tmp_path):
    def load(**env):
        return config.load({"DATABASE_PATH": str(tmp_path / "a.sqlite3"), **env})
    assert load().database == tmp_path / "a.sqlite3"
    for url in ("postgresql://bot:pw@db.example.org:5432/samen", "postgres://bot@db/samen",
                "POSTGRESQL://bot@db/samen"):
        settings = load(DATABASE_URL=url)
        assert settings.database == settings.database_url == url
    assert load(DATABASE_URL=f"sqlite:{tmp_path}/b.sqlite3").database == tmp_path / "b.sqlite3"
    assert load(DATABASE_URL=str(tmp_path / "c.sqlite3")).database == tmp_path / "c.sqlite3"
    for bad, says in (("mysql://bot:pw@db/samen", "mysql://…"),
                      ("postgresql://bot:hunter2@db.example.org/", "no database"),
                      ("postgresql://bot:hunter2@db:port/samen", "port"),
                      ("sqlite:", "names no SQLite file")):
        with pytest.raises(config.ConfigError) as raised:
            load(DATABASE_URL=bad)
        assert "DATABASE_URL" in str(raised.value) and says in str(raised.value)
        assert "hunter2" not in str(raised.value)


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_an_unreachable_server_at_start_is_one_line_and_exit_2(tmp_path):
    import socket
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for url in (f"postgresql://bot:hunter2@127.0.0.1:{port}/samen",
                "postgres://bot:hunter2@127.0.0.1:5432/"):
        result = _run({"TELEGRAM_BOT_TOKEN": "1:abc", "DATABASE_URL": url}, "run")
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert "DATABASE_URL" in line and "hunter2" not in line and "***" in line, line


async def test_a_missing_database_is_named_without_the_password(postgres_url):
    url = postgres_url.replace("://postgres@", "://postgres:hunter2@").rsplit("/", 1)[0]
    with pytest.raises(StoreUnavailable) as raised:
        await PostgresStore.open(url + "/no_such_database")
    assert "DATABASE_URL" in str(raised.value) and "no_such_database" in str(raised.value)
    assert "hunter2" not in str(raised.value)


async def test_workers_starting_together_migrate_once(postgres_url):
    stores = await asyncio.gather(*(PostgresStore.open(postgres_url) for _ in range(4)))
    try:
        assert {await s.schema_version() for s in stores} == {len(MIGRATIONS)}
        async with stores[0].pool.acquire() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM schema_migrations") == \
                len(MIGRATIONS)
    finally:
        for store in stores:
            await store.close()


def test_a_server_that_goes_away_is_waited_for_and_nothing_half_kept():
    """Stop the server under an open store: a unit that was working fails whole (nothing
    of it kept); one that starts while the server is down waits, with back-off, and goes
    through once it is back. Its own throwaway server (the session's stays up)."""
    server = Server()
    if not server.available or server.admin_url:
        pytest.skip("needs PostgreSQL's binaries to stop and start a server of its own")
    server.start()
    try:
        run_sync(lambda: _goes_away(server))
    finally:
        server.stop()


async def _goes_away(server: Server) -> None:
    clock = FakeClock()
    store = await PostgresStore.open(server.admin_url, retry_for=60)
    try:
        with pytest.raises(StoreUnavailable):
            async with store.transaction() as unit:
                await unit.ensure_chat(-1, "group", "Lost", "nl", TZ, clock.now())
                await asyncio.to_thread(server.pause)
                await unit.ensure_member(-1, ANNA, "Anna", False, clock.now())
        waiting = asyncio.create_task(_one_update(store, clock))
        await asyncio.sleep(0.5)  # it is retrying now: the server is still down
        assert not waiting.done()
        await asyncio.to_thread(server.resume)
        await asyncio.wait_for(waiting, 60)
        assert await store.chat(-1) is None, "the unit cut off by the stop left nothing"
        assert (await store.chat(-2)).title == "Kept"
        assert await store.count("processed_updates") == 1
    finally:
        await store.close()


async def _one_update(store, clock) -> None:
    async with store.batch([7], clock.now()) as unit:
        assert await unit.mark_update(7, clock.now())
        await unit.ensure_chat(-2, "group", "Kept", "nl", TZ, clock.now())


# -- migrate-db ---------------------------------------------------------------------------

async def _sqlite_with_history(path: Path) -> dict:
    """Two chats' history in a SQLite file, answers sealed; its export per chat."""
    store = await open_store(path, KEY)
    clock = FakeClock()
    try:
        await fill_chat(store, clock, -1)
        await fill_chat(store, clock, -2, "Other")
        async with store.batch([41, 42], clock.now()):
            pass
        return {chat: await store.export_chat(chat) for chat in (-1, -2)}
    finally:
        await store.close()


async def test_migrate_db_copies_everything_sealed_stays_sealed(tmp_path, postgres_url, capsys):
    path = tmp_path / "bot.sqlite3"
    exports = await _sqlite_with_history(path)
    assert await asyncio.to_thread(migrate_db, ["--from", f"sqlite:{path}",
                                                "--to", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "answers" in out and "every table matches" in out

    raw = await open_raw(postgres_url)
    try:
        values = [r["value"] for r in await raw._all("SELECT value FROM answers")]
        assert values and all(v.startswith('"gAAAA') for v in values if v != "null"), \
            "answers stay sealed"
        assert await raw.count("processed_updates") == 2
    finally:
        await raw.close()
    store = await open_store(postgres_url, KEY)  # the same key opens them
    try:
        for chat, export in exports.items():
            assert await store.export_chat(chat) == export
        clock = FakeClock()
        run = await store.latest_run(-1, "process")
        async with store.transaction() as unit:  # new rows come after the copied ones
            new = await unit.add_answer(run.id, -1, "why", ANNA, "Anna", None, "x",
                                        clock.now())
        assert new == 1 + max(r["id"] for e in exports.values() for r in e["answers"])
    finally:
        await store.close()

    # Again, after the bot added that answer on PostgreSQL: they differ, nothing copied.
    assert await asyncio.to_thread(migrate_db, ["--from", f"sqlite:{path}",
                                                "--to", postgres_url]) == 1
    assert "answers" in capsys.readouterr().err
    raw = await open_raw(postgres_url)
    try:
        await raw._run("DELETE FROM answers WHERE id = $1", new)
    finally:
        await raw.close()
    # Again on a copy that matches: nothing changes, and it says so.
    assert await asyncio.to_thread(migrate_db, ["--from", f"sqlite:{path}",
                                                "--to", postgres_url]) == 0
    assert all(line.endswith("(0 new)") for line in capsys.readouterr().out.splitlines()
               if " rows " in line)


async def test_migrate_db_refuses_a_database_holding_other_data(tmp_path, postgres_url,
                                                                capsys):
    path = tmp_path / "bot.sqlite3"
    await _sqlite_with_history(path)
    other = await open_raw(postgres_url)
    try:
        await fill_chat(other, FakeClock(), -9, "Someone else")
    finally:
        await other.close()
    assert await asyncio.to_thread(migrate_db, ["--from", f"sqlite:{path}",
                                                "--to", postgres_url]) == 1
    assert "empty database" in capsys.readouterr().err
    store = await open_raw(postgres_url)
    try:  # all or nothing: the other data alone
        assert await store.count("chats") == 1 and await store.chat(-1) is None
        assert {t: await store.count(t, -9) > 0 for t in CHAT_TABLES} == \
            dict.fromkeys(CHAT_TABLES, True)
    finally:
        await store.close()


def test_migrate_db_says_what_is_wrong_in_one_line(tmp_path):
    (tmp_path / "x.sqlite3").touch()
    for args, says in ((["--from", "sqlite:/nowhere/x.sqlite3", "--to", "postgresql://h/d"],
                        "no SQLite file"),
                       (["--from", f"sqlite:{tmp_path}/x.sqlite3", "--to", "mysql://h/d"], "--to"),
                       (["--from", "postgresql://h/d", "--to", "postgresql://h/d"], "--from")):
        result = _run({}, "migrate-db", *args)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


async def test_one_chat_at_a_time_across_workers_other_chats_side_by_side(postgres_url):
    """Two workers (two stores): a unit that took chat -1 makes the other worker's unit
    for chat -1 wait until it commits; chat -2 goes on meanwhile."""
    one, two = PostgresStore.open(postgres_url), PostgresStore.open(postgres_url)
    one, two = await one, await two
    clock, done, holding, release = FakeClock(), [], asyncio.Event(), asyncio.Event()

    async def work(store, chat_id: int, label: str, hold: bool = False) -> None:
        async with store.transaction() as unit:
            await unit.ensure_chat(chat_id, "group", label, "nl", TZ, clock.now())
            if hold:
                holding.set()
                await release.wait()
            done.append(label)

    async def waiting_for_a_lock() -> int:
        async with one.pool.acquire() as conn:
            return await conn.fetchval("SELECT COUNT(*) FROM pg_locks "
                                       "WHERE locktype = 'advisory' AND NOT granted")
    try:
        first = asyncio.create_task(work(one, -1, "first", hold=True))
        await holding.wait()
        await work(two, -2, "other chat")  # not held up
        second = asyncio.create_task(work(two, -1, "second"))
        for _ in range(500):  # until the server shows it waiting (a condition, not a delay)
            if await waiting_for_a_lock():
                break
            await asyncio.sleep(0.01)
        assert await waiting_for_a_lock() == 1 and not second.done()
        release.set()
        await asyncio.gather(first, second)
        assert done == ["other chat", "first", "second"]
        assert (await one.chat(-1)).title == "second"
    finally:
        await one.close()
        await two.close()
