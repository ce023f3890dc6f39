"""The SQLite store: the aggregate modules composed into one class that provides
bot.core.ports.Store, with the cache in front of them."""

from __future__ import annotations

from bot.store.sqlite.cache import Cached
from bot.store.sqlite.checkins import Checkins
from bot.store.sqlite.runs import Runs
from bot.store.sqlite.scans import Scans
from bot.store.sqlite.updates import Updates


class SqliteStore(Cached, Runs, Checkins, Scans, Updates):
    """Every chat's data in one SQLite file (`SqliteStore.open(path, key)`)."""
