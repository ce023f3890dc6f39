"""The tip library and the ways to reach it: /tip, /tip WORD, /tips, inline, the tip button."""

from __future__ import annotations

import itertools

import pytest
from journey import answer, question

from bot.core.i18n import LANGUAGES, texts
from bot.features.tips import TipLibrary, TipSearch

LIBRARY = TipLibrary()
SEARCH = TipSearch(LIBRARY, {lang: texts(lang) for lang in LANGUAGES})

# (query, chat language, the tip that must come first)
QUERIES = [
    ("fondsen", "nl", "pep-funds"),
    ("Subsidie", "nl", "pep-funds"),
    ("geld", "nl", "pep-funds"),
    ("samenwerkingsafspraken", "nl", "pep-agreements"),      # a compound word
    ("afsprakenlijst", "nl", "pep-agreements"),              # compound, not a keyword
    ("kennisoverdracht", "nl", "mv-knowledge"),
    ("kenisoverdracht", "nl", "mv-knowledge"),               # a typo
    ("evalueeren", "nl", "pep-evaluate"),                    # a typo
    ("continuïteit", "nl", "mv-continuity"),                 # an accent
    ("continuiteit", "nl", "mv-continuity"),                 # the accent left out
    ("CONTACTPERSOON", "nl", "mv-communication"),            # capitals
    ("wie doet wat", "nl", "ez-tasks"),
    ("vrijwilligers uitlenen", "nl", "pep-lend-volunteers"),
    ("rolverdeling", "nl", "vp-roles"),
    ("draagvlak bij het bestuur", "nl", "vp-internal"),
    ("kwaliteitskompas", "nl", "ez-kompas"),
    ("doelgroep betrekken", "nl", "ez-target-group"),
    ("PDCA", "nl", "vp-pdca"),
    ("vertrouwen", "nl", "ko-relations"),
    ("funding", "en", "pep-funds"),
    ("agreement", "en", "pep-agreements"),
    ("knowlege transfer", "en", "mv-knowledge"),             # a typo
    ("trust", "en", "ko-relations"),
    ("who does what", "en", "ez-tasks"),
    ("fondsen", "en", "pep-funds"),                          # Dutch word, English chat
    ("funding", "nl", "pep-funds"),                          # English word, Dutch chat
    ("pilot", "nl", "mv-start-small"),
    ("eindresultaat", "nl", "mv-end-result"),
]


@pytest.mark.parametrize(("query", "language", "expected"), QUERIES)
def test_search_puts_the_right_tip_first(query, language, expected):
    found = SEARCH.search(query, language)
    assert found and found[0].id == expected, [t.id for t in found]


def test_nonsense_finds_nothing():
    assert SEARCH.search("xyzzy qwerty", "nl") == []


def test_every_tip_is_complete():
    assert len(LIBRARY.tips) >= 30
    for tip in LIBRARY.tips.values():
        assert tip.source in LIBRARY.sources
        assert tip.themes and set(tip.themes) <= set(LIBRARY.themes)
        for language in LANGUAGES:
            t = texts(language)
            for key in (f"tip.{tip.id}.title", f"tip.{tip.id}.text", f"source.{tip.source}"):
                assert t.has(key), (language, key)
            assert tip.keywords.get(language), (tip.id, language)


async def test_tip_fits_the_phase_and_never_repeats(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "A, B")
    await question(group, "why")
    verkennen = {texts("nl").key(f"tip.{t.id}.title") for t in LIBRARY.tips.values()
                 if "verkennen" in t.phases}
    shown = []
    for _ in range(6):
        await anna.sends("/tip")
        msg = await group.bot_says(containing="Bron:")
        shown.append(msg.text.splitlines()[0].removeprefix("💡 ").strip())
    assert all(title in verkennen for title in shown), shown
    assert all(a != b for a, b in itertools.pairwise(shown)), shown


async def test_tip_search_in_the_group(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/tip samenwerkingsafspraken")
    msg = await group.bot_says(containing="Bron:")
    assert texts("nl").key("tip.pep-agreements.title") in msg.text
    assert 1 <= len(msg.buttons) <= 4
    await anna.presses(msg, msg.buttons[0][0])
    await msg.edited(containing="Bron:")
    await anna.sends("/tip xyzzy <b>")
    miss = await group.bot_says(containing="geen tip")
    assert "xyzzy <b>" in miss.text and len(miss.buttons) >= 3


async def test_browse_by_theme_edits_one_message(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/tips")
    menu = await group.bot_says(containing="Tips per thema")
    money = texts("nl").key("theme.partners")
    await anna.presses(menu, money)
    await menu.edited(containing="Kies een tip")
    tip_title = texts("nl").key("tip.pep-funds.title")
    await anna.presses(menu, f"💡 {tip_title}")
    await menu.edited(containing="Bron: PEP Den Haag")
    await anna.presses(menu, "🗂 Alle thema’s")
    await menu.edited(containing="Kies een thema")
    bot_messages = [m for m in group.messages() if m["from"]["is_bot"]]
    assert len(bot_messages) == 1


async def test_inline_mode_offers_tips_only(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/org toevoegen Geheime Club")
    await group.bot_says()
    query_id = await anna.asks_inline("fondsen")
    await fake.wait_for(lambda: query_id in fake.inline_answers)
    results = fake.inline_answers[query_id]["results"]
    assert results[0]["id"] == "pep-funds" and len(results) <= 50
    assert "Geheime" not in str(results)
    empty = await anna.asks_inline("")
    await fake.wait_for(lambda: empty in fake.inline_answers)
    assert 1 <= len(fake.inline_answers[empty]["results"]) <= 50
    assert not fake.errors, fake.errors


async def test_inline_results_come_a_page_at_a_time(bot, fake, group):
    """Telegram asks for the next page with the offset the bot gave; the pages together
    are every tip once, and the last page says there is no more."""
    anna = group.member("Anna", lang="nl")
    seen, offset, pages = [], "", 0
    while True:
        query_id = await anna.asks_inline("", offset=offset)
        await fake.wait_for(lambda q=query_id: q in fake.inline_answers)
        answer = fake.inline_answers[query_id]
        seen += [result["id"] for result in answer["results"]]
        pages += 1
        offset = answer.get("next_offset") or ""
        if not offset:
            break
    assert pages > 1 and len(answer["results"]) <= 10
    assert len(seen) == len(set(seen)) == min(50, len(bot.running.service.tips.library.tips))
    assert not fake.errors, fake.errors


async def test_the_tip_button_on_a_question(bot, fake, group):
    anna = group.member("Anna", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "A, B")
    why = await question(group, "why")
    await anna.presses(why, "💡 Tip")
    tip = await group.bot_says(containing="Bron:")
    assert texts("nl").key("tip.vp-why.title") in tip.text
