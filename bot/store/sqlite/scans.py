"""The five-conditions scan: numbered rounds per chat, their scores and remarks, and the
voters of an open anonymous scan."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Scan, ScanScore
from bot.store import scan_rows
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
        return scan_rows.scan(row) if row else None

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
        return scan_rows.scan(row) if row else None

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
        """Per respondent and condition the last score; every remark. The rows of an
        anonymised scan each count as they are."""
        found = await self._all(
            "SELECT s.*, c.respondents IS NOT NULL AS anonymised FROM scan_scores s "
            "JOIN scans c ON c.id = s.scan_id WHERE s.scan_id = ? ORDER BY s.id", (scan_id,))
        return scan_rows.scores(found, bool(found) and bool(found[0]["anonymised"]))

    async def scan_voter(self, scan_id: int, chat_id: int, voter: int, token: int) -> int:
        """The token this voter scores under: the one they got before, else `token`."""
        row = await self._one(
            "INSERT INTO scan_voters (scan_id, chat_id, voter, token) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (scan_id, voter) DO UPDATE SET token = scan_voters.token "
            "RETURNING token", (scan_id, chat_id, voter, token))
        return row[0]

    async def anonymise_scan(self, scan_id: int, kept: list[ScanScore], respondents: int,
                             day: datetime) -> None:
        """Its rows become `kept` (new ids, in that order), its voters and salt go."""
        row = await self._one("SELECT chat_id FROM scans WHERE id = ?", (scan_id,))
        if row is None:
            return
        await self.db.execute("DELETE FROM scan_scores WHERE scan_id = ?", (scan_id,))
        await self.db.executemany(
            "INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id, "
            "condition, score, remark, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(scan_id, row[0], s.respondent, s.user_name, s.organisation_id, s.condition,
              s.score, s.remark, iso(day)) for s in kept])
        await self.db.execute("DELETE FROM scan_voters WHERE scan_id = ?", (scan_id,))
        await self.db.execute("UPDATE scans SET salt = '', respondents = ? WHERE id = ?",
                              (respondents, scan_id))
