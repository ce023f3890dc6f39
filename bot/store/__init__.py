"""Stores behind bot.core.ports.Store: SQLite (sqlite/), PostgreSQL (postgres/) and in
memory (memory/), with the layers every store can wear (cached.py, sealed.py).
`open_store` builds the stack the bot runs on."""

from __future__ import annotations

from pathlib import Path

from bot.store.cached import Cached
from bot.store.cipher import Cipher, KeyMismatch
from bot.store.postgres.url import StoreUnavailable, is_postgres
from bot.store.sealed import Sealed
from bot.store.sqlite import SqliteStore

__all__ = ["Cached", "Cipher", "KeyMismatch", "Sealed", "StoreUnavailable", "layered",
           "open_raw", "open_store"]


async def layered(store, key: str | None = None, *, cache: bool = True):
    """A store wearing its layers: the cipher when there is a key (checked against what is
    stored), the cache when one process owns the data."""
    if key:
        sealed = Sealed(store, Cipher(key))
        await sealed.check_key()
        store = sealed
    elif await store.sealed_sample() is not None:
        raise KeyMismatch("the database holds encrypted answers: set BOT_DATA_KEY")
    return Cached(store) if cache else store


async def open_raw(target: Path | str, *, wait: float = 300.0):
    """The store itself, migrated, without layers: a PostgreSQL URL (postgresql://… or
    postgres://…) or the path of a SQLite file. `wait`: how long a unit of work waits for
    a PostgreSQL server that went away before it gives up (StoreUnavailable)."""
    if is_postgres(target):
        from bot.store.postgres.store import PostgresStore
        return await PostgresStore.open(str(target), retry_for=wait)
    return await SqliteStore.open(target)


async def open_store(target: Path | str, key: str | None = None, *, wait: float = 300.0):
    """The store at `target` (see open_raw) with its layers. PostgreSQL goes without the
    cache: several workers may share the database, and one worker's memory would not see
    another's changes (a renamed organisation, a chat made inactive)."""
    raw = await open_raw(target, wait=wait)
    try:
        return await layered(raw, key, cache=not is_postgres(target))
    except BaseException:
        await raw.close()
        raise
