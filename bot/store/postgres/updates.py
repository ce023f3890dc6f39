"""The update ids already handled, so a redelivered update is recognised whichever worker
gets it: the primary key decides, and a worker inserting an id another worker's open unit
holds waits for that unit's outcome."""

from __future__ import annotations

from datetime import datetime

from bot.store.postgres.database import Database, at


class Updates(Database):
    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""
        if self.fresh and update_id in self.fresh:
            self.fresh.discard(update_id)  # recorded by batch(); a second call says "seen"
            return True
        return await self._run(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING", update_id, at(now)) == 1

    async def forget_updates(self, before: datetime) -> None:
        await self._run("DELETE FROM processed_updates WHERE processed_at < $1", at(before))
        await self._run("DELETE FROM claims WHERE until < now()")  # long done
