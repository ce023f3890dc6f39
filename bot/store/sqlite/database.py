"""The SQLite connection: opening it (pragmas, migrations), the unit of work
(`transaction()`, `batch()`, rollback) and the two query helpers every aggregate module
uses."""

from __future__ import annotations

import asyncio
import copy
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Self

import aiosqlite

from bot.store.rows import iso
from bot.store.schema import MIGRATIONS


class Database:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        # One connection serves updates and the scheduler: one transaction at a time.
        self._lock = asyncio.Lock()
        # Set on the unit a transaction or batch hands out (a view of this store on the
        # same connection): the batch's update ids not seen before. None on the store.
        self.fresh: set[int] | None = None

    # -- connection and schema -------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA busy_timeout = 5000")
        store = cls(db)
        try:
            await store.migrate()
        except BaseException:
            await db.close()
            raise
        return store

    async def sealed_sample(self) -> str | None:
        """One sealed answer value, if any (to check the data key against at start)."""
        row = await self._one(
            "SELECT value FROM answers WHERE value LIKE '\"gAAAA%' LIMIT 1")
        return row[0] if row else None

    async def close(self) -> None:
        await self.db.close()

    async def schema_version(self) -> int:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        async with self.db.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return row[0] or 0

    async def migrate(self, upto: int | None = None) -> int:
        """Apply the migrations not yet recorded, each in its own transaction."""
        version = await self.schema_version()
        target = len(MIGRATIONS) if upto is None else upto
        for number in range(version + 1, target + 1):
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        await self.db.execute(statement)
                await self.db.execute(
                    "INSERT INTO schema_migrations VALUES (?, datetime('now'))", (number,)
                )
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
        return max(version, target)

    # -- the unit of work --------------------------------------------------------

    @asynccontextmanager
    async def transaction(self):
        """One unit of work: everything inside commits together or not at all. Yields the
        unit to work with; called on a unit, it joins that unit."""
        if self.fresh is not None:
            yield self
            return
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self._unit(set())
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    @asynccontextmanager
    async def batch(self, update_ids: list[int], now: datetime):
        """Several updates' work in one transaction (group commit): one commit instead of
        one per update, and the updates' statements can interleave. The update ids are
        recorded first, in one statement; the unit's `mark_update` then answers from
        memory."""
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                fresh: set[int] = set()
                if update_ids:
                    rows = await self._all(
                        "INSERT OR IGNORE INTO processed_updates VALUES "
                        + ", ".join(["(?, ?)"] * len(update_ids)) + " RETURNING update_id",
                        tuple(v for i in update_ids for v in (i, iso(now))))
                    fresh.update(row[0] for row in rows)
                yield self._unit(fresh)
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    def _unit(self, fresh: set[int]) -> Self:
        unit = copy.copy(self)  # the same connection and lock
        unit.fresh = fresh
        return unit

    # One hop to aiosqlite's thread per query (execute, fetch and close would be three).
    async def _one(self, sql: str, args: tuple = ()) -> aiosqlite.Row | None:
        rows = await self.db.execute_fetchall(sql, args)
        return rows[0] if rows else None

    async def _all(self, sql: str, args: tuple = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, args))
