"""Chats: their settings, activity and retention, the last tip, a group's move to a
supergroup, and where a person is a member."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Chat
from bot.store import rows
from bot.store.rows import iso
from bot.store.sqlite.database import Database


class Chats(Database):
    async def chat(self, chat_id: int) -> Chat | None:
        row = await self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return rows.chat(row) if row else None

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        # One round trip: the upsert hands back the row (SQLite 3.35+).
        row = await self._one(
            "INSERT INTO chats (id, type, title, language, timezone, created_at, last_active_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title, "
            "last_active_at = excluded.last_active_at, retention_warned_at = NULL RETURNING *",
            (chat_id, type_, title, language, timezone, iso(now), iso(now)),
        )
        return rows.chat(row)

    async def set_language(self, chat_id: int, language: str) -> None:
        await self.db.execute("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        await self.db.execute("UPDATE chats SET timezone = ? WHERE id = ?", (timezone, chat_id))
        await self.db.execute("UPDATE schedules SET timezone = ? WHERE chat_id = ?",
                              (timezone, chat_id))

    async def set_active(self, chat_id: int, active: bool) -> None:
        await self.db.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    async def last_tip(self, chat_id: int) -> str | None:
        row = await self._one("SELECT last_tip FROM chats WHERE id = ?", (chat_id,))
        return row[0] if row else None

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None:
        await self.db.execute("UPDATE chats SET last_tip = ? WHERE id = ?", (tip_id, chat_id))

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup: its rows follow the new id (foreign keys cascade)."""
        if await self.chat(old) is None:
            return False
        if await self.chat(new) is not None:
            # Only an incidental row (a message in the new supergroup came first).
            await self.db.execute("DELETE FROM chats WHERE id = ?", (new,))
        await self.db.execute("UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?",
                              (new, old))
        return True

    async def stale_chats(self, before: datetime) -> list[tuple[int, datetime, datetime | None]]:
        """Chats not used since `before`: (id, last active, when they were warned)."""
        found = await self._all(
            "SELECT id, COALESCE(last_active_at, created_at), retention_warned_at FROM chats "
            "WHERE COALESCE(last_active_at, created_at) < ?", (iso(before),))
        return [rows.stale_chat(r[0], r[1], r[2]) for r in found]

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE chats SET retention_warned_at = ? WHERE id = ?",
                              (iso(now), chat_id))

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str | None]]:
        """Every chat where this person is a member: (chat id, title, name, organisation)."""
        found = await self._all(
            "SELECT m.chat_id, c.title, m.name, o.name FROM members m "
            "JOIN chats c ON c.id = m.chat_id "
            "LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = ? "
            "ORDER BY m.chat_id", (user_id,))
        return [(r[0], r[1], r[2], r[3]) for r in found]
