"""What every store shares: the tables a chat's data lives in, moments as text and back,
and rows (SQLite's or plain dicts, read by column name) turned into the entities of
bot.core. A row keeps ISO text (as the database and export_chat do); an entity gets
datetimes: this is the one place that turns the one into the other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from bot.core.entities import (
    Answer,
    Chat,
    Checkin,
    CheckinAnswer,
    Coordinator,
    Member,
    Network,
    NetworkLink,
    Run,
    RunStatus,
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
    "network_links": "chat_id = ?",  # which network, since when, who linked (issue 19)
}

# What `count` may count: the chats' tables and the update ids.
COUNTABLE = frozenset(CHAT_TABLES) | {"processed_updates"}

Row = Mapping  # an aiosqlite.Row or a dict: both are read by column name


def iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def moment(text: str | None) -> datetime | None:
    """A stored moment as a timezone-aware datetime in UTC (text without an offset is UTC)."""
    if not text:
        return None
    read = datetime.fromisoformat(text)
    return read.replace(tzinfo=UTC) if read.tzinfo is None else read.astimezone(UTC)


def day(text: str | None) -> date | None:
    """A stored day ("2027-09-01"; a whole moment counts as its day)."""
    return datetime.fromisoformat(text).date() if text else None


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def chat(row: Row) -> Chat:
    return Chat(row["id"], row["type"], row["title"], row["language"], row["timezone"],
                bool(row["active"]))


def member(row: Row) -> Member:
    return Member(row["user_id"], row["name"], row["organisation_id"],
                  bool(row["anonymous_admin"]))


def run(row: Row) -> Run:
    return Run(row["id"], row["chat_id"], row["flow"], row["number"], row["state"],
               RunStatus(row["status"]))


def schedule(row: Row) -> Schedule:
    return Schedule(row["chat_id"], row["rule"], row["timezone"], moment(row["next_at"]),
                    day(row["paused_until"]))


def checkin(row: Row) -> Checkin:
    return Checkin(row["id"], row["chat_id"], moment(row["opened_at"]),
                   moment(row["closed_at"]), moment(row["reminded_at"]),
                   moment(row["remind_at"]), moment(row["close_at"]), row["message_id"])


def scan(row: Row) -> Scan:
    return Scan(row["id"], row["chat_id"], row["number"], row["anonymous"], row["salt"],
                moment(row["opened_at"]), moment(row["closed_at"]), row["message_id"])


def network(row: Row) -> Network:
    return Network(row["id"], row["name"], moment(row["created_at"]))


def link(row: Row) -> NetworkLink:
    return NetworkLink(row["network_id"], row["chat_id"], bool(row["share_summaries"]),
                       moment(row["linked_at"]))


def coordinator(row: Row) -> Coordinator:
    return Coordinator(row["network_id"], row["user_id"], row["chat_id"], row["digest"],
                       moment(row["digest_next_at"]), moment(row["digest_sent_at"]))


def answer(row: Row, value: object, note: str | None) -> Answer:
    """An answer row, its value already decoded (each store keeps it its own way)."""
    return Answer(row["id"], row["step"], row["user_id"], row["user_name"],
                  row["organisation_id"], value, bool(row["skipped"]),
                  moment(row["created_at"]), row["message_id"], note)


def stale_chat(chat_id: int, last_active: str,
               warned: str | None) -> tuple[int, datetime, datetime | None]:
    """(id, last active, when it was warned), as `Store.stale_chats` hands them out."""
    return chat_id, moment(last_active), moment(warned)


def last_checkin_answers(rows: Iterable[Row]) -> list[CheckinAnswer]:
    """The answer that counts per member and question: their last one (rows oldest first)."""
    latest = {(r["user_id"], r["question"]): CheckinAnswer(
        r["user_id"], r["user_name"], r["organisation_id"], r["question"], r["value"])
        for r in rows}
    return list(latest.values())


def last_scan_scores(rows: Iterable[Row]) -> list[ScanScore]:
    """Per respondent and condition the last score, then every remark (rows oldest first)."""
    scores: dict[tuple[int, str], ScanScore] = {}
    remarks = []
    for r in rows:
        item = ScanScore(r["respondent"], r["user_name"], r["organisation_id"], r["condition"],
                         r["score"], r["remark"])
        if r["remark"] is not None:
            remarks.append(item)
        else:
            scores[(r["respondent"], r["condition"])] = item
    return list(scores.values()) + remarks
