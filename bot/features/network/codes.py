"""Link and invitation codes: unguessable (secrets), short enough to type from a screen,
kept only as a hash, and valid for a limited time."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: easy to read and type
LENGTH = 10  # 50 bits: far beyond guessing through a chat
LINK_VALID = timedelta(days=30)
INVITE_VALID = timedelta(days=7)
WRONG_CODES = 5  # wrong codes in one chat within GUESS_WINDOW: then the chat waits
GUESS_WINDOW = timedelta(hours=1)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normal(text: str) -> str | None:
    """The code as typed ("abcde fghjk", "ABCDE-FGHJK"), or None when it cannot be one."""
    raw = "".join(c for c in text.upper() if c not in " -")
    return raw if len(raw) == LENGTH and all(c in ALPHABET for c in raw) else None


def digest_of(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    return normal(text) is not None


# Wrong codes per chat within the last hour, on the injected clock's time, kept in the
# store so the limit holds across several workers and restarts. After WRONG_CODES of them
# no code is checked in that chat until the oldest is an hour old: a typo costs nothing,
# trying codes one after another stops.

async def blocked(repo, chat_id: int, now: datetime) -> bool:
    return await repo.wrong_codes(chat_id, now - GUESS_WINDOW) >= WRONG_CODES


async def missed(repo, chat_id: int, now: datetime) -> bool:
    """Count a wrong code; True when the chat must wait from now on."""
    await repo.add_wrong_code(chat_id, now)
    return await blocked(repo, chat_id, now)


async def fitted(repo, chat_id: int) -> None:
    await repo.clear_wrong_codes(chat_id)
