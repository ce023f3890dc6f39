"""A layer around a store (the cache, the cipher): it passes every call on to the store
inside it except those it overrides, and wraps the unit of work a transaction or batch
hands out, so the layer holds inside the unit too."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import datetime
from typing import Self


class Wrapper:
    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name: str):
        # Only for what this layer does not define itself.
        if name == "inner":  # not set yet
            raise AttributeError(name)
        return getattr(self.inner, name)

    def over(self, inner) -> Self:
        """This layer around another store (a unit of work of the one inside): the same
        layer state (the cache's memory, the cipher), another store inside."""
        layer = object.__new__(type(self))
        layer.__dict__.update(self.__dict__, inner=inner)
        return layer

    def rolled_back(self) -> None:
        """Hook: what the layer keeps in memory forgets what the unit saw."""

    @asynccontextmanager
    async def transaction(self):
        try:
            async with self.inner.transaction() as unit:
                yield unit if unit is self.inner else self.over(unit)
        except BaseException:
            self.rolled_back()
            raise

    @asynccontextmanager
    async def batch(self, update_ids: list[int], now: datetime):
        try:
            async with self.inner.batch(update_ids, now) as unit:
                yield self.over(unit)
        except BaseException:
            self.rolled_back()
            raise
