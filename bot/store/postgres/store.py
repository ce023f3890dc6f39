"""The PostgreSQL store: the aggregate modules composed into one class that provides
bot.core.ports.Store (open_store in bot/store puts the cipher around it)."""

from __future__ import annotations

from bot.store.postgres.chats import Chats
from bot.store.postgres.checkins import Checkins
from bot.store.postgres.networks import Networks
from bot.store.postgres.organisations import Organisations
from bot.store.postgres.privacy import Privacy
from bot.store.postgres.runs import Runs
from bot.store.postgres.scans import Scans
from bot.store.postgres.updates import Updates


class PostgresStore(Chats, Organisations, Runs, Checkins, Scans, Updates, Privacy,
                    Networks):
    """Every chat's data in one PostgreSQL database (`await PostgresStore.open(url)`),
    shared safely by several workers."""
