"""The tip search's index finds exactly what comparing each query word with every word of
every tip finds, and words of one stem find each other."""

from __future__ import annotations

import pytest
import snowballstemmer

from bot.core.flows import load_all
from bot.core.i18n import LANGUAGES, texts
from bot.features.tips import TipLibrary, Tips, TipSearch
from bot.features.tips.feature import PAGE
from bot.features.tips.search import (
    KEYWORDS,
    STEMMERS,
    TEXT,
    THRESHOLD,
    TITLE,
    WORD,
    normalize,
    similarity,
    words,
)

LIBRARY = TipLibrary()
TEXTS = {language: texts(language) for language in LANGUAGES}
SEARCH = TipSearch(LIBRARY, TEXTS)


def _fields() -> dict[str, list[tuple]]:
    """Per language, each tip with its phrases and its words by field (weight, typos?)."""
    result = {}
    for lang in LANGUAGES:
        t, tips = TEXTS[lang], []
        for tip in LIBRARY.tips.values():
            keywords = [normalize(k) for k in tip.keywords.get(lang, ())]
            tips.append((tip.id, [k for k in keywords if " " in k], [
                (KEYWORDS, True, {w for k in keywords for w in words(k)}),
                (TITLE, True, set(words(t.key(f"tip.{tip.id}.title")))),
                (TEXT, False, set(words(t.key(f"tip.{tip.id}.text"))))]))
        result[lang] = tips
    return result


FIELDS = _fields()
STEM = {lang: snowballstemmer.stemmer(STEMMERS[lang]).stemWord for lang in LANGUAGES}


def brute_force(query: str, language: str) -> list[str]:
    """The search the slow way: every word of every tip, in every language."""
    terms, phrase = words(query), " ".join(WORD.findall(normalize(query)))
    best: dict[str, float] = {}
    for lang in LANGUAGES:
        stem = STEM[lang]
        for tip_id, phrases, fields in FIELDS[lang]:
            total = sum(10.0 for k in phrases if k in phrase)
            for term in terms:
                total += max((weight * similarity(term, w, stem(term) == stem(w), fuzzy)
                              for weight, fuzzy, found in fields for w in found), default=0.0)
            score = total * (1.0 if lang == language else 0.8)
            best[tip_id] = max(best.get(tip_id, 0.0), score)
    ranked = sorted((s, tip_id) for tip_id, s in best.items() if s >= THRESHOLD)
    return [tip_id for _, tip_id in sorted(ranked, key=lambda x: -x[0])]


def _queries() -> list[str]:
    """Words of the tips, with a letter dropped, two letters swapped, glued together."""
    vocabulary = sorted({w for tip in LIBRARY.tips.values() for lang in LANGUAGES
                         for k in tip.keywords.get(lang, ()) for w in words(k)})
    picked = vocabulary[::12]
    queries = list(picked)
    queries += [w[:2] + w[3:] for w in picked if len(w) >= 6]
    queries += [w[:2] + w[3] + w[2] + w[4:] for w in picked if len(w) >= 6]
    queries += [a + b for a, b in zip(picked[::3], picked[1::3], strict=False)]
    return [*queries, "wie doet wat", "xyzzy", "draagvlak bij het bestuur", "Continuïteit",
            "afspraak", "celebrating", "pdca", "a"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_index_finds_what_every_word_would(language):
    for query in _queries():
        assert [t.id for t in SEARCH.ranked(query, language)] == brute_force(query, language), \
            query


@pytest.mark.parametrize(("query", "language", "expected"), [
    ("afspraak", "nl", "pep-agreements"),  # afspraken
    ("celebrating", "en", "pep-evaluate"),  # celebrate
    ("volunteering", "en", "pep-lend-volunteers"),  # volunteers
])
def test_one_stem_finds_the_other(query, language, expected):
    found = SEARCH.search(query, language)
    assert found and found[0].id == expected, [t.id for t in found]


def test_the_limit_cuts_the_ranking():
    ranked = SEARCH.ranked("samenwerking", "nl")
    assert len(ranked) > 2
    assert SEARCH.search("samenwerking", "nl", limit=2) == list(ranked[:2])
    assert SEARCH.search("samenwerking", "nl", limit=50) == list(ranked)


@pytest.mark.parametrize("query", ["", "samenwerking", "fondsen", "xyzzy"])
def test_inline_pages_follow_each_other(query):
    tips = Tips(LIBRARY, SEARCH, load_all(), texts)
    everything = tips.inline(query, "nl")
    pages, offset = [], ""
    while True:
        page, offset = tips.inline_page(query, "nl", offset)
        assert len(page) <= PAGE
        pages += page
        if not offset:
            break
    assert pages == everything
    assert tips.inline_page(query, "nl", "not a number")[0] == everything[:PAGE]
