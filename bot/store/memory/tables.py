"""The in-memory store's tables: lists of plain dicts with SQLite's columns, in the order
SQLite would keep them (by rowid), and the few operations the store needs on them."""

from __future__ import annotations

# Each table's columns, in the SQLite schema's order: an export reads the same from both.
COLUMNS: dict[str, tuple[str, ...]] = {
    "chats": ("id", "type", "title", "language", "timezone", "active", "created_at",
              "last_tip", "last_active_at", "retention_warned_at"),
    "organisations": ("id", "chat_id", "name", "created_at"),
    "members": ("chat_id", "user_id", "name", "organisation_id", "anonymous_admin",
                "first_seen"),
    "flow_runs": ("id", "chat_id", "flow", "number", "state", "status", "started_at",
                  "updated_at"),
    "answers": ("id", "run_id", "chat_id", "step", "user_id", "user_name", "organisation_id",
                "value", "skipped", "message_id", "created_at", "note"),
    "prompts": ("chat_id", "message_id", "run_id", "step", "draft", "created_at", "kind",
                "ref"),
    "drafts": ("chat_id", "run_id", "step", "user_id", "choices"),
    "schedules": ("chat_id", "rule", "timezone", "next_at", "paused_until"),
    "checkins": ("id", "chat_id", "opened_at", "closed_at", "reminded_at", "remind_at",
                 "close_at", "message_id"),
    "checkin_answers": ("id", "checkin_id", "chat_id", "user_id", "user_name",
                        "organisation_id", "question", "value", "created_at"),
    "scans": ("id", "chat_id", "number", "anonymous", "salt", "opened_at", "closed_at",
              "message_id", "respondents"),
    "scan_scores": ("id", "scan_id", "chat_id", "respondent", "user_name", "organisation_id",
                    "condition", "score", "remark", "created_at"),
    "scan_voters": ("scan_id", "chat_id", "voter", "token"),
    "processed_updates": ("update_id", "processed_at"),
    "network_links": ("network_id", "chat_id", "share_summaries", "linked_at", "linked_by",
                      "unlinked_at"),
}

# Columns that point at an organisation: removing it leaves them empty (ON DELETE SET NULL).
ORGANISATION_OF = ("members", "answers", "checkin_answers", "scan_scores")


class Tables:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in COLUMNS}

    def copy(self) -> dict[str, list[dict]]:
        """A snapshot to roll back to (the values themselves are never changed in place)."""
        return {name: [dict(row) for row in rows] for name, rows in self.rows.items()}

    def where(self, table: str, **equal: object) -> list[dict]:
        return [row for row in self.rows[table]
                if all(row[column] == value for column, value in equal.items())]

    def first(self, table: str, **equal: object) -> dict | None:
        found = self.where(table, **equal)
        return found[0] if found else None

    def newest(self, table: str, **equal: object) -> dict | None:
        """The row with the highest id."""
        return max(self.where(table, **equal), key=lambda row: row["id"], default=None)

    def insert(self, table: str, **values: object) -> dict:
        """A new row, last; a new id is one more than the highest, as SQLite gives it."""
        row = dict.fromkeys(COLUMNS[table])
        row.update(values)
        if "id" in row and row["id"] is None:
            row["id"] = max((r["id"] for r in self.rows[table]), default=0) + 1
        self.rows[table].append(row)
        return row

    def replace(self, table: str, key: tuple[str, ...], **values: object) -> dict:
        """INSERT OR REPLACE: the row with the same key goes, the new one comes last."""
        self.delete(table, **{column: values[column] for column in key})
        return self.insert(table, **values)

    def update(self, table: str, changes: dict, **equal: object) -> int:
        found = self.where(table, **equal)
        for row in found:
            row.update(changes)
        return len(found)

    def delete(self, table: str, **equal: object) -> int:
        kept = [row for row in self.rows[table]
                if not all(row[column] == value for column, value in equal.items())]
        gone = len(self.rows[table]) - len(kept)
        self.rows[table] = kept
        return gone

    # -- what SQLite's foreign keys do ---------------------------------------------

    def delete_chat(self, chat_id: int) -> None:
        """A chat and every row of it (ON DELETE CASCADE)."""
        self.delete("chats", id=chat_id)
        for table in COLUMNS:
            if "chat_id" in COLUMNS[table]:
                self.delete(table, chat_id=chat_id)

    def move_chat(self, old: int, new: int) -> None:
        """A chat's id changes and its rows follow (ON UPDATE CASCADE)."""
        self.update("chats", {"id": new}, id=old)
        for table in COLUMNS:
            if "chat_id" in COLUMNS[table]:
                self.update(table, {"chat_id": new}, chat_id=old)

    def delete_organisation(self, chat_id: int, org_id: int) -> bool:
        if not self.delete("organisations", chat_id=chat_id, id=org_id):
            return False
        for table in ORGANISATION_OF:
            self.update(table, {"organisation_id": None}, organisation_id=org_id)
        return True
