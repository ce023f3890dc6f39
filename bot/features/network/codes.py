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


class Guesses:
    """Wrong codes per chat within the last hour, on the injected clock's time. After
    WRONG_CODES of them no code is checked in that chat until the oldest is an hour old:
    a typo costs nothing, trying codes one after another stops. Kept in this process's
    memory (with several workers, each counts its own share)."""

    def __init__(self) -> None:
        self.wrong: dict[int, list[datetime]] = {}

    def _recent(self, chat_id: int, now: datetime) -> list[datetime]:
        recent = [at for at in self.wrong.get(chat_id, []) if now - at < GUESS_WINDOW]
        if recent:
            self.wrong[chat_id] = recent
        else:
            self.wrong.pop(chat_id, None)
        return recent

    def blocked(self, chat_id: int, now: datetime) -> bool:
        return len(self._recent(chat_id, now)) >= WRONG_CODES

    def missed(self, chat_id: int, now: datetime) -> bool:
        """Count a wrong code; True when the chat must wait from now on."""
        if len(self.wrong) > 10_000:  # many chats guessing: drop what is an hour old
            for chat in list(self.wrong):
                self._recent(chat, now)
        self.wrong.setdefault(chat_id, []).append(now)
        return self.blocked(chat_id, now)

    def fitted(self, chat_id: int) -> None:
        self.wrong.pop(chat_id, None)
