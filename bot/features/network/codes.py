"""Link and invitation codes: unguessable (secrets), short enough to type from a screen,
kept only as a hash, and valid for a limited time."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: easy to read and type
LENGTH = 10  # 50 bits: far beyond guessing through a chat
LINK_VALID = timedelta(days=30)
INVITE_VALID = timedelta(days=7)


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
