"""The five-conditions scan: numbered rounds per chat, their scores and remarks, and the
voters of an open anonymous scan."""

from __future__ import annotations

from datetime import datetime

from bot.core.entities import Scan, ScanScore
from bot.store import scan_rows
from bot.store.postgres.database import Database, at


class Scans(Database):
    async def open_scan(self, chat_id: int, anonymous: bool, salt: str, now: datetime) -> Scan:
        row = await self._one(
            "INSERT INTO scans (chat_id, number, anonymous, salt, opened_at) "
            "SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4 FROM scans WHERE chat_id = $1 "
            "RETURNING *", chat_id, int(anonymous), salt, at(now))
        return scan_rows.scan(row)

    async def scan(self, scan_id: int) -> Scan | None:
        row = await self._one("SELECT * FROM scans WHERE id = $1", scan_id)
        return scan_rows.scan(row) if row else None

    async def latest_scan(self, chat_id: int, *, closed: bool | None = None,
                          before: int | None = None) -> Scan | None:
        sql = "SELECT * FROM scans WHERE chat_id = $1"
        args: list = [chat_id]
        if closed is not None:
            sql += " AND closed_at IS NOT NULL" if closed else " AND closed_at IS NULL"
        if before is not None:
            args.append(before)
            sql += f" AND id < ${len(args)}"
        row = await self._one(sql + " ORDER BY id DESC LIMIT 1", *args)
        return scan_rows.scan(row) if row else None

    async def set_scan_message(self, scan_id: int, message_id: int) -> None:
        await self._run("UPDATE scans SET message_id = $1 WHERE id = $2", message_id, scan_id)

    async def close_scan(self, scan_id: int, now: datetime) -> None:
        await self._run("UPDATE scans SET closed_at = $1 WHERE id = $2", at(now), scan_id)

    async def add_scan_score(self, scan_id: int, chat_id: int, respondent: int, user_name: str,
                             organisation_id: int | None, condition: str, score: int | None,
                             remark: str | None, now: datetime) -> None:
        await self._run(
            "INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id, "
            "condition, score, remark, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            scan_id, chat_id, respondent, user_name, organisation_id, condition, score, remark,
            at(now))

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        """Per respondent and condition the last score; every remark. The rows of an
        anonymised scan each count as they are."""
        found = await self._all(
            "SELECT s.*, c.respondents IS NOT NULL AS anonymised FROM scan_scores s "
            "JOIN scans c ON c.id = s.scan_id WHERE s.scan_id = $1 ORDER BY s.id", scan_id)
        return scan_rows.scores(found, bool(found) and bool(found[0]["anonymised"]))

    async def scan_voter(self, scan_id: int, chat_id: int, voter: int, token: int) -> int:
        """The token this voter scores under: the one they got before, else `token`."""
        return await self._value(
            "INSERT INTO scan_voters (scan_id, chat_id, voter, token) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (scan_id, voter) DO UPDATE SET token = scan_voters.token "
            "RETURNING token", scan_id, chat_id, voter, token)

    async def anonymise_scan(self, scan_id: int, kept: list[ScanScore], respondents: int,
                             day: datetime) -> None:
        """Its rows become `kept` (new ids, in that order), its voters and salt go."""
        chat_id = await self._value("SELECT chat_id FROM scans WHERE id = $1", scan_id)
        if chat_id is None:
            return
        await self._run("DELETE FROM scan_scores WHERE scan_id = $1", scan_id)
        for s in kept:  # in order: each gets the next id
            await self._run(
                "INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, "
                "organisation_id, condition, score, remark, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                scan_id, chat_id, s.respondent, s.user_name, s.organisation_id, s.condition,
                s.score, s.remark, at(day))
        await self._run("DELETE FROM scan_voters WHERE scan_id = $1", scan_id)
        await self._run("UPDATE scans SET salt = '', respondents = $1 WHERE id = $2",
                        respondents, scan_id)
