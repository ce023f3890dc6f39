"""Check-ins: a chat's schedule, its rounds, and the answers given in them (sealed).
With several workers the clock's work is claimed (Database.claim): each due schedule and
each waiting round goes to one worker, so a round is opened, sent, reminded and closed
once."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.entities import Checkin, CheckinAnswer, Schedule
from bot.store import rows
from bot.store.postgres.database import Database, at


class Checkins(Database):
    # -- schedules ---------------------------------------------------------------

    async def schedule(self, chat_id: int) -> Schedule | None:
        row = await self._one("SELECT * FROM schedules WHERE chat_id = $1", chat_id)
        return rows.schedule(row) if row else None

    async def set_schedule(self, chat_id: int, rule: str, timezone: str, next_at: datetime | None,
                           paused_until: date | None = None) -> None:
        await self._run(
            "INSERT INTO schedules (chat_id, rule, timezone, next_at, paused_until) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id) DO UPDATE SET "
            "rule = excluded.rule, timezone = excluded.timezone, next_at = excluded.next_at, "
            "paused_until = excluded.paused_until",
            chat_id, rule, timezone, at(next_at), paused_until)

    async def delete_schedule(self, chat_id: int) -> None:
        await self._run("DELETE FROM schedules WHERE chat_id = $1", chat_id)

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        found = await self._all(
            "SELECT s.* FROM schedules s JOIN chats c ON c.id = s.chat_id "
            "WHERE c.active = 1 AND s.next_at IS NOT NULL AND s.next_at <= $1 "
            "ORDER BY s.next_at, s.chat_id", at(now))
        mine = await self.claim("schedule", [r["chat_id"] for r in found])
        return [rows.schedule(r) for r in found if str(r["chat_id"]) in mine]

    # -- rounds ------------------------------------------------------------------

    async def open_checkin(self, chat_id: int, now: datetime, remind_at: datetime,
                           close_at: datetime) -> int:
        return await self._value(
            "INSERT INTO checkins (chat_id, opened_at, remind_at, close_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            chat_id, at(now), at(remind_at), at(close_at))

    async def checkin(self, checkin_id: int) -> Checkin | None:
        row = await self._one("SELECT * FROM checkins WHERE id = $1", checkin_id)
        return rows.checkin(row) if row else None

    async def open_checkin_of(self, chat_id: int) -> Checkin | None:
        row = await self._one(
            "SELECT * FROM checkins WHERE chat_id = $1 AND closed_at IS NULL "
            "ORDER BY id DESC LIMIT 1", chat_id)
        return rows.checkin(row) if row else None

    async def previous_checkin(self, chat_id: int, before: int) -> Checkin | None:
        row = await self._one(
            "SELECT * FROM checkins WHERE chat_id = $1 AND id < $2 AND closed_at IS NOT NULL "
            "ORDER BY id DESC LIMIT 1", chat_id, before)
        return rows.checkin(row) if row else None

    async def checkins_waiting(self, now: datetime) -> list[Checkin]:
        """Open rounds of active chats that are unsent, due a reminder, or due to close
        (those this worker claimed)."""
        found = await self._all(
            "SELECT k.* FROM checkins k JOIN chats c ON c.id = k.chat_id "
            "WHERE c.active = 1 AND k.closed_at IS NULL AND (k.message_id IS NULL "
            "OR (k.reminded_at IS NULL AND k.remind_at <= $1) OR k.close_at <= $1) "
            "ORDER BY k.id", at(now))
        mine = await self.claim("checkin", [r["id"] for r in found])
        return [rows.checkin(r) for r in found if str(r["id"]) in mine]

    async def set_checkin_message(self, checkin_id: int, message_id: int) -> None:
        await self._run("UPDATE checkins SET message_id = $1 WHERE id = $2",
                        message_id, checkin_id)

    async def mark_reminded(self, checkin_id: int, now: datetime) -> None:
        await self._run("UPDATE checkins SET reminded_at = $1 WHERE id = $2",
                        at(now), checkin_id)

    async def close_checkin(self, checkin_id: int, now: datetime) -> None:
        await self._run("UPDATE checkins SET closed_at = $1 WHERE id = $2", at(now), checkin_id)

    # -- answers -----------------------------------------------------------------

    async def add_checkin_answer(self, checkin_id: int, chat_id: int, user_id: int,
                                 user_name: str, organisation_id: int | None, question: str,
                                 value: str, now: datetime) -> None:
        await self._run(
            "INSERT INTO checkin_answers (checkin_id, chat_id, user_id, user_name, "
            "organisation_id, question, value, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            checkin_id, chat_id, user_id, user_name, organisation_id, question, value, at(now))

    async def checkin_answers(self, checkin_id: int) -> list[CheckinAnswer]:
        """The answer that counts per member and question: their last one."""
        found = await self._all(
            "SELECT user_id, user_name, organisation_id, question, value FROM checkin_answers "
            "WHERE checkin_id = $1 ORDER BY id", checkin_id)
        return rows.last_checkin_answers(found)
