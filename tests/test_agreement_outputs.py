"""The agreement (/afspraken) as a reader gets it: a PDF that reads as an agreement, its
text message, and a calendar (.ics) that calendar apps import (issue 15, items 1 and 3).

A group of three members of two organisations plays the whole process; the documents
are fetched from what the fake Bot API received and read back with pypdf and icalendar.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from icalendar import Calendar
from journey import FLOW, answer, label, question
from pypdf import PdfReader

from bot.core.entities import Answer, Organisation
from bot.core.flows import FlowError, parse
from bot.core.i18n import texts
from bot.core.paths import FLOWS
from bot.core.progress import applicable
from bot.features.agreement import pdf as sheet
from bot.features.agreement.content import build

ORGS = ("Buurthuis De Linde", "Voedselbank Noord")
SKIP, OTHER = "⏭ Overslaan", "other"
TASKS = ("De Linde zorgt voor de zaal, koffie en thee, de sleutel en de schoonmaak na "
         "afloop, en zet de tafels klaar. ") * 4
# What the group answers; a pair is (Buurthuis, Voedselbank), None leaves that one open.
ANSWERS: dict[str, object] = {
    "why": (["renew", "audience"], ["costs"]), "with_whom": "De voedselbank om de hoek",
    "asked": ("together", "were_asked"), "internal": ("yes", "partly"),
    "introduce": ("Buurthuis voor de hele wijk", "Wij delen voedselpakketten uit"),
    "bring": ("Een zaal en koffie", "Vrijwilligers en een bus"),
    "get": ("Nieuwe bezoekers", "Meer bekendheid"), "practical": (["time"], ["budget"]),
    "best_way": ("yes", "yes"), "kind": "recurring", "go": ("go", "go"),
    "ambition": "Niemand in de wijk eet alleen", "problem": "Eenzaamheid onder ouderen",
    "ambition_fit": (5, 4), "shared_interests": "Meer bezoekers voor allebei",
    "expectations": ("Open communicatie", "Op tijd laten weten wat er kan"),
    "roles": OTHER, "success": "Elke week 30 buren aan tafel",
    "target_group": "Twee buren zitten in de werkgroep",
    "goals": "Elke week een open tafel voor 30 buren",
    "tasks": (TASKS, "Voedselbank levert de soep"),
    "commitment": ("Vier uur per week en de zaal", None),
    "money": "De Linde beheert de kas", "decisions": "Eerst de contactpersonen, dan de besturen",
    "reachable": ("Anna, dinsdag en donderdag", "Carla, doordeweeks; anders Piet"),
    "outside": "Samen in de wijkkrant, met beide logo's",
    "end_date": "1 september 2028", "ending": "Een vrijwilligersteam neemt het over",
    "approval": ("approved", "planned"),
    "contact": ("Anna, 06-12345678", "Carla, carla@voedselbank.example"),
    "channels": ["group_chat", "email"], "frequency": "biweekly",
    "milestones": "Flyer klaar 1 maart 2027\nEerste open tafel 15-03-2027\n"
                  "Tussenstand op 1 oktober 2027",
    "evaluation": "Tussenevaluatie 1 december 2027; eindevaluatie eind juni 2028",
    "handover": SKIP,
    "start": "15-03-2027", "first_action": "Flyers rondbrengen", "first_eval": "1 juni 2027",
    "celebrate": "Een feestelijke maaltijd", "stop_signal": "Als een partner twee keer niet komt",
    "ready": "yes",
}
EXPLAINED = "We wisselen per activiteit af"  # what "Anders" means, typed


async def play(group):
    """Anna and Bram (Buurthuis De Linde) and Carla (Voedselbank Noord) answer every
    question; returns the members, and by step the question and who typed what."""
    anna = group.member("Anna", admin=True, lang="nl")
    bram = group.member("Bram", lang="nl")
    carla = group.member("Carla", lang="nl")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "\n".join(ORGS))
    ask = await group.bot_says(containing="Bij welke organisatie horen jullie")
    for member, org in ((anna, ORGS[0]), (bram, ORGS[0]), (carla, ORGS[1])):
        await group.callback_answer(await member.presses(ask, org))
    asked, typed, chosen = {}, {}, {}
    for step in FLOW.steps[1:]:
        if not applicable(step, chosen):
            continue  # "who leads" after "Other", "not ready" after yes
        value = chosen[step.id] = ANSWERS[step.id]
        shown = asked[step.id] = await question(group, step.id)
        if value == SKIP:
            await bram.presses(shown, SKIP)
        elif value == OTHER:
            await bram.presses(shown, label(step, OTHER))
            ask = await group.bot_says(containing="je koos “Anders”")
            typed[step.id] = bram, await bram.replies(ask, EXPLAINED)
        elif step.scope == "organisation":
            await _answer(group, anna, step.id, value[0], shown, typed)
            if value[1] is None:
                await bram.presses(shown, "➡️ Volgende")  # Voedselbank leaves it open
            else:
                await _answer(group, carla, step.id, value[1], shown, {})
        else:
            await _answer(group, (anna, bram, carla)[len(chosen) % 3], step.id, value, shown,
                          typed)
    await group.bot_says(containing="alle fases")
    return (anna, bram, carla), asked, typed


async def _answer(group, member, step_id, value, shown, typed):
    if FLOW.step(step_id).kind in ("text", "date"):
        typed[step_id] = member, await member.replies(shown, value)
    else:
        await answer(group, member, step_id, value, on=shown)


async def documents(group, member, command="/afspraken"):
    """The message and the two files one /afspraken gives."""
    await member.sends(command)
    said = await group.bot_says(where=lambda m: m.get("text", "").startswith("🤝"))

    def file(suffix):
        return lambda m: m.get("document", {}).get("file_name", "").endswith(suffix)

    pdf = (await group.bot_says(where=file(".pdf"))).document
    ics = (await group.bot_says(where=file(".ics"))).document
    return said, pdf, ics


def pages(data: bytes) -> list[list[str]]:
    """Each page's text lines, without its footer (the document's name and page number)."""
    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        lines = [line for line in lines if line]
        assert re.search(r" · \d+/\d+$", lines[-1]), lines[-1]  # the footer
        found.append(lines[:-1])
    return found


def headings(t, terms) -> set[str]:
    found = {t._("Still open"), t._("Signatures")}
    for section in terms.sections:
        found.add(section.title)
        found |= {item.label for item in section.items if item.label}
    return found


async def test_the_pdf_reads_as_an_agreement_and_keeps_headings_with_their_text(
        bot, fake, group):
    (anna, _, _), _, _ = await play(group)
    said, pdf, ics = await documents(group, anna)
    assert pdf.filename == "samenwerkingsafspraken-2026-01-05.pdf"
    assert ics.filename == "afspraken-agenda-2026-01-05.ics"
    text_pages = pages(pdf.data)
    lines = [line for page in text_pages for line in page]
    text = "\n".join(lines)
    # The title block: name, partners, date, version.
    assert lines[0] == "Samenwerkingsafspraken"
    assert f"Partners {ORGS[0]}, {ORGS[1]}" in lines
    assert "Datum 5 januari 2026" in lines
    assert any(re.fullmatch(r"Versie stand van 5 januari 2026, 10:00 \(kenmerk [0-9A-F]{6}\)",
                            line) for line in lines), lines[:6]
    # Each section once, and no heading repeated as its own sub-heading.
    nl = texts("nl")
    for section_id, _steps in FLOW.agreement:
        title = nl.key(f"process.agreement.{section_id}")
        assert lines.count(title) == 1, title
    assert not [a for a, b in pairwise(lines) if a == b]
    assert "Gedeelde ambitie\nNiemand in de wijk eet alleen" in text
    # Every answer that belongs in an agreement, in its section.
    for expected in (EXPLAINED, "Op tijd laten weten wat er kan", "Twee buren zitten in de",
                     "Als een partner twee keer niet komt", "Om de twee weken",
                     "Check-ins in de groepschat", "Tussenevaluatie 1 december 2027",
                     "Flyer klaar 1 maart 2027", "15 maart 2027", "1 juni 2027"):
        assert expected in text, expected
    assert "Rolverdeling\nWe wisselen per activiteit af" in text
    assert "Signaal om bij te sturen\nAls een partner" in text
    assert "Wie trekt, wie steunt" not in text  # not asked after "Anders": not open either
    # Open points: marked open in place, and listed.
    assert f"{ORGS[1]} nog open" in lines
    listed = text.split("\nNog open\n")[1].split("\nOndertekening\n")[0]
    assert f"• Inzet in tijd en geld ({ORGS[1]})" in listed and "• Kennisoverdracht" in listed
    assert "• Rolverdeling" not in listed
    # A signature line per partner organisation.
    signatures = text.split("\nOndertekening\n")[1]
    for org in ORGS:
        assert f"Vastgesteld door namens {org}" in signatures
    assert signatures.count("Datum Handtekening") == 2
    # Layout: left-aligned (justified lines would be TJ arrays with spacing), more than
    # one page, and no page ends on a heading.
    for page in PdfReader(io.BytesIO(pdf.data)).pages:
        drawn = page.get_contents().get_data().decode("latin-1")
        assert " Tj" in drawn and " TJ" not in drawn and " Tw" not in drawn
    assert len(text_pages) > 1
    terms = await _terms(bot, group)
    for page in text_pages[:-1]:
        assert page[-1] not in headings(nl, terms), page[-3:]
    # The message says the same, without repeating a heading as its own sub-heading.
    assert "<b>Gedeelde ambitie</b>\n• Niemand in de wijk eet alleen" in said.html
    assert "• Rolverdeling — We wisselen per activiteit af" in said.text
    assert f"Tussen {ORGS[0]}, {ORGS[1]}" in said.text
    assert "Inzet in tijd en geld (Voedselbank Noord)" in said.text.split("Nog open:")[1]


async def _terms(bot, group, language="nl"):
    run = await bot.repo.latest_run(group.id, "process")
    return build(texts(language), FLOW, await bot.repo.answers(run.id),
                 await bot.repo.organisations(group.id), await bot.repo.members(group.id),
                 await bot.repo.schedule(group.id), bot.clock.now(), "Europe/Amsterdam")


def events(data: bytes) -> tuple[Calendar, dict[str, list]]:
    cal = Calendar.from_ical(data)
    found: dict[str, list] = {}
    for event in cal.walk("VEVENT"):
        found.setdefault(str(event["SUMMARY"]), []).append(event)
    return cal, found


async def test_the_calendar_has_every_date_and_the_check_ins(bot, fake, group, clock):
    (anna, _, _), _, _ = await play(group)
    _, _, ics = await documents(group, anna)
    cal, found = events(ics.data)
    assert str(cal["VERSION"]) == "2.0" and "Samenwerkbot" in str(cal["PRODID"])
    days = {name: [e.decoded("DTSTART") for e in found[name]] for name in found}
    assert days == {
        "Mijlpalen en data: Flyer klaar": [date(2027, 3, 1)],
        "Startdatum van de samenwerking": [date(2027, 3, 15)],
        "Eerste evaluatie van de samenwerking": [date(2027, 6, 1)],
        "Mijlpalen en data: Tussenstand": [date(2027, 10, 1)],
        "Evaluatiemomenten: Tussenevaluatie": [date(2027, 12, 1)],
        "Evaluatiemomenten: eindevaluatie": [date(2028, 6, 30)],
        "Einddatum van de samenwerking": [date(2028, 9, 1)],
        "Check-in van de samenwerking": [date(2027, 6, 1)],  # agreed, not yet planned
    }, days
    start = found["Startdatum van de samenwerking"][0]
    assert "Eerste open tafel 15-03-2027" in str(start["DESCRIPTION"])  # the same day
    assert f"{ORGS[0]}, {ORGS[1]}" in str(start["DESCRIPTION"])
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(set(uids)) == len(uids) and all(u.endswith("@samenwerkbot") for u in uids)
    for event in cal.walk("VEVENT"):
        assert event.decoded("DTSTAMP") == clock.now()  # UTC, as RFC 5545 asks
        assert isinstance(event.decoded("DTSTART"), date)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    agreed = found["Check-in van de samenwerking"][0]
    assert agreed["RRULE"]["FREQ"] == ["WEEKLY"] and agreed["RRULE"]["INTERVAL"] == [2]
    assert "/checkin" in str(agreed["DESCRIPTION"])

    # Once planned, the calendar repeats the planned check-ins, at their local time.
    await anna.sends("/checkin maandelijks 15 10:00")
    await group.bot_says(containing="Check-ins gepland")
    said, _, ics = await documents(group, anna)
    assert "Check-ins in de groepschat — Maandelijks op dag 15 om 10:00" in said.text
    cal, found = events(ics.data)
    planned = found["Check-in van de samenwerking"][0]
    assert planned.decoded("DTSTART") == datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert planned["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert planned["RRULE"]["FREQ"] == ["MONTHLY"] and "INTERVAL" in planned["RRULE"]
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]


async def test_an_english_chat_gets_english_files_and_headings(bot, fake, group):
    (anna, _, _), _, _ = await play(group)
    await anna.sends("/language en")
    await group.bot_says(containing="English")
    said, pdf, ics = await documents(group, anna, "/agreement")
    assert pdf.filename == "collaboration-agreements-2026-01-05.pdf"
    assert ics.filename == "agreements-calendar-2026-01-05.ics"
    assert "Collaboration agreements" in said.text and "Still open:" in said.text
    lines = [line for page in pages(pdf.data) for line in page]
    assert lines[0] == "Collaboration agreements"
    for line in ("Shared ambition", "Still open", "Signatures", "Date January 5, 2026"):
        assert line in lines, line
    assert f"Agreed by on behalf of {ORGS[0]}" in lines
    assert any(line.startswith("Version as of January 5, 2026, 10:00 (code ") for line in lines)
    assert not {"Samenwerkingsafspraken", "Gedeelde ambitie", "Nog open"} & set(lines)
    _, found = events(ics.data)
    assert {"Start date of the collaboration", "Check-in of the collaboration",
            "Milestones and dates: Flyer klaar"} <= set(found)
    assert "collaboration agreements of" in str(
        found["Start date of the collaboration"][0]["DESCRIPTION"])


async def test_the_version_follows_the_answers(bot, fake, group, clock):
    (anna, _, carla), asked, typed = await play(group)
    _, first, _ = await documents(group, anna)
    assert _version(first.data).startswith("Versie stand van 5 januari 2026, 10:00 ")
    clock.advance(days=2)
    _, same, _ = await documents(group, anna)
    assert _version(same.data) == _version(first.data)  # nothing changed: the same version
    # An edited answer keeps its time: the code tells the versions apart.
    author, sent = typed["goals"]
    await author.edits(sent, "Twee keer per week een open tafel")
    await group.bot_says(containing="Bijgewerkt")
    _, edited, _ = await documents(group, anna)
    assert _version(edited.data) != _version(first.data)
    assert _version(edited.data).startswith("Versie stand van 5 januari 2026, 10:00 ")
    assert "Twee keer per week een open tafel" in str(pages(edited.data))
    # A late answer fills an open point, and the version moves to its time.
    await carla.replies(asked["commitment"], "Twee uur per week en de bus")
    await group.bot_says(containing="Carla")
    _, later, _ = await documents(group, anna)
    assert _version(later.data).startswith("Versie stand van 7 januari 2026, 10:00 ")
    lines = [line for page in pages(later.data) for line in page]
    assert f"{ORGS[1]} Twee uur per week en de bus" in lines
    assert f"• Inzet in tijd en geld ({ORGS[1]})" not in lines


def _version(data: bytes) -> str:
    return next(line for line in pages(data)[0] if line.startswith("Versie"))


def test_a_calendar_naming_a_step_it_cannot_read_stops_at_load(tmp_path):
    """The calendar reads the steps the flow file names: a renamed or unfit step is
    caught at start-up, with the line."""
    path = tmp_path / "process.yaml"
    text = (FLOWS / "process.yaml").read_text(encoding="utf-8")
    old = "calendar: [start, milestones, evaluation, first_eval, end_date]"
    assert old in text
    path.write_text(text.replace(old, "calendar: [start, frequency, evaluatie]"))
    with pytest.raises(FlowError) as error:
        parse(path)
    message = str(error.value)
    assert "`calendar` names frequency, evaluatie" in message
    line = int(message.split(":")[1])
    assert path.read_text().splitlines()[line - 1].startswith("calendar:")


# The layout rule measured directly: an answer one line longer each time moves everything
# after it down, so every heading passes the foot of a page; none may be left there alone.
@pytest.mark.parametrize("keep", [True, False])
def test_no_page_ends_on_a_heading_whatever_the_lengths(monkeypatch, keep):
    if not keep:  # without keeping headings with their text, the check below must notice
        monkeypatch.setattr(sheet.Sheet, "keep", lambda self, height: None)
    t = texts("nl")
    orgs = [Organisation(1, ORGS[0]), Organisation(2, ORGS[1])]
    moment = datetime(2026, 1, 5, 9, tzinfo=UTC)
    stranded = []
    for lines in range(12):
        answers = [Answer(i, step.id, 1, "Anna", org, f"Antwoord op {step.id}"
                          + ("\nnog een regel" * lines if step.id == "ambition" else ""),
                          False, moment)
                   for i, (step, org) in enumerate(
                       (s, o) for s in FLOW.steps if s.kind == "text" for o in (1, 2))]
        terms = build(t, FLOW, answers, orgs, [], None, moment, "Europe/Amsterdam")
        names = headings(t, terms)
        stranded += [page[-1] for page in pages(sheet.render(t, terms))[:-1]
                     if page[-1] in names]
        if stranded and not keep:
            break
    assert not stranded if keep else stranded
