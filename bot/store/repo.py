"""The one place that speaks SQL. Everything else calls these methods."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiosqlite

from bot.store.schema import MIGRATIONS


@dataclass
class Chat:
    id: int
    type: str
    title: str
    language: str
    timezone: str
    active: bool


@dataclass
class Organisation:
    id: int
    name: str


@dataclass
class Member:
    user_id: int
    name: str
    organisation_id: int | None
    anonymous_admin: bool


@dataclass
class Run:
    id: int
    chat_id: int
    flow: str
    number: int
    state: str
    status: str


@dataclass
class Answer:
    id: int
    step: str
    user_id: int
    user_name: str
    organisation_id: int | None
    value: object
    skipped: bool
    created_at: str


@dataclass
class Prompt:
    run_id: int | None
    step: str
    draft: list | None


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Repo:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    # -- connection and schema -------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str) -> Repo:
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA busy_timeout = 5000")
        repo = cls(db)
        await repo.migrate()
        return repo

    async def close(self) -> None:
        await self.db.close()

    async def schema_version(self) -> int:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        async with self.db.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return row[0] or 0

    async def migrate(self, upto: int | None = None) -> int:
        """Apply the migrations not yet recorded, each in its own transaction."""
        version = await self.schema_version()
        target = len(MIGRATIONS) if upto is None else upto
        for number in range(version + 1, target + 1):
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        await self.db.execute(statement)
                await self.db.execute(
                    "INSERT INTO schema_migrations VALUES (?, datetime('now'))", (number,)
                )
                await self.db.execute("COMMIT")
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
        return max(version, target)

    @asynccontextmanager
    async def transaction(self):
        """One unit of work: everything inside commits together or not at all."""
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            await self.db.execute("ROLLBACK")
            raise
        await self.db.execute("COMMIT")

    async def _one(self, sql: str, args: tuple = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, args: tuple = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # -- updates ---------------------------------------------------------------

    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO processed_updates VALUES (?, ?)", (update_id, _iso(now))
        )
        return cur.rowcount == 1

    # -- chats -----------------------------------------------------------------

    async def chat(self, chat_id: int) -> Chat | None:
        row = await self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        if row is None:
            return None
        return Chat(row["id"], row["type"], row["title"], row["language"], row["timezone"],
                    bool(row["active"]))

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        await self.db.execute(
            "INSERT INTO chats (id, type, title, language, timezone, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title",
            (chat_id, type_, title, language, timezone, _iso(now)),
        )
        chat = await self.chat(chat_id)
        assert chat is not None
        return chat

    async def set_language(self, chat_id: int, language: str) -> None:
        await self.db.execute("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def last_tip(self, chat_id: int) -> str | None:
        row = await self._one("SELECT last_tip FROM chats WHERE id = ?", (chat_id,))
        return row[0] if row else None

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None:
        await self.db.execute("UPDATE chats SET last_tip = ? WHERE id = ?", (tip_id, chat_id))

    async def set_active(self, chat_id: int, active: bool) -> None:
        await self.db.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    # -- organisations and members ---------------------------------------------

    async def organisations(self, chat_id: int) -> list[Organisation]:
        rows = await self._all(
            "SELECT id, name FROM organisations WHERE chat_id = ? ORDER BY id", (chat_id,)
        )
        return [Organisation(r["id"], r["name"]) for r in rows]

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO organisations (chat_id, name, created_at) VALUES (?, ?, ?)",
            (chat_id, name, _iso(now)),
        )
        return cur.rowcount == 1

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        cur = await self.db.execute(
            "UPDATE OR IGNORE organisations SET name = ? WHERE chat_id = ? AND id = ?",
            (name, chat_id, org_id),
        )
        return cur.rowcount == 1

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        cur = await self.db.execute(
            "DELETE FROM organisations WHERE chat_id = ? AND id = ?", (chat_id, org_id)
        )
        return cur.rowcount == 1

    async def member(self, chat_id: int, user_id: int) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        if row is None:
            return None
        return Member(row["user_id"], row["name"], row["organisation_id"],
                      bool(row["anonymous_admin"]))

    async def members(self, chat_id: int) -> list[Member]:
        rows = await self._all(
            "SELECT * FROM members WHERE chat_id = ? ORDER BY first_seen, user_id", (chat_id,)
        )
        return [Member(r["user_id"], r["name"], r["organisation_id"], bool(r["anonymous_admin"]))
                for r in rows]

    async def ensure_member(self, chat_id: int, user_id: int, name: str, anonymous_admin: bool,
                            now: datetime) -> Member:
        await self.db.execute(
            "INSERT INTO members (chat_id, user_id, name, anonymous_admin, first_seen) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET name = excluded.name",
            (chat_id, user_id, name, int(anonymous_admin), _iso(now)),
        )
        member = await self.member(chat_id, user_id)
        assert member is not None
        return member

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        await self.db.execute(
            "UPDATE members SET organisation_id = ? WHERE chat_id = ? AND user_id = ?",
            (org_id, chat_id, user_id),
        )
        # Answers given before the member chose belong to that organisation too.
        await self.db.execute(
            "UPDATE answers SET organisation_id = ? "
            "WHERE chat_id = ? AND user_id = ? AND organisation_id IS NULL",
            (org_id, chat_id, user_id),
        )

    # -- flow runs -------------------------------------------------------------

    def _run(self, row: aiosqlite.Row) -> Run:
        return Run(row["id"], row["chat_id"], row["flow"], row["number"], row["state"],
                   row["status"])

    async def run(self, run_id: int) -> Run | None:
        row = await self._one("SELECT * FROM flow_runs WHERE id = ?", (run_id,))
        return self._run(row) if row else None

    async def latest_run(self, chat_id: int, flow: str) -> Run | None:
        row = await self._one(
            "SELECT * FROM flow_runs WHERE chat_id = ? AND flow = ? ORDER BY id DESC LIMIT 1",
            (chat_id, flow),
        )
        return self._run(row) if row else None

    async def start_run(self, chat_id: int, flow: str, state: str, now: datetime) -> Run:
        row = await self._one(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM flow_runs WHERE chat_id = ? AND flow = ?",
            (chat_id, flow),
        )
        cur = await self.db.execute(
            "INSERT INTO flow_runs (chat_id, flow, number, state, status, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'active', ?, ?)",
            (chat_id, flow, row[0], state, _iso(now), _iso(now)),
        )
        run = await self.run(cur.lastrowid)
        assert run is not None
        return run

    async def update_run(self, run_id: int, state: str, status: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE flow_runs SET state = ?, status = ?, updated_at = ? WHERE id = ?",
            (state, status, _iso(now), run_id),
        )

    # -- answers ---------------------------------------------------------------

    async def add_answer(self, run_id: int, chat_id: int, step: str, user_id: int, user_name: str,
                         organisation_id: int | None, value: object, now: datetime, *,
                         skipped: bool = False, message_id: int | None = None) -> int:
        cur = await self.db.execute(
            "INSERT INTO answers (run_id, chat_id, step, user_id, user_name, organisation_id, "
            "value, skipped, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, chat_id, step, user_id, user_name, organisation_id,
             json.dumps(value, ensure_ascii=False), int(skipped), message_id, _iso(now)),
        )
        return cur.lastrowid

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""
        sql = "SELECT * FROM answers WHERE run_id = ?"
        args: tuple = (run_id,)
        if step is not None:
            sql += " AND step = ?"
            args += (step,)
        rows = await self._all(sql + " ORDER BY id", args)
        return [Answer(r["id"], r["step"], r["user_id"], r["user_name"], r["organisation_id"],
                       json.loads(r["value"]), bool(r["skipped"]), r["created_at"])
                for r in rows]

    # -- prompts (questions the bot sent, so a reply finds its question) --------

    async def add_prompt(self, chat_id: int, message_id: int, run_id: int | None, step: str,
                         now: datetime) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO prompts (chat_id, message_id, run_id, step, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (chat_id, message_id, run_id, step, _iso(now)),
        )

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self._one(
            "SELECT run_id, step, draft FROM prompts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        if row is None:
            return None
        draft = json.loads(row["draft"]) if row["draft"] else None
        return Prompt(row["run_id"], row["step"], draft)

    async def set_draft(self, chat_id: int, message_id: int, draft: list) -> None:
        await self.db.execute(
            "UPDATE prompts SET draft = ? WHERE chat_id = ? AND message_id = ?",
            (json.dumps(draft), chat_id, message_id),
        )

    # -- introspection, for tests and /export -----------------------------------

    async def count(self, table: str, chat_id: int | None = None) -> int:
        if table not in {"chats", "organisations", "members", "flow_runs", "answers", "prompts",
                         "schedules", "checkins", "processed_updates"}:
            raise ValueError(table)
        column = "id" if table == "chats" else "chat_id"
        where = f" WHERE {column} = ?" if chat_id is not None else ""
        row = await self._one(f"SELECT COUNT(*) FROM {table}{where}",
                              (chat_id,) if chat_id is not None else ())
        return row[0]
