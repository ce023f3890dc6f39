"""`samenwerkbot migrate-db --from sqlite:PATH --to postgresql://…`: a deployment moves
from its SQLite file to PostgreSQL with all its history.

The rows are copied as they are stored, below the store's layers: answers sealed with
BOT_DATA_KEY stay sealed (no key is needed, and none is seen), ids stay the same. All in
one transaction; a row already there is left alone, so running it again changes
nothing. Then every table is compared row by row, so the copy is known to be whole."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import date, datetime

from bot.store.postgres.url import StoreUnavailable, is_postgres, redacted
from bot.store.rows import day, iso, moment

# Parents before children, so every foreign key finds its row.
TABLES = ("chats", "organisations", "members", "flow_runs", "answers", "prompts", "drafts",
          "schedules", "checkins", "checkin_answers", "scans", "scan_scores", "scan_voters",
          "networks",
          "network_coordinators", "network_codes", "network_links", "processed_updates")


class CopyMismatch(Exception):
    """The target does not hold exactly what the source holds."""


def _reader(kind: str) -> Callable[[object], object]:
    """SQLite's text as the PostgreSQL column's type wants it."""
    if kind == "timestamp with time zone":
        return lambda v: moment(v) if isinstance(v, str) else v
    if kind == "date":
        return lambda v: day(v) if isinstance(v, str) else v
    return lambda v: v


def _key(row: tuple) -> tuple:
    return tuple((value is None, "" if value is None else value) for value in row)


def _shown(value: object) -> object:
    """One form for comparing both sides: moments as ISO text, days as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


async def copy(source, target, out: Callable[[str], None] = print) -> dict[str, int]:
    """Copy every row of `source` (a SqliteStore) into `target` (a PostgresStore); how
    many rows each table got that it did not have. CopyMismatch when, afterwards, the
    two differ in any table (the target held other data)."""
    added: dict[str, int] = {}
    async with target.transaction() as unit:
        conn = unit.conn
        for table in TABLES:
            types = {r["column_name"]: r["data_type"] for r in await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = $1", table)}
            rows = await source.db.execute_fetchall(f"SELECT * FROM {table} ORDER BY rowid")
            columns = [c for c in (rows[0].keys() if rows else []) if c in types]
            if not rows:
                added[table] = 0
                continue
            readers = [_reader(types[c]) for c in columns]
            before = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
            await conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                f"({', '.join(f'${i}' for i in range(1, len(columns) + 1))}) "
                "ON CONFLICT DO NOTHING",
                [tuple(read(row[c]) for read, c in zip(readers, columns, strict=True))
                 for row in rows])
            added[table] = await conn.fetchval(f"SELECT COUNT(*) FROM {table}") - before
            if types.get("id") == "bigint" and table != "chats":
                # New rows are numbered after the copied ones.
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}")
        for table in TABLES:
            await _compare(source, conn, table)
            count = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
            out(f"{table:<18} {count:>8} rows   ({added[table]} new)")
    return added


async def _compare(source, conn, table: str) -> None:
    """The same rows on both sides, value for value."""
    types = {r["column_name"]: r["data_type"] for r in await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1", table)}
    rows = await source.db.execute_fetchall(f"SELECT * FROM {table}")
    columns = [c for c in (rows[0].keys() if rows else types) if c in types]
    readers = [_reader(types[c]) for c in columns]
    mine = sorted((tuple(_shown(read(row[c])) for read, c in zip(readers, columns, strict=True))
                  for row in rows), key=_key)
    theirs = sorted((tuple(_shown(row[c]) for c in columns) for row in await conn.fetch(
        f"SELECT {', '.join(columns)} FROM {table}")), key=_key)
    if len(mine) != len(theirs):
        raise CopyMismatch(f"{table}: the SQLite file has {len(mine)} rows, PostgreSQL "
                           f"{len(theirs)}: copy into an empty database")
    if mine != theirs:
        raise CopyMismatch(f"{table}: PostgreSQL holds other rows under the same keys: "
                           "copy into an empty database")


async def migrate_db(source_path: str, target_url: str,
                     out: Callable[[str], None] = print) -> dict[str, int]:
    from bot.store.postgres.store import PostgresStore
    from bot.store.sqlite import SqliteStore

    source = await SqliteStore.open(source_path)
    try:
        target = await PostgresStore.open(target_url)
        try:
            return await copy(source, target, out)
        finally:
            await target.close()
    finally:
        await source.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="samenwerkbot migrate-db",
        description="Copy everything from a SQLite file into a PostgreSQL database (stop "
                    "the bot first). Encrypted answers stay encrypted; running it again "
                    "changes nothing.")
    parser.add_argument("--from", dest="source", required=True, metavar="sqlite:PATH")
    parser.add_argument("--to", dest="target", required=True, metavar="postgresql://…")
    args = parser.parse_args(argv)
    source = args.source[len("sqlite:"):] if args.source.startswith("sqlite:") \
        else args.source
    if "://" in source or not source:
        print("samenwerkbot: --from must be sqlite:PATH (the SQLite file)", file=sys.stderr)
        return 2
    from pathlib import Path
    if not Path(source).is_file():
        print(f"samenwerkbot: --from: no SQLite file at {source}", file=sys.stderr)
        return 2
    if not is_postgres(args.target):
        print("samenwerkbot: --to must be a postgresql:// (or postgres://) URL",
              file=sys.stderr)
        return 2
    try:
        asyncio.run(migrate_db(source, args.target))
    except StoreUnavailable as exc:
        print(f"samenwerkbot: {str(exc).replace('DATABASE_URL', '--to')}", file=sys.stderr)
        return 2
    except CopyMismatch as exc:
        print(f"samenwerkbot: nothing copied: {exc}", file=sys.stderr)
        return 1
    print(f"samenwerkbot: {source} copied to {redacted(args.target)}; every table matches")
    return 0
