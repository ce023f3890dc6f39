"""Finding tips by what a board member types: any case, no accents needed, small typos
forgiven, Dutch compounds (`samenwerkingsafspraken`) split on the fly, and words of one
stem found together (`afspraak`, `afspraken`; `funds`, `funding`).

The words of every tip are indexed once, at start: each word knows the tips it is in and
how much it weighs there (a keyword most, then the title, then the text). A query word is
then compared with the few words that can match it, found through the index (exact,
prefix, stem, the parts of a compound) and through rapidfuzz (typos), never with every
word of every tip in a loop.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import snowballstemmer  # uses PyStemmer's C stemmers when installed
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.i18n import LANGUAGES, Texts
from bot.core.i18n import words as words_of
from bot.features.tips.library import Tip, TipLibrary

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TAG = re.compile(r"<[^>]+>")
# Words that say nothing about a tip, in every language the bot speaks (its words files).
STOPWORDS = {w for language in LANGUAGES for w in words_of(language).get("stop_words", [])}
KEYWORDS, TITLE, TEXT = 10.0, 6.0, 1.5  # what a word weighs where it is found
THRESHOLD = 4.0
PART = 5  # the shortest part of a compound that counts
STEMMERS = {"nl": "dutch", "en": "english"}


def normalize(text: str) -> str:
    """Lower case, accents off: `Continuïteit` -> `continuiteit`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(normalize(TAG.sub(" ", text))) if w not in STOPWORDS]


def edits_allowed(query: str) -> int:
    """Typos forgiven: none under 4 letters, one up to 7, two from 8."""
    return 0 if len(query) < 4 else 2 if len(query) >= 8 else 1


def similarity(query: str, word: str, same_stem: bool, fuzzy: bool) -> float:
    """How well a query word matches a tip's word; the first rule that holds counts."""
    if query == word:
        return 1.0
    if len(query) >= 4 and len(word) >= 4 and (word.startswith(query) or query.startswith(word)):
        return 0.8
    if same_stem and len(query) >= 4 and len(word) >= 4:
        return 0.8
    if len(word) >= PART and word in query:  # a part of a compound
        return 0.7 * (len(word) / len(query)) ** 0.5
    limit = edits_allowed(query)
    if fuzzy and limit and OSA.distance(query, word, score_cutoff=limit) <= limit:
        return 0.75 if limit == 1 else 0.6
    return 0.0


class _Index:
    """One language's words of every tip: where each word is and what it weighs there."""

    def __init__(self, tips: list[Tip], language: str, t: Texts) -> None:
        stemmer = snowballstemmer.stemmer(STEMMERS.get(language, "english"))
        self.stem = lru_cache(maxsize=4096)(stemmer.stemWord)
        # word -> {tip's place: (its weight in keywords or title, its weight in the text)}
        self.weights: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
        self.phrases: list[tuple[str, int]] = []  # multi-word keywords
        for place, tip in enumerate(tips):
            keywords = [normalize(k) for k in tip.keywords.get(language, ())]
            self.phrases += [(k, place) for k in keywords if " " in k]
            fields = ((KEYWORDS, {w for k in keywords for w in words(k)}),
                      (TITLE, set(words(t.key(f"tip.{tip.id}.title")))),
                      (TEXT, set(words(t.key(f"tip.{tip.id}.text")))))
            for weight, found in fields:
                for word in found:
                    fuzzy, text = self.weights[word].get(place, (0.0, 0.0))
                    self.weights[word][place] = ((max(fuzzy, weight), text) if weight != TEXT
                                                 else (fuzzy, weight))
        self.sorted = sorted(self.weights)
        # Typos are forgiven in keywords and titles: those words, by length.
        self.typo_words: dict[int, list[str]] = defaultdict(list)
        for word in self.sorted:
            if any(fuzzy for fuzzy, _ in self.weights[word].values()):
                self.typo_words[len(word)].append(word)
        self.heads = {w[:PART] for w in self.sorted if len(w) >= PART}  # where a part can start
        self.stem_of = {word: self.stem(word) for word in self.sorted}
        self.stems: dict[str, list[str]] = defaultdict(list)
        for word, stem in self.stem_of.items():
            self.stems[stem].append(word)
        self.longest = max(map(len, self.sorted), default=0)

    def candidates(self, query: str) -> set[str]:
        """The words that can match `query` at all (every other word scores 0)."""
        found = {query} & self.weights.keys()
        if len(query) >= 4:
            start = bisect.bisect_left(self.sorted, query)
            end = bisect.bisect_right(self.sorted, query + "\uffff")
            found.update(self.sorted[start:end])  # words that start with the query
            found.update(self.stems.get(self.stem(query), ()))
            found.update(p for k in range(4, min(PART, len(query)))
                         if (p := query[:k]) in self.weights)  # a short word it starts with
        longest = min(self.longest, len(query))
        for start in range(len(query) - PART + 1):  # its parts (compounds) and prefixes
            if query[start:start + PART] in self.heads:
                found.update(p for end in range(start + PART, start + longest + 1)
                             if (p := query[start:end]) in self.weights)
        if limit := edits_allowed(query):  # typos: keyword and title words of about its length
            near = [w for size in range(len(query) - limit, len(query) + limit + 1)
                    for w in self.typo_words.get(size, ())]
            found.update(word for word, _, _ in process.extract(
                query, near, scorer=OSA.distance, score_cutoff=limit, limit=None))
        return found

    def scores(self, terms: list[str], phrase: str) -> dict[int, float]:
        """Each matching tip's score for a query's words (by the tip's place)."""
        totals: dict[int, float] = defaultdict(float)
        for text, place in self.phrases:
            if text in phrase:
                totals[place] += 10.0
        for term in terms:
            stem = self.stem(term) if len(term) >= 4 else None
            best: dict[int, float] = {}
            for word in self.candidates(term):
                same_stem = stem is not None and self.stem_of[word] == stem
                loose = similarity(term, word, same_stem, fuzzy=True)
                if not loose:
                    continue
                strict = similarity(term, word, same_stem, fuzzy=False)
                for place, (fuzzy_weight, text_weight) in self.weights[word].items():
                    score = max(fuzzy_weight * loose, text_weight * strict)
                    if score > best.get(place, 0.0):
                        best[place] = score
            for place, score in best.items():
                totals[place] += score
        return {place: total for place, total in totals.items() if total}


class TipSearch:
    def __init__(self, library: TipLibrary, texts: dict[str, Texts]) -> None:
        self.tips = list(library.tips.values())
        self.by_id = {tip.id: tip for tip in self.tips}
        self.indexes = {language: _Index(self.tips, language, texts[language])
                        for language in LANGUAGES}
        # The same words come back often (a popular /tip, inline queries as they are typed).
        self._ranked = lru_cache(maxsize=1024)(self.ranked)

    def search(self, query: str, language: str, limit: int = 5) -> list[Tip]:
        """Best matches first: the chat's language counts fully, the other one a bit less."""
        return list(self._ranked(query, language)[:limit])

    def ranked(self, query: str, language: str) -> tuple[Tip, ...]:
        """Every tip that matches, best first (not cached)."""
        terms = words(query)
        phrase = " ".join(WORD.findall(normalize(query)))
        scores: dict[str, float] = {}
        for lang, index in self.indexes.items():
            weight = 1.0 if lang == language else 0.8
            for place, score in index.scores(terms, phrase).items():
                tip_id = self.tips[place].id
                scores[tip_id] = max(scores.get(tip_id, 0.0), score * weight)
        ranked = sorted((s, tip_id) for tip_id, s in scores.items() if s >= THRESHOLD)
        return tuple(self.by_id[tip_id] for _, tip_id in sorted(ranked, key=lambda x: -x[0]))
