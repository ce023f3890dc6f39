"""Data written by an older version reads the same after the migrations."""

from __future__ import annotations

import aiosqlite

from bot.store.sqlite import SqliteStore


async def test_prompts_of_rounds_and_scans_become_typed(tmp_path):
    """Migrations 8 and 9: a round's or a scan's prompt names its kind and its id."""
    path = tmp_path / "old.sqlite3"
    db = await aiosqlite.connect(path, isolation_level=None)
    await SqliteStore(db).migrate(upto=7)
    await db.executescript("""
        INSERT INTO chats (id, type, language, timezone, created_at)
            VALUES (-1, 'group', 'nl', 'Europe/Amsterdam', '2026-01-05');
        INSERT INTO flow_runs (id, chat_id, flow, state, status, started_at, updated_at)
            VALUES (4, -1, 'process', 'why', 'active', '2026-01-05', '2026-01-05');
        INSERT INTO prompts (chat_id, message_id, run_id, step, created_at)
            VALUES (-1, 10, NULL, 'checkin:5', '2026-01-05'),
                   (-1, 11, NULL, 'scan:3', '2026-01-05'),
                   (-1, 12, 4, 'why', '2026-01-05');
    """)
    await db.close()
    store = await SqliteStore.open(path)
    try:
        kinds = [(p.kind, p.ref, p.step, p.run_id) for p in
                 [await store.prompt(-1, message) for message in (10, 11, 12)]]
    finally:
        await store.close()
    assert kinds == [("checkin", 5, "", None), ("scan", 3, "", None),
                     ("question", None, "why", 4)]
