"""Chats: their settings, activity and retention, the last tip, a group's move to a
supergroup, and where a person is a member. `ensure_chat` is where a unit of work takes
its chat's advisory lock: every update's work starts there, so one chat's updates are
handled one after another whichever worker got them, different chats side by side."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Chat
from bot.store import rows
from bot.store.postgres.database import Database, at

_ENSURE = ("INSERT INTO chats (id, type, title, language, timezone, created_at, "
           "last_active_at) ")
_CONFLICT = ("ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
             "last_active_at = excluded.last_active_at, retention_warned_at = NULL "
             "RETURNING *")
_VALUES = "VALUES ($1, $2, $3, $4, $5, $6, $6) " + _CONFLICT
_LOCKED_VALUES = ("SELECT $1, $2, $3, $4, $5, $6, $6 "
                  "FROM (SELECT pg_advisory_xact_lock($1)) AS locked " + _CONFLICT)


class Chats(Database):
    async def lock_chat(self, chat_id: int) -> None:
        """Inside a unit: wait for, then hold until it ends, this chat's advisory lock."""
        unit = self.joined()
        if unit is not None and chat_id not in unit._locked:
            await unit._value("SELECT pg_advisory_xact_lock($1)", chat_id)
            unit._locked.add(chat_id)

    async def chat(self, chat_id: int) -> Chat | None:
        row = await self._one("SELECT * FROM chats WHERE id = $1", chat_id)
        return rows.chat(row) if row else None

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        unit = self.joined()
        if unit is None or chat_id in unit._locked:
            return rows.chat(await self._one(_ENSURE + _VALUES, chat_id, type_, title,
                                             language, timezone, at(now)))
        # The chat's lock, then its row, in one statement (one round trip): the row comes
        # from the lock's subquery, so it is written once the lock is held; the row it
        # returns is the latest (ON CONFLICT works on it), and the unit's next
        # statements see whatever the lock's previous holder committed.
        row = await unit._one(_ENSURE + _LOCKED_VALUES, chat_id, type_, title, language,
                              timezone, at(now))
        unit._locked.add(chat_id)
        return rows.chat(row)

    async def set_language(self, chat_id: int, language: str) -> None:
        await self._run("UPDATE chats SET language = $1 WHERE id = $2", language, chat_id)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        await self._run("UPDATE chats SET timezone = $1 WHERE id = $2", timezone, chat_id)
        await self._run("UPDATE schedules SET timezone = $1 WHERE chat_id = $2",
                        timezone, chat_id)

    async def set_active(self, chat_id: int, active: bool) -> None:
        await self._run("UPDATE chats SET active = $1 WHERE id = $2", int(active), chat_id)

    async def last_tip(self, chat_id: int) -> str | None:
        return await self._value("SELECT last_tip FROM chats WHERE id = $1", chat_id)

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None:
        await self._run("UPDATE chats SET last_tip = $1 WHERE id = $2", tip_id, chat_id)

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup: its rows follow the new id (foreign keys cascade)."""
        await self.lock_chat(min(old, new))  # in a fixed order: no two units wait
        await self.lock_chat(max(old, new))  # for each other
        if await self.chat(old) is None:
            return False
        # Only an incidental row (a message in the new supergroup came first).
        await self._run("DELETE FROM chats WHERE id = $1", new)
        await self._run("UPDATE chats SET id = $1, type = 'supergroup' WHERE id = $2", new, old)
        return True

    async def stale_chats(self, before: datetime) -> list[tuple[int, datetime, datetime | None]]:
        """Chats not used since `before`: (id, last active, when they were warned); with
        several workers, those this one claimed (so one warning goes out)."""
        found = await self._all(
            "SELECT id, COALESCE(last_active_at, created_at) AS last, retention_warned_at "
            "FROM chats WHERE COALESCE(last_active_at, created_at) < $1 ORDER BY id",
            at(before))
        mine = await self.claim("stale", [r["id"] for r in found])
        return [rows.stale_chat(r["id"], r["last"], r["retention_warned_at"])
                for r in found if str(r["id"]) in mine]

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None:
        await self._run("UPDATE chats SET retention_warned_at = $1 WHERE id = $2",
                        at(now), chat_id)

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str | None]]:
        """Every chat where this person is a member: (chat id, title, name, organisation)."""
        found = await self._all(
            "SELECT m.chat_id, c.title, m.name, o.name AS organisation FROM members m "
            "JOIN chats c ON c.id = m.chat_id "
            "LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = $1 "
            "ORDER BY m.chat_id", user_id)
        return [(r["chat_id"], r["title"], r["name"], r["organisation"]) for r in found]
