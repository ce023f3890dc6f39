"""The five-conditions scan: numbered rounds per chat, and their scores and remarks."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Scan, ScanScore
from bot.store import rows
from bot.store.rows import iso
from bot.store.sqlite.database import Database


class Scans(Database):
    async def open_scan(self, chat_id: int, anonymous: bool, salt: str, now: datetime) -> Scan:
        row = await self._one("SELECT COALESCE(MAX(number), 0) + 1 FROM scans WHERE chat_id = ?",
                              (chat_id,))
        cur = await self.db.execute(
            "INSERT INTO scans (chat_id, number, anonymous, salt, opened_at) "
            "VALUES (?, ?, ?, ?, ?)", (chat_id, row[0], int(anonymous), salt, iso(now)))
        scan = await self.scan(cur.lastrowid)
        assert scan is not None
        return scan

    async def scan(self, scan_id: int) -> Scan | None:
        row = await self._one("SELECT * FROM scans WHERE id = ?", (scan_id,))
        return rows.scan(row) if row else None

    async def latest_scan(self, chat_id: int, *, closed: bool | None = None,
                          before: int | None = None) -> Scan | None:
        sql = "SELECT * FROM scans WHERE chat_id = ?"
        args: tuple = (chat_id,)
        if closed is not None:
            sql += " AND closed_at IS NOT NULL" if closed else " AND closed_at IS NULL"
        if before is not None:
            sql += " AND id < ?"
            args += (before,)
        row = await self._one(sql + " ORDER BY id DESC LIMIT 1", args)
        return rows.scan(row) if row else None

    async def set_scan_message(self, scan_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE scans SET message_id = ? WHERE id = ?",
                              (message_id, scan_id))

    async def close_scan(self, scan_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE scans SET closed_at = ? WHERE id = ?", (iso(now), scan_id))

    async def add_scan_score(self, scan_id: int, chat_id: int, respondent: int, user_name: str,
                             organisation_id: int | None, condition: str, score: int | None,
                             remark: str | None, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id, "
            "condition, score, remark, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (scan_id, chat_id, respondent, user_name, organisation_id, condition, score,
             remark, iso(now)))

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        """Per respondent and condition the last score; every remark."""
        found = await self._all("SELECT * FROM scan_scores WHERE scan_id = ? ORDER BY id",
                                (scan_id,))
        return rows.last_scan_scores(found)
