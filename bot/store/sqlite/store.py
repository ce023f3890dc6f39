"""The SQLite store: the aggregate modules composed into one class that provides
bot.core.ports.Store (open_store in bot/store puts the cache and the cipher around it)."""

from __future__ import annotations

from bot.store.sqlite.chats import Chats
from bot.store.sqlite.checkins import Checkins
from bot.store.sqlite.networks import Networks
from bot.store.sqlite.organisations import Organisations
from bot.store.sqlite.privacy import Privacy
from bot.store.sqlite.runs import Runs
from bot.store.sqlite.scans import Scans
from bot.store.sqlite.updates import Updates


class SqliteStore(Chats, Organisations, Runs, Checkins, Scans, Updates, Privacy, Networks):
    """Every chat's data in one SQLite file (`SqliteStore.open(path)`)."""
