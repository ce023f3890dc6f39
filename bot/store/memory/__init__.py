"""An in-memory store: the contract of bot.core.ports.Store (the same one the SQLite
store keeps) in plain dicts and lists, so domain tests can run without SQLite."""

from bot.store.memory.chats import MemoryChats
from bot.store.memory.checkins import MemoryCheckins
from bot.store.memory.networks import MemoryNetworks
from bot.store.memory.runs import MemoryRuns


class MemoryStore(MemoryNetworks, MemoryChats, MemoryRuns, MemoryCheckins):
    """Every chat's data, in memory; `MemoryStore()` starts empty."""


__all__ = ["MemoryStore"]
