"""What only the SQLite store does: migrations, pragmas, the schema's cascades, encryption
at rest. What every store does is in test_store_contract.py."""

from __future__ import annotations

import sqlite3

import aiosqlite
import pytest
from cryptography.fernet import Fernet
from store_story import fill_chat

from bot.core.clock import FakeClock
from bot.store import KeyMismatch, open_store
from bot.store.schema import MIGRATIONS
from bot.store.sqlite import SqliteStore


async def test_fresh_database_gets_every_migration(tmp_path):
    repo = await SqliteStore.open(tmp_path / "db.sqlite3")
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
        old = SqliteStore(db)
        await old.migrate(upto=version)
        assert await old.schema_version() == version
        await db.close()
        repo = await SqliteStore.open(path)  # migrates the rest
        assert await repo.schema_version() == len(MIGRATIONS)
        await repo.close()


async def test_reopening_changes_nothing(tmp_path):
    clock = FakeClock()
    repo = await SqliteStore.open(tmp_path / "db.sqlite3")
    async with repo.transaction():
        await repo.ensure_chat(-5, "group", "G", "nl", "Europe/Amsterdam", clock.now())
    await repo.close()
    repo = await SqliteStore.open(tmp_path / "db.sqlite3")
    assert (await repo.chat(-5)).title == "G"
    await repo.close()


async def test_chat_id_change_moves_everything(tmp_path):
    """A group upgraded to a supergroup: one UPDATE moves all its rows."""
    clock = FakeClock()
    repo = await SqliteStore.open(tmp_path / "db.sqlite3")
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


async def test_what_members_type_is_sealed_at_rest_and_needs_its_key(tmp_path):
    key, path, clock = Fernet.generate_key().decode(), tmp_path / "db.sqlite3", FakeClock()
    repo = await open_store(path, key)
    try:
        story = await fill_chat(repo, clock)
    finally:
        await repo.close()
    with sqlite3.connect(path) as raw:
        sealed = [raw.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
                  .fetchall() for table, column in (("answers", "value"), ("answers", "note"),
                                                    ("checkin_answers", "value"),
                                                    ("scan_scores", "remark"))]
    # An answer's value is kept as JSON: the JSON string of its token.
    assert all(v.removeprefix('"').startswith("gAAAA") for found in sealed for (v,) in found)
    assert [len(found) for found in sealed] == [2, 1, 1, 1]
    for text in ("Samen koken", "stroef", "Meer overleg", "activities"):
        assert text.encode() not in path.read_bytes(), text
    repo = await open_store(path, key)
    try:
        assert (await repo.answers(story.run))[0].note == "Samen koken 🍲"
        data = await repo.export_chat(-1)
        assert data["checkin_answers"][0]["value"] == "Het loopt stroef"
        assert data["scan_scores"][1]["remark"] == "Meer overleg"
    finally:
        await repo.close()
    for wrong in (None, Fernet.generate_key().decode()):
        with pytest.raises(KeyMismatch):
            await open_store(path, wrong)


async def test_answers_stored_before_the_key_was_set_still_open(tmp_path):
    path, clock = tmp_path / "db.sqlite3", FakeClock()
    repo = await SqliteStore.open(path)
    story = await fill_chat(repo, clock)
    await repo.close()
    repo = await open_store(path, Fernet.generate_key().decode())
    try:
        assert [a.value for a in await repo.answers(story.run)] == [["activities", "other"], None]
    finally:
        await repo.close()
