"""Settings from the environment, validated once at start."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.i18n import LANGUAGES
from bot.store.postgres.url import check as check_postgres
from bot.store.postgres.url import is_postgres, redacted

SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
DEFAULT_API_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A bad setting; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    database_path: Path
    language: str
    timezone: str
    log_level: str
    remind_after: timedelta = timedelta(days=1)
    close_after: timedelta = timedelta(days=3)
    port: int = 8080
    webhook_url: str | None = None
    webhook_secret: str | None = None
    data_key: str | None = None
    retention: timedelta = timedelta(days=730)
    rate_limit: bool = True  # pace calls like Telegram's limits; off only for local servers
    database_url: str | None = None  # PostgreSQL (DATABASE_URL); None: the SQLite file

    @property
    def database(self) -> str | Path:
        """What the store opens: the PostgreSQL URL, or else the SQLite file."""
        return self.database_url or self.database_path

    def check_webhook(self) -> None:
        """What webhook mode needs on top of the rest."""
        if not self.webhook_url:
            raise ConfigError("WEBHOOK_URL is not set: the public https address of this "
                              "server, e.g. https://samenwerkbot.example.org")
        if not self.webhook_secret:
            raise ConfigError("WEBHOOK_SECRET is not set: choose 16 to 256 letters, digits, "
                              "_ or -")

    @property
    def file_url(self) -> str:
        # Telegram serves files under /file/bot<token>; a local Bot API server does the same.
        if self.api_url.endswith("bot"):
            return self.api_url[: -len("bot")] + "file/bot"
        return self.api_url


def load(env: dict[str, str] | None = None) -> Settings:
    """Read and check every setting; raise ConfigError on the first bad one."""
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")

    api_url = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"TELEGRAM_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, not {api_url!r}"
        )

    language = env.get("BOT_LANGUAGE", "").strip().lower() or "nl"
    if language not in LANGUAGES:
        raise ConfigError(f"BOT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}")

    timezone = env.get("BOT_TIMEZONE", "").strip() or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"BOT_TIMEZONE is not a known time zone: {timezone!r} (try Europe/Amsterdam)"
        ) from None

    log_level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")

    remind = _hours(env, "CHECKIN_REMINDER_HOURS", 24)
    close = _hours(env, "CHECKIN_DEADLINE_HOURS", 72)
    if remind >= close:
        raise ConfigError("CHECKIN_REMINDER_HOURS must be less than CHECKIN_DEADLINE_HOURS")

    port_text = env.get("PORT", "").strip() or "8080"
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ConfigError(f"PORT must be a port number (1-65535), not {port_text!r}")
    webhook_url = env.get("WEBHOOK_URL", "").strip().rstrip("/") or None
    if webhook_url and (urlparse(webhook_url).scheme != "https"
                        or not urlparse(webhook_url).netloc):
        raise ConfigError(f"WEBHOOK_URL must be an https address, not {webhook_url!r}")
    secret = env.get("WEBHOOK_SECRET", "").strip() or None
    if secret and not SECRET.match(secret):
        raise ConfigError("WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or -")

    data_key = env.get("BOT_DATA_KEY", "").strip() or None
    if data_key:
        from cryptography.fernet import Fernet
        try:
            Fernet(data_key.encode())
        except ValueError:
            raise ConfigError(
                "BOT_DATA_KEY must be a Fernet key; make one with: python -c \"from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
            ) from None
    days = env.get("RETENTION_DAYS", "").strip() or "730"
    if not days.isdigit() or not 60 <= int(days) <= 36500:
        raise ConfigError(f"RETENTION_DAYS must be a number of days from 60, not {days!r}")

    pace = env.get("TELEGRAM_RATE_LIMIT", "").strip().lower() or "on"
    if pace not in ("on", "off"):
        raise ConfigError(f"TELEGRAM_RATE_LIMIT must be on or off, not {pace!r}")

    db = Path(env.get("DATABASE_PATH", "").strip() or "data/samenwerkbot.sqlite3")
    database_url, path = _database_url(env.get("DATABASE_URL", "").strip())
    db = path or db
    if database_url is None:
        _check_writable(db, "DATABASE_URL" if path else "DATABASE_PATH")
    return Settings(token, api_url, db, language, timezone, log_level,
                    timedelta(hours=remind), timedelta(hours=close), int(port_text),
                    webhook_url, secret, data_key, timedelta(days=int(days)), pace == "on",
                    database_url)


def _database_url(url: str) -> tuple[str | None, Path | None]:
    """DATABASE_URL: (a PostgreSQL URL, None) or (None, a SQLite file: `sqlite:PATH` or a
    plain path); (None, None) when unset, so DATABASE_PATH counts."""
    if not url:
        return None, None
    if is_postgres(url):
        problem = check_postgres(url)
        if problem:
            raise ConfigError(f"DATABASE_URL is not a usable PostgreSQL URL "
                              f"({redacted(url)}): {problem}")
        return url, None
    if url.startswith("sqlite:"):
        url = url[len("sqlite:"):]
    elif "://" in url:
        raise ConfigError(f"DATABASE_URL must be postgresql://USER:PASSWORD@HOST/NAME (or "
                          f"postgres://…), sqlite:PATH or a file path, not "
                          f"{url.split('://', 1)[0]}://…")
    if not url:
        raise ConfigError("DATABASE_URL names no SQLite file after sqlite:")
    return None, Path(url)


def _hours(env, name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if not 0 < value <= 24 * 60:
        raise ConfigError(f"{name} must be a number of hours (more than 0), not {raw!r}")
    return value


def _check_writable(db: Path, name: str = "DATABASE_PATH") -> None:
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{name}: cannot create folder {db.parent}: {exc.strerror}") from None
    if db.is_dir():
        raise ConfigError(f"{name} points to a folder, not a file: {db}")
    target = db if db.exists() else db.parent
    if not os.access(target, os.W_OK):
        raise ConfigError(f"{name} is not writable: {db}")


class TokenFilter(logging.Filter):
    """Blank the token out of every log record (httpx logs full URLs)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = None
        return True
