"""Catalogs (gettext via babel) and locale-aware formatting.

Catalogs are compiled from the .po files in memory at start-up, so no .mo file is
ever committed or stale. Three domains: `messages` (the bot's own texts, English
msgids), `flows` and `tips` (content, keyed by id).
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.core.paths import LOCALES

LANGUAGES = ("nl", "en")
DOMAINS = ("messages", "flows", "tips")


def _compile(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Texts:
    """All texts of one language."""

    def __init__(self, language: str, locales: Path = LOCALES) -> None:
        self.language = language
        self.locales = locales
        self.locale = Locale.parse(language)
        chain: gettext.NullTranslations = gettext.NullTranslations()
        for domain in reversed(DOMAINS):
            po = locales / language / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                translations = _compile(po)
                translations.add_fallback(chain)
                chain = translations
        self._tr = chain

    def _(self, message: str, **values: object) -> str:
        """Translate one of the bot's own texts and fill in its {placeholders}."""
        text = self._tr.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._tr.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def key(self, key: str, default: str | None = None) -> str:
        """A content text by its catalog key (flows, tips)."""
        text = self._tr.gettext(key)
        if text == key and default is not None:
            return default
        return text

    def has(self, key: str) -> bool:
        return self._tr.gettext(key) != key

    def command(self, name: str) -> str:
        """A command as this language writes it: /proces for process in Dutch."""
        spec = words(self.language, self.locales)["commands"].get(name)
        return "/" + (spec["names"][0] if spec else name)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: date, fmt: str = "long") -> str:
        return format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: datetime, tz: str, fmt: str = "EEEE d MMMM '{at}' HH:mm") -> str:
        fmt = fmt.replace("{at}", words(self.language, self.locales).get("at", "at"))
        return format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz), locale=self.locale)


@cache
def words(language: str, locales: Path = LOCALES) -> dict:
    """A language's words file (locales/<lang>/words.yaml): command names, the words after
    commands, the language's own name."""
    import yaml

    with (locales / language / "words.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def mark(message: str) -> str:
    """Marks a text for the catalog where it is defined (import it as `_` so pybabel
    finds it); it is translated where it is shown."""
    return message


@cache
def texts(language: str, locales: Path = LOCALES) -> Texts:
    """The (cached) texts of a language; unknown languages get the first one."""
    return Texts(language if language in LANGUAGES else LANGUAGES[0], locales)


def pick_language(telegram_code: str | None, default: str) -> str:
    """The user's Telegram language when we speak it (nl-BE -> nl), else the default."""
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default
