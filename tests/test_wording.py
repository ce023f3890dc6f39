"""Texts that say how many items they list, list that many (issue 17, item 9): "three
questions" above four numbered ones is the kind of slip a reader notices first.

A stated count is a number (2-12, in digits or in Dutch or English words) before a noun
that names listed things (vragen, questions, voorwaarden, things, ...). The list it
announces follows a colon in the same sentence: lines that start with a bullet or a
number, else questions in a row, else items separated by commas and a last "en"/"and".
A count with no list after it (a plain statement) is not checked.

And one form of address: Dutch flow and tip texts speak to the group as "jullie"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
WORDS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
         "negen": 9, "tien": 10, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10}
NOUNS = ("vragen|questions|voorwaarden|condities|conditions|dingen|things|stappen|steps|"
         "punten|points|tips|fasen|fases|phases|soorten|kinds|vormen|onderwerpen|topics")
CLAIM = re.compile(rf"\b(?P<n>\d{{1,2}}|{'|'.join(WORDS)})\s+(?:\w+\s+)?(?P<noun>{NOUNS})\b",
                   re.IGNORECASE)
ITEM_LINE = re.compile(r"^\s*(?:[•\-*]|\d+[.)]|\d\ufe0f?\u20e3)")
TAG = re.compile(r"<[^>]+>")


def number(word: str) -> int:
    return int(word) if word.isdigit() else WORDS[word.lower()]


def listed(after: str) -> int | None:
    """How many items the text right after a colon lists (None: no list)."""
    lines = after.split("\n")
    rest = lines[0].strip()
    if not rest:  # the list is on the lines below
        items = [line for line in lines[1:] if line.strip()]
        bullets = 0
        for line in items:
            if not ITEM_LINE.match(line):
                break
            bullets += 1
        return bullets or None
    sentences = re.split(r"(?<=[?.!])\s+", rest)
    questions = 0
    for sentence in sentences:
        if not sentence.endswith("?"):
            break
        questions += 1
    if questions >= 2:
        return questions
    return enumeration(sentences[0].rstrip(".!?"))


def enumeration(text: str) -> int | None:
    """"a, b en c" or "a, b, and c": three (None: not a list with commas)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2:
        return None
    last = parts[-1]
    if not re.match(r"(?:en|and|of|or)\s", last) and re.search(r"\s(?:en|and|of|or)\s", last):
        return len(parts) + 1
    return len(parts)


def mismatches(text: str) -> list[str]:
    text = TAG.sub("", text)
    found = []
    for claim in CLAIM.finditer(text):
        n = number(claim["n"])
        if not 2 <= n <= 12 or re.search(r"\b(?:(?:een|één|one) (?:van|of)|among|onder)(?: \w+)? $",
                                         text[:claim.start()]):
            continue  # "one of (among) the five conditions" names one, lists none
        inside = re.match(r"[^.:?!(]*?\(([^)]*)\)", text[claim.end():])
        if inside and (count := enumeration(inside[1])) is not None:
            if count != n:  # "the four phases (verkennen, delen, ...)"
                found.append(f"says {claim[0]!r} but lists {count}")
            continue
        colon = text.find(":", claim.end())
        stop = min([i for i in (text.find(".", claim.end()), text.find("?", claim.end()))
                    if i >= 0] or [len(text)])
        if colon < 0 or colon > stop or "\n" in text[claim.end():colon]:
            continue  # the count does not announce a list
        count = listed(text[colon + 1:])
        if count is not None and count != n:
            found.append(f"says {claim[0]!r} but lists {count}")
    return found


def catalog_texts(domain: str) -> list[tuple[str, str]]:
    found = []
    for po in sorted((ROOT / "locales").glob(f"*/LC_MESSAGES/{domain}.po")):
        with po.open("rb") as fh:
            for message in read_po(fh):
                # What readers get: the translation (English ones are filled from the
                # msgids, so an English text is checked as it is shown).
                text = message.string
                for part in (text if isinstance(text, tuple) else (text,)):
                    if part and message.id:
                        found.append((f"{po.parent.parent.name} {message.id!r}"[:90], part))
    return found


def test_the_check_notices_a_count_that_does_not_match():
    assert mismatches("Iedereen beantwoordt drie vragen met de knoppen:\n\n1️⃣ Doel?\n"
                      "2️⃣ Gepland?\n3️⃣ Verder?\n4️⃣ Bijsturen?")
    assert mismatches("Praat over vier dingen: willen we hetzelfde? Loopt het?")
    assert mismatches("We kijken naar 5 voorwaarden: ambitie, belangen en proces.")
    assert not mismatches("Talk about four things: the same? As planned? Change? Stop?")
    assert not mismatches("Everyone answers four questions, three with the buttons:\n\n"
                          "1️⃣ a\n2️⃣ b\n3️⃣ c\n4️⃣ d <i>Optional.</i>")
    assert not mismatches("De vijf voorwaarden van Kaats en Opheij helpen.")  # no list
    assert not mismatches("Een proces is een van hun vijf voorwaarden: zet stappen, en doe het.")
    assert mismatches("De drie fasen (verkennen, delen, overeenkomen, uitvoeren) komen van ver.")
    assert not mismatches("Noem drie dingen: wat jullie willen, hoeveel tijd en geld, en wie.")


@pytest.mark.parametrize("domain", ["flows", "tips", "messages"])
def test_a_stated_number_of_items_matches_the_items_listed(domain):
    wrong = [f"{where}: {problem}" for where, text in catalog_texts(domain)
             for problem in mismatches(text)]
    assert not wrong, "\n".join(wrong)


def address_slips(text: str) -> list[str]:
    """Dutch group texts say "jullie": no jij/jouw/u/uw, and "je" only as the reflexive
    after jullie ("stellen jullie je voor"); the bot never calls itself "de bot"."""
    text = TAG.sub("", text)
    slips = re.findall(r"\b(?:jij|jouw|jou|uw|u)\b", text, re.IGNORECASE)
    slips += [m[0] for m in re.finditer(r"\bje\b", text, re.IGNORECASE)
              if "jullie" not in text[max(0, m.start() - 25):m.start()].lower()]
    slips += re.findall(r"\bde bot\b", text, re.IGNORECASE)
    return slips


def test_the_check_notices_a_slip_in_address():
    assert address_slips("Als je het waarom begrijpt, kunnen jullie beginnen.")
    assert address_slips("Wat brengt uw organisatie mee?")
    assert address_slips("Dan stuurt de bot een herinnering.")
    assert not address_slips("Daarna stellen jullie je aan elkaar voor.")


@pytest.mark.parametrize("domain", ["flows", "tips"])
def test_dutch_flow_and_tip_texts_address_the_group_as_jullie(domain):
    slips = [f"{where}: {slip}" for where, text in catalog_texts(domain)
             if where.startswith("nl ") for slip in address_slips(text)]
    assert not slips, "\n".join(slips)
