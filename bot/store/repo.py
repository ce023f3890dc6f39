"""Compatibility: the SQLite store under its old name (bot.store.sqlite is the real one)."""

from bot.store.sqlite import CHAT_TABLES, Cipher, KeyMismatch
from bot.store.sqlite import SqliteStore as Repo

__all__ = ["CHAT_TABLES", "Cipher", "KeyMismatch", "Repo"]
