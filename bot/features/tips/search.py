"""Finding tips by what a board member types: any case, no accents needed, small typos
forgiven, and Dutch compounds (`samenwerkingsafspraken`) split on the fly."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.i18n import LANGUAGES, Texts
from bot.core.i18n import words as words_of
from bot.features.tips.library import Tip, TipLibrary

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TAG = re.compile(r"<[^>]+>")
# Words that say nothing about a tip, in every language the bot speaks (its words files).
STOPWORDS = {w for language in LANGUAGES for w in words_of(language).get("stop_words", [])}
FIELDS = (("keywords", 10.0), ("title", 6.0), ("text", 1.5))
THRESHOLD = 4.0


def normalize(text: str) -> str:
    """Lower case, accents off: `Continuïteit` -> `continuiteit`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(normalize(TAG.sub(" ", text))) if w not in STOPWORDS]


def within_edits(a: str, b: str, limit: int) -> bool:
    """Is the edit distance of a and b at most `limit` (swaps count as one)?"""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def similarity(query: str, word: str, fuzzy: bool) -> float:
    if query == word:
        return 1.0
    if len(query) >= 4 and len(word) >= 4 and (word.startswith(query) or query.startswith(word)):
        return 0.8
    if len(word) >= 5 and word in query:  # a part of a compound
        return 0.7 * (len(word) / len(query)) ** 0.5
    if fuzzy and len(query) >= 4:
        limit = 2 if len(query) >= 8 else 1
        if within_edits(query, word, limit):
            return 0.75 if limit == 1 else 0.6
    return 0.0


@dataclass
class _Entry:
    tip: Tip
    phrases: list[str]  # multi-word keywords
    fields: dict[str, set[str]]


class TipSearch:
    def __init__(self, library: TipLibrary, texts: dict[str, Texts]) -> None:
        self.entries: dict[str, list[_Entry]] = {}
        for language in LANGUAGES:
            t = texts[language]
            entries = []
            for tip in library.tips.values():
                keywords = [normalize(k) for k in tip.keywords.get(language, ())]
                entries.append(_Entry(tip, [k for k in keywords if " " in k], {
                    "keywords": {w for k in keywords for w in words(k)},
                    "title": set(words(t.key(f"tip.{tip.id}.title"))),
                    "text": set(words(t.key(f"tip.{tip.id}.text"))),
                }))
            self.entries[language] = entries

    def search(self, query: str, language: str, limit: int = 5) -> list[Tip]:
        """Best matches first: the chat's language counts fully, the other one a bit less."""
        scores: dict[str, float] = {}
        tips: dict[str, Tip] = {}
        for lang in LANGUAGES:
            weight = 1.0 if lang == language else 0.8
            for entry, score in self._scores(query, lang):
                tips[entry.tip.id] = entry.tip
                scores[entry.tip.id] = max(scores.get(entry.tip.id, 0.0), score * weight)
        ranked = sorted((s, tip_id) for tip_id, s in scores.items() if s >= THRESHOLD)
        return [tips[tip_id] for _, tip_id in sorted(ranked, key=lambda x: -x[0])[:limit]]

    def _scores(self, query: str, language: str):
        terms = words(query)
        phrase = " ".join(WORD.findall(normalize(query)))
        for entry in self.entries[language]:
            total = sum(10.0 for p in entry.phrases if p in phrase)
            for term in terms:
                total += max(
                    weight * max((similarity(term, w, name != "text") for w in entry.fields[name]),
                                 default=0.0)
                    for name, weight in FIELDS)
            if total:
                yield entry, total
