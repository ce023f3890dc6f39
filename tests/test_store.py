"""The SQLite store: migrations, pragmas, and the guarantees the bot relies on."""

from __future__ import annotations

import aiosqlite

from bot.core.clock import FakeClock
from bot.store.repo import Repo
from bot.store.schema import MIGRATIONS


async def test_fresh_database_gets_every_migration(tmp_path):
    repo = await Repo.open(tmp_path / "db.sqlite3")
    try:
        assert await repo.schema_version() == len(MIGRATIONS)
        async with repo.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with repo.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await repo.close()


async def test_each_migration_applies_to_the_previous_version(tmp_path):
    for version in range(len(MIGRATIONS)):
        path = tmp_path / f"v{version}.sqlite3"

        db = await aiosqlite.connect(path, isolation_level=None)
        old = Repo(db)
        await old.migrate(upto=version)
        assert await old.schema_version() == version
        await db.close()
        repo = await Repo.open(path)  # migrates the rest
        assert await repo.schema_version() == len(MIGRATIONS)
        await repo.close()


async def test_reopening_changes_nothing(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    async with repo.transaction():
        await repo.ensure_chat(-5, "group", "G", "nl", "Europe/Amsterdam", clock.now())
    await repo.close()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    assert (await repo.chat(-5)).title == "G"
    await repo.close()


async def test_a_redelivered_update_is_recognised(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    async with repo.transaction():
        assert await repo.mark_update(42, clock.now())
    async with repo.transaction():
        assert not await repo.mark_update(42, clock.now())
    await repo.close()


async def test_a_failed_transaction_leaves_nothing(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    try:
        async with repo.transaction():
            await repo.ensure_chat(-7, "group", "G", "nl", "Europe/Amsterdam", clock.now())
            raise RuntimeError("crash halfway")
    except RuntimeError:
        pass
    assert await repo.chat(-7) is None
    await repo.close()


async def test_chat_id_change_moves_everything(tmp_path):
    """A group upgraded to a supergroup: one UPDATE moves all its rows."""
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    async with repo.transaction():
        await repo.ensure_chat(-1, "group", "G", "nl", "Europe/Amsterdam", clock.now())
        await repo.ensure_member(-1, 7, "Anna", False, clock.now())
        await repo.add_organisation(-1, "Club", clock.now())
        run = await repo.start_run(-1, "process", "organisations", clock.now())
        await repo.add_answer(run.id, -1, "organisations", 7, "Anna", None, ["Club"], clock.now())
        await repo.db.execute("UPDATE chats SET id = -1002 WHERE id = -1")
    assert await repo.count("members", -1002) == 1
    assert await repo.count("answers", -1002) == 1
    assert await repo.count("organisations", -1) == 0
    await repo.close()


async def test_the_recent_rows_cache_never_shows_stale_data(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    try:
        async with repo.transaction():
            await repo.ensure_chat(-3, "group", "G", "nl", "Europe/Amsterdam", clock.now())
            await repo.ensure_member(-3, 7, "Anna", False, clock.now())
            await repo.add_organisation(-3, "Club", clock.now())
            org = (await repo.organisations(-3))[0]
            await repo.set_member_organisation(-3, 7, org.id)
            await repo.set_language(-3, "en")
        async with repo.transaction():
            chat = await repo.ensure_chat(-3, "group", "G", "nl", "Europe/Amsterdam",
                                          clock.now())
            member = await repo.ensure_member(-3, 7, "Anna", False, clock.now())
        assert chat.language == "en" and member.organisation_id == org.id
        async with repo.transaction():
            await repo.remove_organisation(-3, org.id)
        async with repo.transaction():
            member = await repo.ensure_member(-3, 7, "Anna", False, clock.now())
        assert member.organisation_id is None
        try:
            async with repo.transaction():
                await repo.ensure_chat(-4, "group", "New", "nl", "Europe/Amsterdam", clock.now())
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        async with repo.transaction():  # not served from a cache of a rolled-back row
            await repo.ensure_chat(-4, "group", "New", "nl", "Europe/Amsterdam", clock.now())
            await repo.ensure_member(-4, 8, "Bram", False, clock.now())
        assert await repo.count("members", -4) == 1
    finally:
        await repo.close()


async def test_the_organisations_cache_follows_every_change(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    try:
        async with repo.transaction():
            await repo.ensure_chat(-3, "group", "G", "nl", "Europe/Amsterdam", clock.now())
            assert await repo.organisations(-3) == []
            await repo.add_organisation(-3, "Club", clock.now())
            [club] = await repo.organisations(-3)
            await repo.rename_organisation(-3, club.id, "Buurtclub")
        assert [o.name for o in await repo.organisations(-3)] == ["Buurtclub"]
        try:
            async with repo.transaction():
                await repo.add_organisation(-3, "Koor", clock.now())
                assert len(await repo.organisations(-3)) == 2
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert [o.name for o in await repo.organisations(-3)] == ["Buurtclub"]
        async with repo.transaction():
            await repo.remove_organisation(-3, club.id)
        assert await repo.organisations(-3) == []
    finally:
        await repo.close()


async def test_a_batch_records_its_updates_once_and_rolls_back_whole(tmp_path):
    clock = FakeClock()
    repo = await Repo.open(tmp_path / "db.sqlite3")
    try:
        async with repo.batch([1, 2], clock.now()):
            assert await repo.mark_update(1, clock.now())
            assert not await repo.mark_update(1, clock.now()), "the same update again"
            async with repo.transaction():  # joins the batch
                await repo.ensure_chat(-3, "group", "G", "nl", "Europe/Amsterdam", clock.now())
        try:
            async with repo.batch([2, 3], clock.now()):
                assert not await repo.mark_update(2, clock.now()), "recorded by the last batch"
                assert await repo.mark_update(3, clock.now())
                await repo.ensure_chat(-4, "group", "H", "nl", "Europe/Amsterdam", clock.now())
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert await repo.count("chats") == 1
        assert await repo.count("processed_updates") == 2
        async with repo.transaction():  # on its own again: update 3 was never kept
            assert await repo.mark_update(3, clock.now())
    finally:
        await repo.close()
