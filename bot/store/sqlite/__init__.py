"""The SQLite store, one module per aggregate (see store.py for how they are composed)."""

from bot.store.rows import CHAT_TABLES
from bot.store.sqlite.cipher import Cipher, KeyMismatch
from bot.store.sqlite.store import SqliteStore

__all__ = ["CHAT_TABLES", "Cipher", "KeyMismatch", "SqliteStore"]
