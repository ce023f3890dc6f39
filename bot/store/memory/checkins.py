"""The in-memory store's check-in schedules, rounds and answers, and the scans."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.entities import Checkin, CheckinAnswer, Scan, ScanScore, Schedule
from bot.store import rows, scan_rows
from bot.store.memory.base import MemoryBase
from bot.store.rows import day_text, iso


def _by_id(found: list[dict]) -> list[dict]:
    return sorted(found, key=lambda r: r["id"])


class MemoryCheckins(MemoryBase):
    def _active(self, chat_id: int) -> bool:
        chat = self.t.first("chats", id=chat_id)
        return chat is not None and chat["active"] == 1

    # -- schedules -------------------------------------------------------------------

    async def schedule(self, chat_id: int) -> Schedule | None:
        row = self.t.first("schedules", chat_id=chat_id)
        return rows.schedule(row) if row else None

    async def set_schedule(self, chat_id: int, rule: str, timezone: str, next_at: datetime | None,
                           paused_until: date | None = None) -> None:
        values = {"rule": rule, "timezone": timezone, "paused_until": day_text(paused_until),
                  "next_at": iso(next_at) if next_at else None}
        if not self.t.update("schedules", values, chat_id=chat_id):
            self.t.insert("schedules", chat_id=chat_id, **values)

    async def delete_schedule(self, chat_id: int) -> None:
        self.t.delete("schedules", chat_id=chat_id)

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        due = [r for r in self.t.rows["schedules"] if r["next_at"] is not None
               and r["next_at"] <= iso(now) and self._active(r["chat_id"])]
        return [rows.schedule(r) for r in sorted(due, key=lambda r: (r["next_at"], r["chat_id"]))]

    # -- rounds ----------------------------------------------------------------------

    async def open_checkin(self, chat_id: int, now: datetime, remind_at: datetime,
                           close_at: datetime) -> int:
        row = self.t.insert("checkins", chat_id=chat_id, opened_at=iso(now),
                            remind_at=iso(remind_at), close_at=iso(close_at))
        return row["id"]

    async def checkin(self, checkin_id: int) -> Checkin | None:
        row = self.t.first("checkins", id=checkin_id)
        return rows.checkin(row) if row else None

    async def open_checkin_of(self, chat_id: int) -> Checkin | None:
        row = self.t.newest("checkins", chat_id=chat_id, closed_at=None)
        return rows.checkin(row) if row else None

    async def previous_checkin(self, chat_id: int, before: int) -> Checkin | None:
        found = [r for r in self.t.where("checkins", chat_id=chat_id)
                 if r["id"] < before and r["closed_at"] is not None]
        return rows.checkin(_by_id(found)[-1]) if found else None

    async def checkins_waiting(self, now: datetime) -> list[Checkin]:
        """Open rounds of active chats that are unsent, due a reminder, or due to close."""
        at = iso(now)

        def waiting(k: dict) -> bool:
            return (k["message_id"] is None
                    or (k["reminded_at"] is None and k["remind_at"] is not None
                        and k["remind_at"] <= at)
                    or (k["close_at"] is not None and k["close_at"] <= at))
        return [rows.checkin(k) for k in _by_id(self.t.where("checkins", closed_at=None))
                if self._active(k["chat_id"]) and waiting(k)]

    async def set_checkin_message(self, checkin_id: int, message_id: int) -> None:
        self.t.update("checkins", {"message_id": message_id}, id=checkin_id)

    async def mark_reminded(self, checkin_id: int, now: datetime) -> None:
        self.t.update("checkins", {"reminded_at": iso(now)}, id=checkin_id)

    async def close_checkin(self, checkin_id: int, now: datetime) -> None:
        self.t.update("checkins", {"closed_at": iso(now)}, id=checkin_id)

    async def add_checkin_answer(self, checkin_id: int, chat_id: int, user_id: int,
                                 user_name: str, organisation_id: int | None, question: str,
                                 value: str, now: datetime) -> None:
        self.t.insert("checkin_answers", checkin_id=checkin_id, chat_id=chat_id,
                      user_id=user_id, user_name=user_name, organisation_id=organisation_id,
                      question=question, value=value, created_at=iso(now))

    async def checkin_answers(self, checkin_id: int) -> list[CheckinAnswer]:
        """The answer that counts per member and question: their last one."""
        found = _by_id(self.t.where("checkin_answers", checkin_id=checkin_id))
        return rows.last_checkin_answers(found)

    # -- the five-conditions scan -------------------------------------------------------

    async def open_scan(self, chat_id: int, anonymous: bool, salt: str, now: datetime) -> Scan:
        number = max((r["number"] for r in self.t.where("scans", chat_id=chat_id)),
                     default=0) + 1
        row = self.t.insert("scans", chat_id=chat_id, number=number, anonymous=int(anonymous),
                            salt=salt, opened_at=iso(now))
        return scan_rows.scan(row)

    async def scan(self, scan_id: int) -> Scan | None:
        row = self.t.first("scans", id=scan_id)
        return scan_rows.scan(row) if row else None

    async def latest_scan(self, chat_id: int, *, closed: bool | None = None,
                          before: int | None = None) -> Scan | None:
        found = [r for r in self.t.where("scans", chat_id=chat_id)
                 if (closed is None or (r["closed_at"] is not None) == closed)
                 and (before is None or r["id"] < before)]
        return scan_rows.scan(_by_id(found)[-1]) if found else None

    async def set_scan_message(self, scan_id: int, message_id: int) -> None:
        self.t.update("scans", {"message_id": message_id}, id=scan_id)

    async def close_scan(self, scan_id: int, now: datetime) -> None:
        self.t.update("scans", {"closed_at": iso(now)}, id=scan_id)

    async def add_scan_score(self, scan_id: int, chat_id: int, respondent: int, user_name: str,
                             organisation_id: int | None, condition: str, score: int | None,
                             remark: str | None, now: datetime) -> None:
        self.t.insert("scan_scores", scan_id=scan_id, chat_id=chat_id, respondent=respondent,
                      user_name=user_name, organisation_id=organisation_id,
                      condition=condition, score=score, remark=remark, created_at=iso(now))

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        """Per respondent and condition the last score; every remark. The rows of an
        anonymised scan each count as they are."""
        scan = self.t.first("scans", id=scan_id)
        return scan_rows.scores(_by_id(self.t.where("scan_scores", scan_id=scan_id)),
                                scan is not None and scan["respondents"] is not None)

    async def scan_voter(self, scan_id: int, chat_id: int, voter: int, token: int) -> int:
        """The token this voter scores under: the one they got before, else `token`."""
        row = self.t.first("scan_voters", scan_id=scan_id, voter=voter)
        if row is None:
            row = self.t.insert("scan_voters", scan_id=scan_id, chat_id=chat_id, voter=voter,
                                token=token)
        return row["token"]

    async def anonymise_scan(self, scan_id: int, kept: list[ScanScore], respondents: int,
                             day: datetime) -> None:
        """Its rows become `kept` (new ids, in that order), its voters and salt go."""
        scan = self.t.first("scans", id=scan_id)
        if scan is None:
            return
        self.t.delete("scan_scores", scan_id=scan_id)
        for s in kept:
            self.t.insert("scan_scores", scan_id=scan_id, chat_id=scan["chat_id"],
                          respondent=s.respondent, user_name=s.user_name,
                          organisation_id=s.organisation_id, condition=s.condition,
                          score=s.score, remark=s.remark, created_at=iso(day))
        self.t.delete("scan_voters", scan_id=scan_id)
        scan.update(salt="", respondents=respondents)
