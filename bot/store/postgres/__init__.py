"""The PostgreSQL store (asyncpg), one module per aggregate like sqlite/; url.py reads a
DATABASE_URL without importing the driver."""

from bot.store.postgres.url import StoreUnavailable, is_postgres, redacted

__all__ = ["PostgresStore", "StoreUnavailable", "is_postgres", "redacted"]


def __getattr__(name: str):
    # The driver is imported only when a PostgreSQL store is wanted.
    if name == "PostgresStore":
        from bot.store.postgres.store import PostgresStore
        return PostgresStore
    raise AttributeError(name)
