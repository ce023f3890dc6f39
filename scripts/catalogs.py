"""Catalog upkeep: fill the English catalog from the msgids, add Dutch translations,
and list what is still untranslated.

    python scripts/catalogs.py status
    python scripts/catalogs.py fill-en
    python scripts/catalogs.py set nl 'English msgid' 'Nederlandse tekst'
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


def _load(language: str):
    with _path(language).open("rb") as fh:
        return read_po(fh)


def _save(language: str, catalog) -> None:
    catalog.obsolete.clear()
    with _path(language).open("wb") as fh:
        write_po(fh, catalog, width=88, omit_header=False, no_location=True, sort_output=True)


def _done(message) -> bool:
    """Translated: a text, or every form of a plural."""
    return all(message.string) if isinstance(message.string, tuple) else bool(message.string)


def main(args: list[str]) -> int:
    if args[:1] == ["fill-en"]:
        catalog = _load("en")
        for message in catalog:
            if message.id and not _done(message):
                message.string = message.id  # a plural's (singular, plural) too
        _save("en", catalog)
    elif args[:1] == ["set"] and len(args) == 4:
        catalog = _load(args[1])
        catalog[args[2]].string = args[3]
        _save(args[1], catalog)
    elif args[:1] == ["status"]:
        for language in sorted(p.name for p in LOCALES.iterdir() if p.is_dir()):
            missing = [m.id for m in _load(language) if m.id and not _done(m)]
            print(f"{language}: {len(missing)} untranslated", *missing, sep="\n  ")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
