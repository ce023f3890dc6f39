"""What every store shares: the tables a chat's data lives in, moments as text, and rows
(SQLite's or plain dicts, read by column name) turned into the entities of bot.core."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from bot.core.entities import (
    Chat,
    Checkin,
    CheckinAnswer,
    Member,
    Run,
    Scan,
    ScanScore,
    Schedule,
)

# Every table that holds a chat's data, and how its rows are found.
CHAT_TABLES = {
    "chats": "id = ?",
    "organisations": "chat_id = ?",
    "members": "chat_id = ?",
    "flow_runs": "chat_id = ?",
    "answers": "chat_id = ?",
    "prompts": "chat_id = ?",
    "drafts": "chat_id = ?",
    "schedules": "chat_id = ?",
    "checkins": "chat_id = ?",
    "checkin_answers": "chat_id = ?",
    "scans": "chat_id = ?",
    "scan_scores": "chat_id = ?",
}

# What `count` may count: the chats' tables and the update ids.
COUNTABLE = frozenset(CHAT_TABLES) | {"processed_updates"}

Row = Mapping  # an aiosqlite.Row or a dict: both are read by column name


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def chat(row: Row) -> Chat:
    return Chat(row["id"], row["type"], row["title"], row["language"], row["timezone"],
                bool(row["active"]))


def member(row: Row) -> Member:
    return Member(row["user_id"], row["name"], row["organisation_id"],
                  bool(row["anonymous_admin"]))


def run(row: Row) -> Run:
    return Run(row["id"], row["chat_id"], row["flow"], row["number"], row["state"],
               row["status"])


def schedule(row: Row) -> Schedule:
    return Schedule(row["chat_id"], row["rule"], row["timezone"], row["next_at"],
                    row["paused_until"])


def checkin(row: Row) -> Checkin:
    return Checkin(row["id"], row["chat_id"], row["opened_at"], row["closed_at"],
                   row["reminded_at"], row["remind_at"], row["close_at"], row["message_id"])


def scan(row: Row) -> Scan:
    return Scan(row["id"], row["chat_id"], row["number"], row["anonymous"], row["salt"],
                row["opened_at"], row["closed_at"], row["message_id"])


def last_checkin_answers(rows: Iterable[Row], open_: Callable[[str], str]) -> list[CheckinAnswer]:
    """The answer that counts per member and question: their last one (rows oldest first)."""
    latest = {(r["user_id"], r["question"]): CheckinAnswer(
        r["user_id"], r["user_name"], r["organisation_id"], r["question"], open_(r["value"]))
        for r in rows}
    return list(latest.values())


def last_scan_scores(rows: Iterable[Row], open_: Callable[[str], str]) -> list[ScanScore]:
    """Per respondent and condition the last score, then every remark (rows oldest first)."""
    scores: dict[tuple[int, str], ScanScore] = {}
    remarks = []
    for r in rows:
        item = ScanScore(r["respondent"], r["user_name"], r["organisation_id"], r["condition"],
                         r["score"], open_(r["remark"]) if r["remark"] else r["remark"])
        if r["remark"] is not None:
            remarks.append(item)
        else:
            scores[(r["respondent"], r["condition"])] = item
    return list(scores.values()) + remarks
