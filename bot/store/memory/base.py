"""The in-memory store's unit of work, update ids, and a chat's data as a whole."""

from __future__ import annotations

import asyncio
import copy
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Self

from bot.store.memory.tables import COLUMNS, Tables
from bot.store.rows import CHAT_TABLES, COUNTABLE, iso


class MemoryBase:
    def __init__(self) -> None:
        self.t = Tables()
        # One unit of work at a time, as with SQLite's one connection.
        self._lock = asyncio.Lock()
        # Set on the unit a transaction or batch hands out (a view of the same tables):
        # the batch's update ids not seen before. None on the store itself.
        self.fresh: set[int] | None = None

    async def close(self) -> None:
        pass

    async def sealed_sample(self) -> str | None:
        """One sealed answer value, if any (to check the data key against at start)."""
        for row in self.t.rows["answers"]:
            if row["value"].startswith('"gAAAA'):
                return row["value"]
        return None

    # -- the unit of work: a copy of every table to go back to --------------------

    @asynccontextmanager
    async def transaction(self):
        """One unit of work: everything inside commits together or not at all. Yields the
        unit to work with; called on a unit, it joins that unit."""
        if self.fresh is not None:
            yield self
            return
        async with self._lock:
            saved = self.t.copy()
            try:
                yield self._unit(set())
            except BaseException:
                self.t.rows = saved
                raise

    @asynccontextmanager
    async def batch(self, update_ids: list[int], now: datetime):
        """Several updates' work in one unit; their update ids are recorded first."""
        async with self._lock:
            saved = self.t.copy()
            try:
                fresh: set[int] = set()
                for update_id in update_ids:
                    if self.t.first("processed_updates", update_id=update_id) is None:
                        self.t.insert("processed_updates", update_id=update_id,
                                      processed_at=iso(now))
                        fresh.add(update_id)
                yield self._unit(fresh)
            except BaseException:
                self.t.rows = saved
                raise

    def _unit(self, fresh: set[int]) -> Self:
        unit = copy.copy(self)  # the same tables and lock
        unit.fresh = fresh
        return unit

    # -- updates -------------------------------------------------------------------

    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""
        if self.fresh and update_id in self.fresh:
            self.fresh.discard(update_id)  # recorded by batch(); a second call says "seen"
            return True
        if self.t.first("processed_updates", update_id=update_id) is not None:
            return False
        self.t.insert("processed_updates", update_id=update_id, processed_at=iso(now))
        return True

    async def forget_updates(self, before: datetime) -> None:
        self.t.rows["processed_updates"] = [
            row for row in self.t.rows["processed_updates"] if row["processed_at"] >= iso(before)]

    # -- a chat's data as a whole, and a person's ----------------------------------

    async def count(self, table: str, chat_id: int | None = None) -> int:
        if table not in COUNTABLE:
            raise ValueError(table)
        if chat_id is None:
            return len(self.t.rows[table])
        column = "id" if table == "chats" else "chat_id"
        if column not in COLUMNS[table]:
            raise ValueError(f"{table} has no chat")
        return len(self.t.where(table, **{column: chat_id}))

    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row the bot holds for one chat, table by table."""
        return {table: [dict(row) for row in self.t.where(
                    table, **{"id" if table == "chats" else "chat_id": chat_id})]
                for table in CHAT_TABLES}

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every row of one chat."""
        self.t.delete_chat(chat_id)

    async def forget_member(self, user_id: int) -> int:
        """Anonymise this person's answers everywhere and drop their memberships."""
        count = 0
        for table, who in (("answers", "user_id"), ("checkin_answers", "user_id"),
                           ("scan_scores", "respondent")):
            count += self.t.update(table, {who: 0, "user_name": ""}, **{who: user_id})
        self.t.delete("members", user_id=user_id)
        return count
