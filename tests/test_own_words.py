"""Our own words: no user-facing text shares a run of eight words with a source document.

tests/data/seed_shingles.txt holds the hashes of every run of eight words (lower case,
no punctuation) in the five source documents, written by scripts/seed_shingles.py; the
documents themselves are not part of this repository.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("seed_shingles", ROOT / "scripts/seed_shingles.py")
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)

SEED_HASHES = set((ROOT / "tests/data/seed_shingles.txt").read_text().split())


def user_texts() -> list[tuple[str, str]]:
    """(where, text) for every catalog text in every language, and every flow file."""
    found = []
    for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh):
                for text in (message.id, message.string):
                    for part in (text if isinstance(text, tuple) else (text,)):
                        if part:
                            found.append((f"{po.relative_to(ROOT)} {message.id!r}", part))
    for path in [*sorted((ROOT / "flows").glob("*.yaml")), ROOT / "flows/README.md"]:
        found.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    return found


def copied(text: str) -> list[str]:
    return [run for digest, run in seeds.shingles(text).items() if digest in SEED_HASHES]


def test_the_hashes_are_there():
    assert len(SEED_HASHES) > 2000  # five documents of about 2,800 words


def test_the_check_finds_a_copied_run():
    # A run from the sources (its hash is in the file), dressed in other case and marks.
    assert copied("Zij zeggen: VERNIEUWING van activiteitenaanbod — uitbreiding netwerk, "
                  "kennis, expertise. Vergroten doelgroep!")
    assert not copied("Vernieuwing van het activiteitenaanbod en een groter netwerk.")


def test_no_user_text_shares_eight_words_with_a_source():
    shared = [f"{where}: …{run}…" for where, text in user_texts() for run in copied(text)]
    assert not shared, "\n".join(dict.fromkeys(shared))
