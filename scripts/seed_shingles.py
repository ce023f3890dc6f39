"""Write the hashes of every run of eight words in the source documents.

    python scripts/seed_shingles.py ../shared/seeds > tests/data/seed_shingles.txt

The texts are written from these documents in our own words; tests/test_own_words.py
fails when a user-facing text shares a run of eight words with one of them. Only the
hashes are committed, so the test runs on a clean clone without the documents.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
import unicodedata
from pathlib import Path

RUN = 8


def words(text: str) -> list[str]:
    """Lower case, tags and punctuation gone, accents kept as letters."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return re.sub(r"[\W_]+", " ", text).split()


def shingles(text: str, run: int = RUN) -> dict[str, str]:
    """{hash: the run of words} for every run of `run` consecutive words."""
    w = words(text)
    runs = (" ".join(w[i:i + run]) for i in range(len(w) - run + 1))
    return {hashlib.sha256(r.encode()).hexdigest()[:16]: r for r in runs}


def main(args: list[str]) -> int:
    if len(args) != 1:
        print(__doc__)
        return 2
    found: set[str] = set()
    for path in sorted(Path(args[0]).glob("*.txt")):
        found |= set(shingles(path.read_text(encoding="utf-8")))
    print("\n".join(sorted(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
