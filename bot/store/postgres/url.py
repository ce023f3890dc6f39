"""Which store a DATABASE_URL names, and the URL as it may be shown (never its password).
Imports no driver: the settings read it before any store is opened."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")  # hosts spell it either way


class StoreUnavailable(Exception):
    """The database cannot be reached (or refuses us); the message names DATABASE_URL and
    never its password."""


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database server cannot be reached now:
    worth doing the same work again later, not worth an apology. The driver's classes are
    looked up only when it is loaded (a SQLite deployment never imports it)."""
    driver = sys.modules.get("asyncpg")
    gone: tuple[type[BaseException], ...] = (StoreUnavailable,)
    if driver is not None:
        gone += (driver.PostgresConnectionError, driver.InterfaceError,
                 driver.exceptions.OperatorInterventionError, driver.TooManyConnectionsError)
    seen = 0
    while exc is not None and seen < 5:  # a store layer may have wrapped it
        if isinstance(exc, gone):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def is_postgres(target: object) -> bool:
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL with its password (if any) replaced by ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return url.split("://", 1)[0] + "://…"  # unreadable: show nothing of it


def check(url: str) -> str | None:
    """What is wrong with a PostgreSQL URL at first sight (None: worth trying)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError as exc:
        return str(exc)
    if not parts.hostname and "host=" not in parts.query:
        return "it names no host"
    if not parts.path.strip("/"):
        return "it names no database (…/NAME at the end)"
    return None
