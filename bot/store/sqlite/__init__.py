"""The SQLite store, one module per aggregate (see store.py for how they are composed)."""

from bot.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
