"""The one place that speaks SQL. Everything else calls these methods."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.core.entities import (
    Answer,
    Chat,
    Checkin,
    CheckinAnswer,
    Member,
    Organisation,
    Prompt,
    Run,
    Scan,
    ScanScore,
    Schedule,
)
from bot.store.schema import MIGRATIONS


class Cipher:
    """Free-text answers at rest: sealed with Fernet when BOT_DATA_KEY is set."""

    PREFIX = "gAAAA"  # every Fernet token starts like this

    def __init__(self, key: str | None) -> None:
        self.fernet = None
        if key:
            from cryptography.fernet import Fernet
            self.fernet = Fernet(key.encode())

    def seal(self, text: str) -> str:
        return self.fernet.encrypt(text.encode()).decode() if self.fernet else text

    def open(self, text: str) -> str:
        if not text.startswith(self.PREFIX):
            return text  # stored before the key was set
        if self.fernet is None:
            raise KeyMismatch("the database holds encrypted answers: set BOT_DATA_KEY")
        from cryptography.fernet import InvalidToken
        try:
            return self.fernet.decrypt(text.encode()).decode()
        except InvalidToken:
            raise KeyMismatch("BOT_DATA_KEY does not open the answers in this database") \
                from None


class KeyMismatch(Exception):
    """The data key does not fit the database."""


# Inside Repo.batch(): the batch's update ids not seen before. Code running in the batch
# (and only there: a context variable, so the scheduler's task never sees it) joins the
# batch's transaction instead of opening its own.
_BATCH: ContextVar[set[int] | None] = ContextVar("repo_batch", default=None)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


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


class Repo:
    def __init__(self, db: aiosqlite.Connection, cipher: Cipher | None = None) -> None:
        self.db = db
        self.cipher = cipher or Cipher(None)
        # Chats and members seen lately: most updates need not write them again. Any
        # change to a chat drops it from here; a rolled-back transaction drops everything.
        self._chats: dict[int, tuple[Chat, datetime]] = {}
        self._members: dict[tuple[int, int], Member] = {}
        self._organisations: dict[int, list[Organisation]] = {}
        # One connection serves updates and the scheduler: one transaction at a time.
        self._lock = asyncio.Lock()

    # -- connection and schema -------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str, key: str | None = None) -> Repo:
        db = await aiosqlite.connect(str(path), isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA busy_timeout = 5000")
        repo = cls(db, Cipher(key))
        try:
            await repo.migrate()
            await repo._check_key()
        except BaseException:
            await db.close()
            raise
        return repo

    async def _check_key(self) -> None:
        """Refuse to start with a key that does not open the stored answers."""
        row = await self._one("SELECT value FROM answers WHERE value LIKE 'gAAAA%' LIMIT 1")
        if row is not None:
            self.cipher.open(row[0])

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
        if _BATCH.get() is not None:
            yield self  # part of the batch: it commits, or rolls back, as a whole
            return
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                await self._rollback()
                raise
            await self.db.execute("COMMIT")

    @asynccontextmanager
    async def batch(self, update_ids: list[int], now: datetime):
        """Several updates' work in one transaction (group commit): one commit instead of
        one per update, and the updates' statements can interleave. The update ids are
        recorded first, in one statement; `mark_update` then answers from memory."""
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            fresh: set[int] = set()
            token = _BATCH.set(fresh)
            try:
                if update_ids:
                    rows = await self._all(
                        "INSERT OR IGNORE INTO processed_updates VALUES "
                        + ", ".join(["(?, ?)"] * len(update_ids)) + " RETURNING update_id",
                        tuple(v for i in update_ids for v in (i, _iso(now))))
                    fresh.update(row[0] for row in rows)
                yield self
            except BaseException:
                await self._rollback()
                raise
            finally:
                _BATCH.reset(token)
            await self.db.execute("COMMIT")

    async def _rollback(self) -> None:
        await self.db.execute("ROLLBACK")
        self._chats.clear()
        self._members.clear()
        self._organisations.clear()

    # One hop to aiosqlite's thread per query (execute, fetch and close would be three).
    async def _one(self, sql: str, args: tuple = ()) -> aiosqlite.Row | None:
        rows = await self.db.execute_fetchall(sql, args)
        return rows[0] if rows else None

    async def _all(self, sql: str, args: tuple = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, args))

    # -- updates ---------------------------------------------------------------

    async def mark_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False when it was processed before (a redelivery)."""
        fresh = _BATCH.get()
        if fresh is not None and update_id in fresh:
            fresh.discard(update_id)  # recorded by batch(); a second call says "seen"
            return True
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO processed_updates VALUES (?, ?)", (update_id, _iso(now))
        )
        return cur.rowcount == 1

    async def forget_updates(self, before: datetime) -> None:
        await self.db.execute("DELETE FROM processed_updates WHERE processed_at < ?",
                              (_iso(before),))

    # -- chats -----------------------------------------------------------------

    async def chat(self, chat_id: int) -> Chat | None:
        row = await self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return self._chat(row) if row else None

    @staticmethod
    def _chat(row: aiosqlite.Row) -> Chat:
        return Chat(row["id"], row["type"], row["title"], row["language"], row["timezone"],
                    bool(row["active"]))

    def _invalidate(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)
        self._organisations.pop(chat_id, None)
        for key in [k for k in self._members if k[0] == chat_id]:
            del self._members[key]

    async def ensure_chat(self, chat_id: int, type_: str, title: str, language: str,
                          timezone: str, now: datetime) -> Chat:
        cached = self._chats.get(chat_id)
        # Activity is noted at most once an hour; retention counts in days.
        if cached and cached[0].title == title and now - cached[1] < timedelta(hours=1):
            return cached[0]
        # One round trip: the upsert hands back the row (SQLite 3.35+).
        row = await self._one(
            "INSERT INTO chats (id, type, title, language, timezone, created_at, last_active_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title, "
            "last_active_at = excluded.last_active_at, retention_warned_at = NULL RETURNING *",
            (chat_id, type_, title, language, timezone, _iso(now), _iso(now)),
        )
        chat = self._chat(row)
        self._chats[chat_id] = (chat, now)
        return chat

    async def set_language(self, chat_id: int, language: str) -> None:
        self._invalidate(chat_id)
        await self.db.execute("UPDATE chats SET language = ? WHERE id = ?", (language, chat_id))

    async def last_tip(self, chat_id: int) -> str | None:
        row = await self._one("SELECT last_tip FROM chats WHERE id = ?", (chat_id,))
        return row[0] if row else None

    async def set_last_tip(self, chat_id: int, tip_id: str) -> None:
        await self.db.execute("UPDATE chats SET last_tip = ? WHERE id = ?", (tip_id, chat_id))

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group became a supergroup: its rows follow the new id (foreign keys cascade)."""
        self._invalidate(old)
        self._invalidate(new)
        if await self.chat(old) is None:
            return False
        if await self.chat(new) is not None:
            # Only an incidental row (a message in the new supergroup came first).
            await self.db.execute("DELETE FROM chats WHERE id = ?", (new,))
        await self.db.execute("UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?",
                              (new, old))
        return True

    async def stale_chats(self, before: datetime) -> list[tuple[int, str, str | None]]:
        """Chats not used since `before`: (id, last active, when they were warned)."""
        rows = await self._all(
            "SELECT id, COALESCE(last_active_at, created_at), retention_warned_at FROM chats "
            "WHERE COALESCE(last_active_at, created_at) < ?", (_iso(before),))
        return [(r[0], r[1], r[2]) for r in rows]

    async def set_retention_warned(self, chat_id: int, now: datetime) -> None:
        self._invalidate(chat_id)
        await self.db.execute("UPDATE chats SET retention_warned_at = ? WHERE id = ?",
                              (_iso(now), chat_id))

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str | None]]:
        """Every chat where this person is a member: (chat id, title, name, organisation)."""
        rows = await self._all(
            "SELECT m.chat_id, c.title, m.name, o.name FROM members m "
            "JOIN chats c ON c.id = m.chat_id "
            "LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = ? "
            "ORDER BY m.chat_id", (user_id,))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def answers_by(self, user_id: int) -> list[tuple[int, str, str, object]]:
        """(chat id, flow, step, value) of everything this person answered."""
        rows = await self._all(
            "SELECT a.chat_id, r.flow, a.step, a.value, a.skipped FROM answers a "
            "JOIN flow_runs r ON r.id = a.run_id WHERE a.user_id = ? ORDER BY a.id", (user_id,))
        return [(r[0], r[1], r[2], None if r[4] else json.loads(self.cipher.open(r[3])))
                for r in rows]

    async def forget_member(self, user_id: int) -> int:
        """Anonymise this person's answers everywhere and drop their memberships."""
        for key in [k for k in self._members if k[1] == user_id]:
            del self._members[key]
        count = 0
        for table, who in (("answers", "user_id"), ("checkin_answers", "user_id"),
                           ("scan_scores", "respondent")):
            cur = await self.db.execute(
                f"UPDATE {table} SET {who} = 0, user_name = '' WHERE {who} = ?", (user_id,))
            count += cur.rowcount
        await self.db.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
        return count

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        self._invalidate(chat_id)
        await self.db.execute("UPDATE chats SET timezone = ? WHERE id = ?", (timezone, chat_id))
        await self.db.execute("UPDATE schedules SET timezone = ? WHERE chat_id = ?",
                              (timezone, chat_id))

    async def set_active(self, chat_id: int, active: bool) -> None:
        self._invalidate(chat_id)
        await self.db.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    # -- organisations and members ---------------------------------------------

    async def organisations(self, chat_id: int) -> list[Organisation]:
        cached = self._organisations.get(chat_id)
        if cached is None:
            rows = await self._all(
                "SELECT id, name FROM organisations WHERE chat_id = ? ORDER BY id", (chat_id,)
            )
            cached = self._organisations[chat_id] = [Organisation(r["id"], r["name"])
                                                     for r in rows]
        return list(cached)

    async def add_organisation(self, chat_id: int, name: str, now: datetime) -> bool:
        self._invalidate(chat_id)
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO organisations (chat_id, name, created_at) VALUES (?, ?, ?)",
            (chat_id, name, _iso(now)),
        )
        return cur.rowcount == 1

    async def rename_organisation(self, chat_id: int, org_id: int, name: str) -> bool:
        self._invalidate(chat_id)
        cur = await self.db.execute(
            "UPDATE OR IGNORE organisations SET name = ? WHERE chat_id = ? AND id = ?",
            (name, chat_id, org_id),
        )
        return cur.rowcount == 1

    async def remove_organisation(self, chat_id: int, org_id: int) -> bool:
        self._invalidate(chat_id)  # members of it lose their organisation
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
        cached = self._members.get((chat_id, user_id))
        if cached and cached.name == name and cached.anonymous_admin == anonymous_admin:
            return cached
        row = await self._one(
            "INSERT INTO members (chat_id, user_id, name, anonymous_admin, first_seen) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET name = excluded.name RETURNING *",
            (chat_id, user_id, name, int(anonymous_admin), _iso(now)),
        )
        member = Member(row["user_id"], row["name"], row["organisation_id"],
                        bool(row["anonymous_admin"]))
        self._members[(chat_id, user_id)] = member
        return member

    async def set_member_organisation(self, chat_id: int, user_id: int, org_id: int) -> None:
        self._members.pop((chat_id, user_id), None)
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
                         skipped: bool = False, message_id: int | None = None,
                         note: str | None = None) -> int:
        cur = await self.db.execute(
            "INSERT INTO answers (run_id, chat_id, step, user_id, user_name, organisation_id, "
            "value, skipped, message_id, created_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, chat_id, step, user_id, user_name, organisation_id,
             self.cipher.seal(json.dumps(value, ensure_ascii=False)), int(skipped), message_id,
             _iso(now), self.cipher.seal(note) if note is not None else None),
        )
        return cur.lastrowid

    async def answer_to(self, chat_id: int, message_id: int) -> tuple[Answer, str] | None:
        """The answer given with this message, and its run's flow."""
        row = await self._one(
            "SELECT a.*, r.flow FROM answers a JOIN flow_runs r ON r.id = a.run_id "
            "WHERE a.chat_id = ? AND a.message_id = ? ORDER BY a.id DESC LIMIT 1",
            (chat_id, message_id))
        return (self._answer(row), row["flow"]) if row else None

    async def set_answer_value(self, answer_id: int, value: object) -> None:
        await self.db.execute("UPDATE answers SET value = ? WHERE id = ?",
                              (self.cipher.seal(json.dumps(value, ensure_ascii=False)),
                               answer_id))

    async def set_answer_note(self, answer_id: int, note: str) -> None:
        await self.db.execute("UPDATE answers SET note = ? WHERE id = ?",
                              (self.cipher.seal(note), answer_id))

    async def answers(self, run_id: int, step: str | None = None) -> list[Answer]:
        """All answers of a run (or one step), oldest first: the history is kept."""
        sql = "SELECT * FROM answers WHERE run_id = ?"
        args: tuple = (run_id,)
        if step is not None:
            sql += " AND step = ?"
            args += (step,)
        rows = await self._all(sql + " ORDER BY id", args)
        return [self._answer(r) for r in rows]

    def _answer(self, r: aiosqlite.Row) -> Answer:
        note = r["note"]
        return Answer(r["id"], r["step"], r["user_id"], r["user_name"], r["organisation_id"],
                      json.loads(self.cipher.open(r["value"])), bool(r["skipped"]),
                      r["created_at"], r["message_id"],
                      self.cipher.open(note) if note is not None else None)

    # -- drafts: a member's half-made multiple choice, theirs alone ---------------

    async def draft(self, chat_id: int, run_id: int, step: str, user_id: int) -> list[str]:
        row = await self._one(
            "SELECT choices FROM drafts WHERE chat_id = ? AND run_id = ? AND step = ? "
            "AND user_id = ?", (chat_id, run_id, step, user_id))
        return json.loads(row[0]) if row else []

    async def set_draft(self, chat_id: int, run_id: int, step: str, user_id: int,
                        choices: list[str]) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO drafts (chat_id, run_id, step, user_id, choices) "
            "VALUES (?, ?, ?, ?, ?)", (chat_id, run_id, step, user_id, json.dumps(choices)))

    async def clear_drafts(self, run_id: int, step: str, user_id: int | None = None) -> None:
        sql, args = "DELETE FROM drafts WHERE run_id = ? AND step = ?", (run_id, step)
        if user_id is not None:
            sql, args = sql + " AND user_id = ?", (*args, user_id)
        await self.db.execute(sql, args)

    # -- prompts (questions the bot sent, so a reply finds its question) --------

    async def add_prompt(self, chat_id: int, message_id: int, run_id: int | None, step: str,
                         now: datetime, kind: str = "question") -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO prompts (chat_id, message_id, run_id, step, created_at, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, message_id, run_id, step, _iso(now), kind),
        )

    async def prompt(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self._one(
            "SELECT run_id, step, kind FROM prompts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return Prompt(row["run_id"], row["step"], row["kind"]) if row else None

    async def prompt_and_run(self, chat_id: int, message_id: int) -> tuple[Prompt | None,
                                                                            Run | None]:
        """The question a message asked, and its run, in one query (the hot path)."""
        row = await self._one(
            "SELECT p.run_id AS p_run, p.step AS p_step, p.kind AS p_kind, r.* FROM prompts p "
            "LEFT JOIN flow_runs r ON r.id = p.run_id WHERE p.chat_id = ? AND p.message_id = ?",
            (chat_id, message_id))
        if row is None:
            return None, None
        prompt = Prompt(row["p_run"], row["p_step"], row["p_kind"])
        return prompt, (self._run(row) if row["id"] is not None else None)

    # -- check-in schedules and rounds -------------------------------------------

    async def schedule(self, chat_id: int) -> Schedule | None:
        row = await self._one("SELECT * FROM schedules WHERE chat_id = ?", (chat_id,))
        return Schedule(**dict(row)) if row else None

    async def set_schedule(self, chat_id: int, rule: str, timezone: str, next_at: datetime | None,
                           paused_until: str | None = None) -> None:
        await self.db.execute(
            "INSERT INTO schedules (chat_id, rule, timezone, next_at, paused_until) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET rule = excluded.rule, "
            "timezone = excluded.timezone, next_at = excluded.next_at, "
            "paused_until = excluded.paused_until",
            (chat_id, rule, timezone, _iso(next_at) if next_at else None, paused_until),
        )

    async def delete_schedule(self, chat_id: int) -> None:
        await self.db.execute("DELETE FROM schedules WHERE chat_id = ?", (chat_id,))

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        rows = await self._all(
            "SELECT s.* FROM schedules s JOIN chats c ON c.id = s.chat_id "
            "WHERE c.active = 1 AND s.next_at IS NOT NULL AND s.next_at <= ? "
            "ORDER BY s.next_at", (_iso(now),))
        return [Schedule(**dict(r)) for r in rows]

    def _checkin(self, row: aiosqlite.Row) -> Checkin:
        return Checkin(row["id"], row["chat_id"], row["opened_at"], row["closed_at"],
                       row["reminded_at"], row["remind_at"], row["close_at"], row["message_id"])

    async def open_checkin(self, chat_id: int, now: datetime, remind_at: datetime,
                           close_at: datetime) -> int:
        cur = await self.db.execute(
            "INSERT INTO checkins (chat_id, opened_at, remind_at, close_at) VALUES (?, ?, ?, ?)",
            (chat_id, _iso(now), _iso(remind_at), _iso(close_at)))
        return cur.lastrowid

    async def checkin(self, checkin_id: int) -> Checkin | None:
        row = await self._one("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        return self._checkin(row) if row else None

    async def open_checkin_of(self, chat_id: int) -> Checkin | None:
        row = await self._one(
            "SELECT * FROM checkins WHERE chat_id = ? AND closed_at IS NULL ORDER BY id DESC",
            (chat_id,))
        return self._checkin(row) if row else None

    async def previous_checkin(self, chat_id: int, before: int) -> Checkin | None:
        row = await self._one(
            "SELECT * FROM checkins WHERE chat_id = ? AND id < ? AND closed_at IS NOT NULL "
            "ORDER BY id DESC LIMIT 1", (chat_id, before))
        return self._checkin(row) if row else None

    async def checkins_waiting(self, now: datetime) -> list[Checkin]:
        """Open rounds of active chats that are unsent, due a reminder, or due to close."""
        rows = await self._all(
            "SELECT k.* FROM checkins k JOIN chats c ON c.id = k.chat_id "
            "WHERE c.active = 1 AND k.closed_at IS NULL AND (k.message_id IS NULL "
            "OR (k.reminded_at IS NULL AND k.remind_at <= ?) OR k.close_at <= ?) ORDER BY k.id",
            (_iso(now), _iso(now)))
        return [self._checkin(r) for r in rows]

    async def set_checkin_message(self, checkin_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE checkins SET message_id = ? WHERE id = ?",
                              (message_id, checkin_id))

    async def mark_reminded(self, checkin_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE checkins SET reminded_at = ? WHERE id = ?",
                              (_iso(now), checkin_id))

    async def close_checkin(self, checkin_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE checkins SET closed_at = ? WHERE id = ?",
                              (_iso(now), checkin_id))

    async def add_checkin_answer(self, checkin_id: int, chat_id: int, user_id: int,
                                 user_name: str, organisation_id: int | None, question: str,
                                 value: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO checkin_answers (checkin_id, chat_id, user_id, user_name, "
            "organisation_id, question, value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (checkin_id, chat_id, user_id, user_name, organisation_id, question,
             self.cipher.seal(value), _iso(now)))

    async def checkin_answers(self, checkin_id: int) -> list[CheckinAnswer]:
        """The answer that counts per member and question: their last one."""
        rows = await self._all(
            "SELECT user_id, user_name, organisation_id, question, value FROM checkin_answers "
            "WHERE checkin_id = ? ORDER BY id", (checkin_id,))
        latest = {(r["user_id"], r["question"]): CheckinAnswer(
            r["user_id"], r["user_name"], r["organisation_id"], r["question"],
            self.cipher.open(r["value"])) for r in rows}
        return list(latest.values())

    # -- the five-conditions scan ----------------------------------------------

    async def open_scan(self, chat_id: int, anonymous: bool, salt: str, now: datetime) -> Scan:
        row = await self._one("SELECT COALESCE(MAX(number), 0) + 1 FROM scans WHERE chat_id = ?",
                              (chat_id,))
        cur = await self.db.execute(
            "INSERT INTO scans (chat_id, number, anonymous, salt, opened_at) "
            "VALUES (?, ?, ?, ?, ?)", (chat_id, row[0], int(anonymous), salt, _iso(now)))
        return await self.scan(cur.lastrowid)

    async def scan(self, scan_id: int) -> Scan | None:
        row = await self._one("SELECT * FROM scans WHERE id = ?", (scan_id,))
        return Scan(**dict(row)) if row else None

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
        return Scan(**dict(row)) if row else None

    async def set_scan_message(self, scan_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE scans SET message_id = ? WHERE id = ?",
                              (message_id, scan_id))

    async def close_scan(self, scan_id: int, now: datetime) -> None:
        await self.db.execute("UPDATE scans SET closed_at = ? WHERE id = ?", (_iso(now), scan_id))

    async def add_scan_score(self, scan_id: int, chat_id: int, respondent: int, user_name: str,
                             organisation_id: int | None, condition: str, score: int | None,
                             remark: str | None, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO scan_scores (scan_id, chat_id, respondent, user_name, organisation_id, "
            "condition, score, remark, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (scan_id, chat_id, respondent, user_name, organisation_id, condition, score,
             self.cipher.seal(remark) if remark is not None else None, _iso(now)))

    async def scan_scores(self, scan_id: int) -> list[ScanScore]:
        """Per respondent and condition the last score; every remark."""
        rows = await self._all("SELECT * FROM scan_scores WHERE scan_id = ? ORDER BY id",
                               (scan_id,))
        scores: dict[tuple[int, str], ScanScore] = {}
        remarks = []
        for r in rows:
            item = ScanScore(r["respondent"], r["user_name"], r["organisation_id"],
                             r["condition"], r["score"],
                             self.cipher.open(r["remark"]) if r["remark"] else r["remark"])
            if r["remark"] is not None:
                remarks.append(item)
            else:
                scores[(r["respondent"], r["condition"])] = item
        return list(scores.values()) + remarks

    # -- introspection, for tests and /export -----------------------------------

    async def count(self, table: str, chat_id: int | None = None) -> int:
        if table not in {"chats", "organisations", "members", "flow_runs", "answers", "prompts",
                         "drafts",
                         "schedules", "checkins", "checkin_answers", "scans", "scan_scores",
                         "processed_updates"}:
            raise ValueError(table)
        column = "id" if table == "chats" else "chat_id"
        where = f" WHERE {column} = ?" if chat_id is not None else ""
        row = await self._one(f"SELECT COUNT(*) FROM {table}{where}",
                              (chat_id,) if chat_id is not None else ())
        return row[0]


    async def export_chat(self, chat_id: int) -> dict[str, list[dict]]:
        """Every row the bot holds for one chat, table by table, answers opened."""
        result = {}
        for table, where in CHAT_TABLES.items():
            rows = await self._all(f"SELECT * FROM {table} WHERE {where} ORDER BY rowid",
                                   (chat_id,))
            result[table] = [dict(row) for row in rows]
        for table, column in (("answers", "value"), ("answers", "note"),
                              ("checkin_answers", "value"), ("scan_scores", "remark")):
            for row in result[table]:
                if row[column]:
                    row[column] = self.cipher.open(row[column])
        return result

    async def forget_chat(self, chat_id: int) -> None:
        """Delete every row of one chat (children first, so no foreign key is left dangling)."""
        self._invalidate(chat_id)
        for table in reversed(list(CHAT_TABLES)):
            await self.db.execute(f"DELETE FROM {table} WHERE {CHAT_TABLES[table]}", (chat_id,))
