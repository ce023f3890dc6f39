"""A chat's partner organisations, and its members with the organisation they chose."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Member, Organisation
from bot.store import rows
from bot.store.rows import iso
from bot.store.sqlite.database import Database


class Organisations(Database):
    async def organisations(self, chat_id: int) -> list[Organisation]:
        found = await self._all(
            "SELECT id, name FROM organisations WHERE chat_id = ? ORDER BY id", (chat_id,))
        return [Organisation(r["id"], r["name"]) for r in found]

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO organisations (chat_id, name, created_at) VALUES (?, ?, ?)",
            (chat_id, name, iso(now)),
        )
        return cur.rowcount == 1

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        cur = await self.db.execute(
            "UPDATE OR IGNORE organisations SET name = ? WHERE chat_id = ? AND id = ?",
            (name, chat_id, org_id),
        )
        return cur.rowcount == 1

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        """Its members and answers keep no organisation (the foreign keys set NULL)."""
        cur = await self.db.execute(
            "DELETE FROM organisations WHERE chat_id = ? AND id = ?", (chat_id, org_id)
        )
        return cur.rowcount == 1

    async def member(self, chat_id: int, user_id: int) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return rows.member(row) if row else None

    async def members(self, chat_id: int) -> list[Member]:
        found = await self._all(
            "SELECT * FROM members WHERE chat_id = ? ORDER BY first_seen, user_id", (chat_id,)
        )
        return [rows.member(r) for r in found]

    async def ensure_member(self, chat_id: int, user_id: int, name: str, anonymous_admin: bool,
                            now: datetime) -> Member:
        row = await self._one(
            "INSERT INTO members (chat_id, user_id, name, anonymous_admin, first_seen) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET name = excluded.name RETURNING *",
            (chat_id, user_id, name, int(anonymous_admin), iso(now)),
        )
        return rows.member(row)

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        await self.db.execute(
            "UPDATE members SET organisation_id = ? WHERE chat_id = ? AND user_id = ?",
            (org_id, chat_id, user_id),
        )
        # Answers given before the member chose belong to that organisation too.
        await self.db.execute(
            "UPDATE answers SET organisation_id = ? "
            "WHERE chat_id = ? AND user_id = ? AND organisation_id IS NULL",
            (org_id, chat_id, user_id),
        )
