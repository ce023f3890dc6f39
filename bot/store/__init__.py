"""Stores behind bot.core.ports.Store: SQLite (sqlite/) and in memory (memory/), with the
layers every store can wear (cached.py, sealed.py). `open_store` builds the stack the bot
runs on."""

from __future__ import annotations

from pathlib import Path

from bot.store.cached import Cached
from bot.store.cipher import Cipher, KeyMismatch
from bot.store.sealed import Sealed
from bot.store.sqlite import SqliteStore

__all__ = ["Cached", "Cipher", "KeyMismatch", "Sealed", "layered", "open_store"]


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


async def open_store(path: Path | str, key: str | None = None):
    """The SQLite file at `path`, migrated, with its layers."""
    raw = await SqliteStore.open(path)
    try:
        return await layered(raw, key)
    except BaseException:
        await raw.close()
        raise
