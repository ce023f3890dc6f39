"""A chat's partner organisations, and its members with the organisation they chose."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Member, Organisation
from bot.store import rows
from bot.store.postgres.database import Database, at


class Organisations(Database):
    async def organisations(self, chat_id: int) -> list[Organisation]:
        found = await self._all(
            "SELECT id, name FROM organisations WHERE chat_id = $1 ORDER BY id", chat_id)
        return [Organisation(r["id"], r["name"]) for r in found]

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        return await self._run(
            "INSERT INTO organisations (chat_id, name, created_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (chat_id, name) DO NOTHING", chat_id, name, at(now)) == 1

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        # Not onto another organisation's name (SQLite's UPDATE OR IGNORE).
        return await self._run(
            "UPDATE organisations SET name = $1 WHERE chat_id = $2 AND id = $3 "
            "AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.chat_id = $2 "
            "AND o.name = $1 AND o.id <> $3)", name, chat_id, org_id) == 1

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        """Its members and answers keep no organisation (the foreign keys set NULL)."""
        return await self._run("DELETE FROM organisations WHERE chat_id = $1 AND id = $2",
                               chat_id, org_id) == 1

    async def member(self, chat_id: int, user_id: int) -> Member | None:
        row = await self._one("SELECT * FROM members WHERE chat_id = $1 AND user_id = $2",
                              chat_id, user_id)
        return rows.member(row) if row else None

    async def members(self, chat_id: int) -> list[Member]:
        found = await self._all(
            "SELECT * FROM members WHERE chat_id = $1 ORDER BY first_seen, user_id", chat_id)
        return [rows.member(r) for r in found]

    async def ensure_member(self, chat_id: int, user_id: int, name: str, anonymous_admin: bool,
                            now: datetime) -> Member:
        row = await self._one(
            "INSERT INTO members (chat_id, user_id, name, anonymous_admin, first_seen) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, user_id) "
            "DO UPDATE SET name = excluded.name RETURNING *",
            chat_id, user_id, name, int(anonymous_admin), at(now))
        return rows.member(row)

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        await self._run(
            "UPDATE members SET organisation_id = $1 WHERE chat_id = $2 AND user_id = $3",
            org_id, chat_id, user_id)
        # Answers given before the member chose belong to that organisation too.
        await self._run(
            "UPDATE answers SET organisation_id = $1 "
            "WHERE chat_id = $2 AND user_id = $3 AND organisation_id IS NULL",
            org_id, chat_id, user_id)
