"""The PostgreSQL pool: opening it (migrations under an advisory lock, so workers that start
together do not race), the unit of work (`transaction()`, `batch()`: one pooled connection
in one transaction), waiting out a server that went away, and the query helpers every
aggregate module uses. Several processes may share the database: a unit takes its chat's
advisory lock (chats.py), the update-id table recognises a redelivery whichever worker
got it (updates.py), and the clock's work is claimed (claim below)."""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from typing import Self

import asyncpg

from bot.store.postgres.schema import CLAIMS, MIGRATIONS
from bot.store.postgres.url import StoreUnavailable, check, redacted
from bot.store.rows import iso

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x5A4D_5742_4F54  # any constant: pg_advisory_lock's key for migrating
# How long another worker leaves the clock's work (a due round) to the one that claimed
# it: five minutes, and the time to send what it claimed at Telegram's 30 messages a
# second (50 ms each, with room to spare), so a long fan-out is not taken over halfway.
LEASE = timedelta(minutes=5)
PER_REF = timedelta(milliseconds=50)
CLAIMING = 0x434C  # pg_advisory_xact_lock(CLAIMING, hashtext(kind)): one claim at a time
# What a vanished server looks like; the statement did not run (or its unit rolls back).
GONE = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError,
        asyncpg.exceptions.OperatorInterventionError, asyncpg.TooManyConnectionsError,
        asyncpg.InterfaceError)

# The unit this task (and the tasks it starts) has open. SQLite's one connection makes a
# call on the store inside `store.transaction()` part of that transaction; code that
# works on the store instead of the unit it was handed (the contract tests, the clock's
# work in features) keeps that meaning here through this, and no more than that.
_OPEN: ContextVar[Database | None] = ContextVar("the open PostgreSQL unit", default=None)


def lost(conn: asyncpg.Connection, exc: BaseException) -> bool:
    """Whether a statement's failure means the server went away. Besides GONE: when it goes
    at the moment a statement is sent, asyncpg may say only that its protocol is in the
    wrong state (InternalClientError), or fail with the connection already closed."""
    return isinstance(exc, GONE) or isinstance(
        exc, asyncpg.exceptions._base.InternalClientError) or conn.is_closed()


def at(moment: datetime | None) -> datetime | None:
    """A moment as stored: whole seconds, as SQLite's ISO text keeps it."""
    return moment.replace(microsecond=0) if moment is not None else None


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def plain(record: asyncpg.Record) -> dict:
    """A row as the shared row readers (bot/store/rows.py) and the export take it: moments
    as ISO text, days as YYYY-MM-DD."""
    return {key: _plain(value) for key, value in record.items()}


async def _kept(conn: asyncpg.Connection) -> None:
    """Releasing a connection to the pool: asyncpg rolls back a transaction left open, and
    nothing more is needed (its default reset query would cost a round trip a unit): units
    end in COMMIT or ROLLBACK, their chat locks are transaction-scoped, and nothing here
    sets session state (the migration lock is unlocked where it is taken)."""


def _literal(moment: datetime) -> str:
    """A moment as an SQL literal (for a statement sent without parameters)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # as asyncpg sends a naive one
    return f"'{moment.isoformat()}'::timestamptz"


def _reason(exc: BaseException, url: str) -> str:
    text = str(exc) or type(exc).__name__
    with suppress(ValueError):
        from urllib.parse import urlsplit
        password = urlsplit(url).password
        if password:
            text = text.replace(password, "***")
    return text.splitlines()[0]


class Database:
    def __init__(self, pool: asyncpg.Pool, *, retry_for: float = 300.0) -> None:
        self.pool = pool
        self.retry_for = retry_for  # how long to wait for a server that went away
        self.owner = uuid.uuid4().hex  # this worker, in the claims table
        # Set on the unit a transaction or batch hands out (a view of this store bound to
        # one connection): the connection, the batch's update ids not seen before, one
        # statement at a time (a batch handles chats side by side), the chats it locked.
        self.conn: asyncpg.Connection | None = None
        self.fresh: set[int] | None = None
        self._turn: asyncio.Lock | None = None
        self._locked: set[int] = set()

    # -- pool and schema ---------------------------------------------------------

    @classmethod
    async def open(cls, url: str, *, max_size: int = 10, retry_for: float = 300.0) -> Self:
        """Connect and migrate; StoreUnavailable (naming DATABASE_URL, never the password)
        when the URL is bad or the server cannot be reached now."""
        problem = check(url)
        if problem:
            raise StoreUnavailable(f"DATABASE_URL is not a usable PostgreSQL URL "
                                   f"({redacted(url)}): {problem}")
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=max_size, timeout=15,
                                             reset=_kept)
        except Exception as exc:  # refused, unknown host, bad password, no such database
            raise StoreUnavailable(f"DATABASE_URL: cannot connect to PostgreSQL at "
                                   f"{redacted(url)}: {_reason(exc, url)}") from None
        store = cls(pool, retry_for=retry_for)
        try:
            await store.migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self.pool.close()

    async def sealed_sample(self) -> str | None:
        """One sealed answer value, if any (to check the data key against at start)."""
        row = await self._one("SELECT value FROM answers WHERE value LIKE '\"gAAAA%' LIMIT 1")
        return row["value"] if row else None

    async def schema_version(self) -> int:
        async with self.pool.acquire() as conn:
            return await self._version(conn)

    @staticmethod
    async def _version(conn: asyncpg.Connection) -> int:
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                           "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL "
                           "DEFAULT now())")
        return await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")

    async def migrate(self, upto: int | None = None) -> int:
        """Apply the migrations not yet recorded, each in its own transaction, holding an
        advisory lock: a second worker starting at the same time waits, then finds them
        applied."""
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                version = await self._version(conn)
                target = len(MIGRATIONS) if upto is None else upto
                for number in range(version + 1, target + 1):
                    async with conn.transaction():
                        await conn.execute(MIGRATIONS[number - 1])
                        await conn.execute("INSERT INTO schema_migrations (version) "
                                           "VALUES ($1)", number)
                await conn.execute(CLAIMS)
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
                except BaseException:
                    conn.terminate()  # not back into the pool holding the lock (_kept)
                    raise
        return max(version, target)

    # -- the unit of work --------------------------------------------------------

    def joined(self) -> Database | None:
        """The unit to work in: this one, or the one this task has open on this pool."""
        if self.conn is not None:
            return self
        unit = _OPEN.get()
        return unit if unit is not None and unit.pool is self.pool else None

    @asynccontextmanager
    async def transaction(self):
        """One unit of work: everything inside commits together or not at all. Yields the
        unit to work with; called on a unit (or inside one), it joins that unit."""
        unit = self.joined()
        if unit is not None:
            yield unit
            return
        async with self._unit([], None) as unit:
            yield unit

    @asynccontextmanager
    async def batch(self, update_ids: list[int], now: datetime):
        """Several updates' work in one transaction; their ids are recorded first, in one
        statement, and the unit's `mark_update` answers from memory. Another worker
        holding one of these ids in an open unit makes this wait for its outcome."""
        async with self._unit(update_ids, now) as unit:
            yield unit

    @asynccontextmanager
    async def _unit(self, update_ids: list[int], now: datetime | None):
        conn, fresh = await self._retrying(lambda: self._begin(update_ids, now))
        unit = copy.copy(self)  # the same pool; its own connection
        unit.conn, unit.fresh, unit._turn, unit._locked = conn, fresh, asyncio.Lock(), set()
        token = _OPEN.set(unit)
        try:
            yield unit
        except BaseException:
            _OPEN.reset(token)
            with suppress(Exception):  # a lost connection has rolled back by itself
                await conn.execute("ROLLBACK")
            await self._release(conn)
            raise
        _OPEN.reset(token)
        try:
            await conn.execute("COMMIT")
        except Exception as exc:
            if not lost(conn, exc):
                raise
            # Committed or not, nobody can tell: not confirmed, so Telegram sends it again
            # and the update-id table says whether it was kept.
            raise StoreUnavailable(f"PostgreSQL went away while committing: {exc}") from exc
        finally:
            await self._release(conn)

    async def _begin(self, update_ids: list[int],
                     now: datetime | None) -> tuple[asyncpg.Connection, set[int]]:
        conn = await self.pool.acquire()
        try:
            fresh: set[int] = set()
            if len(update_ids) == 1 and now is not None:
                # A webhook's update: BEGIN and its id in one round trip (one simple query;
                # no parameters, but only an integer and a moment are spelled into it).
                update_id = int(update_ids[0])
                status = await conn.execute(
                    f"BEGIN; INSERT INTO processed_updates (update_id, processed_at) "
                    f"VALUES ({update_id}, {_literal(at(now))}) ON CONFLICT DO NOTHING")
                if status.rsplit(" ", 1)[-1] == "1":
                    fresh.add(update_id)
                return conn, fresh
            await conn.execute("BEGIN")
            if update_ids:
                rows = await conn.fetch(
                    "INSERT INTO processed_updates (update_id, processed_at) "
                    "SELECT u, $2 FROM unnest($1::bigint[]) AS u "
                    "ON CONFLICT DO NOTHING RETURNING update_id", update_ids, at(now))
                fresh.update(row["update_id"] for row in rows)
            return conn, fresh
        except BaseException:
            with suppress(Exception):
                await conn.execute("ROLLBACK")
            await self._release(conn)
            raise

    async def _release(self, conn: asyncpg.Connection) -> None:
        with suppress(Exception):  # a broken connection is dropped from the pool
            await self.pool.release(conn)

    async def _retrying(self, attempt: Callable[[], Awaitable]):
        """Run `attempt` until the server answers, with back-off (0.1 s doubling to 5 s),
        for at most `retry_for` seconds; nothing it does is kept when it fails."""
        delay, waited = 0.1, 0.0
        while True:
            try:
                return await attempt()
            except GONE as exc:
                if waited >= self.retry_for:
                    raise StoreUnavailable(f"PostgreSQL (DATABASE_URL) unreachable for "
                                           f"{waited:.0f} s: {exc}") from exc
                log.warning("PostgreSQL unreachable (%s); trying again in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 5.0)

    # -- queries: on the unit's connection, or a pooled one for a single statement ------

    async def _call(self, how: str, sql: str, args: tuple):
        unit = self.joined()
        if unit is not None:
            async with unit._turn:
                try:
                    return await getattr(unit.conn, how)(sql, *args)
                except Exception as exc:
                    if lost(unit.conn, exc):  # the unit is lost: it rolls back whole
                        raise StoreUnavailable(f"PostgreSQL went away: {exc}") from exc
                    raise

        async def once():
            async with self.pool.acquire() as conn:
                return await getattr(conn, how)(sql, *args)
        if sql.lstrip().upper().startswith("SELECT"):
            return await self._retrying(once)  # a read may simply be asked again
        try:
            return await once()
        except GONE as exc:
            raise StoreUnavailable(f"PostgreSQL went away: {exc}") from exc

    async def _one(self, sql: str, *args) -> dict | None:
        row = await self._call("fetchrow", sql, args)
        return plain(row) if row is not None else None

    async def _all(self, sql: str, *args) -> list[dict]:
        return [plain(row) for row in await self._call("fetch", sql, args)]

    async def _value(self, sql: str, *args):
        return await self._call("fetchval", sql, args)

    async def _run(self, sql: str, *args) -> int:
        """Run a statement; how many rows it touched."""
        status = await self._call("execute", sql, args)
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    # -- the clock's work, once across workers -----------------------------------------

    async def claim(self, kind: str, refs: list) -> set[str]:
        """Of these (due schedules by chat, waiting rounds, stale chats), the ones this
        worker is to handle, as text. One worker at a time does each kind of the clock's
        work: while another worker holds live claims of this kind, none (so a fan-out
        goes out at one worker's pace, which keeps under Telegram's 30 a second for the
        whole bot); otherwise all of them. A claim lives LEASE plus PER_REF for each ref
        claimed with it; a worker that stopped is taken over when its claims run out. A
        worker's own claims never stop it, so one process behaves exactly as without
        them. Server time, so workers' clocks need not agree. In a transaction of its own
        (a claim that outlives a rolled-back unit only keeps the work with this worker)."""
        if not refs:
            return set()

        async def once() -> list:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))",
                                   CLAIMING, kind)
                await conn.execute("DELETE FROM claims WHERE kind = $1 AND until <= now()",
                                   kind)
                if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM claims WHERE kind = $1 "
                                       "AND owner <> $2)", kind, self.owner):
                    return []
                return await conn.fetch(
                    "INSERT INTO claims (kind, ref, owner, until) "
                    "SELECT $1, r, $2, now() + $3::interval FROM unnest($4::text[]) AS r "
                    "ON CONFLICT (kind, ref) DO UPDATE SET until = excluded.until "
                    "RETURNING ref",
                    kind, self.owner, LEASE + PER_REF * len(refs), [str(ref) for ref in refs])
        return {row["ref"] for row in await self._retrying(once)}
