"""Encryption at rest: the free text members type is sealed with Fernet when BOT_DATA_KEY
is set. Only the store layer in sealed.py uses it; no store's SQL knows."""

from __future__ import annotations

import json

# The columns that hold what members typed: sealed on the way in, opened on the way out.
SEALED = (("answers", "value"), ("answers", "note"),
          ("checkin_answers", "value"), ("scan_scores", "remark"))


class KeyMismatch(Exception):
    """The data key does not fit the database."""


class Cipher:
    """Free-text answers at rest: sealed with Fernet when BOT_DATA_KEY is set."""

    PREFIX = "gAAAA"  # every Fernet token starts like this

    def __init__(self, key: str | None) -> None:
        self.fernet = None
        if key:
            from cryptography.fernet import Fernet
            self.fernet = Fernet(key.encode())

    def seal(self, text: str) -> str:
        return self.fernet.encrypt(text.encode()).decode() if self.fernet else text

    def open(self, text: str) -> str:
        if not text.startswith(self.PREFIX):
            return text  # stored before the key was set
        if self.fernet is None:
            raise KeyMismatch("the database holds encrypted answers: set BOT_DATA_KEY")
        from cryptography.fernet import InvalidToken
        try:
            return self.fernet.decrypt(text.encode()).decode()
        except InvalidToken:
            raise KeyMismatch("BOT_DATA_KEY does not open the answers in this database") \
                from None

    # -- the shapes the columns come in ------------------------------------------

    def seal_json(self, value: object) -> str:
        """An answer's value: JSON, then sealed."""
        return self.seal(json.dumps(value, ensure_ascii=False))

    def open_json(self, text: str) -> object:
        return json.loads(self.open(text))

    def seal_optional(self, text: str | None) -> str | None:
        return self.seal(text) if text is not None else None

    def open_optional(self, text: str | None) -> str | None:
        return self.open(text) if text else text
