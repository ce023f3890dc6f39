"""The update ids already handled, so a redelivered update is recognised."""

from __future__ import annotations

from datetime import datetime

from bot.store.rows import iso
from bot.store.sqlite.database import Database


class Updates(Database):
    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""
        if self.fresh and update_id in self.fresh:
            self.fresh.discard(update_id)  # recorded by batch(); a second call says "seen"
            return True
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO processed_updates VALUES (?, ?)", (update_id, iso(now))
        )
        return cur.rowcount == 1

    async def forget_updates(self, before: datetime) -> None:
        await self.db.execute("DELETE FROM processed_updates WHERE processed_at < ?",
                              (iso(before),))
