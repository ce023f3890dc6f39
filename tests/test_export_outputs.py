"""/export and /mydata as members read them: labels, not ids; times in the chat's time zone
and language; the process, the check-ins, the scans and the schedule. The JSON keeps the
ids, with each label beside its id, and says which version of the format it is."""

from __future__ import annotations

import json
import re

from journey import FLOW, answer, label, three_of_two

from bot.core.i18n import texts

NL = texts("nl")
MARKS = ["🎯", "⚖️", "🧭", "🤝", "🏛"]
# Ids as the store keeps them, which no reader of the Markdown should meet.
IDS = ["renew", "costs", "together", "partly", "yes", "no", "go", "adjust", "pause",
       "ambition", "interests", "relations", "2weeks", "weekday"]



async def play(group, anna, bram, carla) -> None:
    """A group in Paramaribo (UTC-3; the clock says 09:00 UTC on 5 January 2026) plans
    check-ins, answers the first Verkennen questions, holds a check-in and a scan."""
    await anna.sends("/checkin tijdzone America/Paramaribo")
    await group.bot_says(containing="Tijdzone van deze chat")
    await anna.sends("/checkin tweewekelijks vrijdag 16:30")
    await group.bot_says(containing="Check-ins gepland")

    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    await answer(group, bram, "why", ["renew", "costs"])
    await answer(group, carla, "with_whom", "De buren & <de kerk>")
    await answer(group, anna, "asked", "together")
    internal = await answer(group, bram, "internal", "yes")
    await answer(group, carla, "internal", "partly", on=internal)

    await anna.sends("/checkin nu")
    round_ = await group.bot_says(containing="Check-in ·")
    await carla.replies(round_, "Meer vrijwilligers nodig")
    await group.bot_says(containing="genoteerd")
    for member, labels in ((anna, ("1️⃣ Ja", "2️⃣ Ja", "3️⃣ ▶️ Doorgaan")),
                           (bram, ("1️⃣ Ja", "2️⃣ Deels", "3️⃣ 🔧 Bijsturen")),
                           (carla, ("1️⃣ Nee", "2️⃣ Nee", "3️⃣ ⏸ Pauze"))):
        for pressed in labels:
            await group.callback_answer(await member.presses(round_, pressed))
    await group.bot_says(containing="Samenvatting check-in")

    await anna.sends("/scan")
    await anna.presses(await group.bot_says(containing="Samenwerkingsscan"), "▶️ Start de scan")
    scan = await group.bot_says(containing="Samenwerkingsscan #1")
    await carla.replies(scan, "Wie trekt wat?")
    await group.bot_says(containing="Opmerking bewaard")
    for member, scores in ((anna, [5, 2, 4, 4, 3]), (bram, [3, 2, 4, 5, 3]),
                           (carla, [4, 4, 1, 3, 3])):
        for mark, score in zip(MARKS, scores, strict=True):
            await group.callback_answer(await member.presses(scan, f"{mark} {score}"))
    await group.bot_says(containing="deelnemers")


async def exported(group, anna) -> tuple[dict, str]:
    await anna.sends("/export")
    as_json = await group.bot_says(containing="JSON")
    as_markdown = await group.bot_says(containing="Markdown")
    assert as_json.document.filename.endswith(".json")
    assert as_markdown.document.filename.endswith(".md")
    return json.loads(as_json.document.data), as_markdown.document.data.decode()


def row(rows: list[dict], **where) -> dict:
    return next(r for r in rows if all(r[k] == v for k, v in where.items()))


async def test_the_export_is_complete_data_and_a_document_to_read(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await play(group, anna, bram, carla)
    data, markdown = await exported(group, anna)

    # The JSON: a versioned format, every id kept, its label beside it.
    assert (data["format"], data["version"]) == ("samenwerkbot-export", 2)
    assert (data["language"], data["timezone"]) == ("nl", "America/Paramaribo")
    tables = data["tables"]
    why = row(tables["answers"], step="why")
    assert why["value"] == ["renew", "costs"]
    assert why["value_label"] == [label(FLOW.step("why"), "renew"),
                                  label(FLOW.step("why"), "costs")]
    assert why["step_label"] == "Waarom samenwerken" and why["organisation_label"] == "Buurthuis"
    internal = row(tables["answers"], step="internal", user_name="Carla")
    assert (internal["value"], internal["value_label"]) == (
        "partly", label(FLOW.step("internal"), "partly"))
    goal = row(tables["checkin_answers"], user_name="Carla", question="g")
    assert (goal["value"], goal["question_label"], goal["value_label"]) == (
        "no", "Nog hetzelfde doel?", "Nee")
    go_on = row(tables["checkin_answers"], user_name="Bram", question="c")
    assert (go_on["value"], go_on["value_label"]) == ("adjust", "🔧 Bijsturen")
    score = row(tables["scan_scores"], user_name="Anna", condition="ambition")
    assert (score["score"], score["condition_label"]) == (5, "Gedeelde ambitie")
    schedule = tables["schedules"][0]
    assert json.loads(schedule["rule"])["every"] == "2weeks"
    assert schedule["rule_label"] == "Om de twee weken op vrijdag om 16:30 (America/Paramaribo)"
    assert row(tables["members"], name="Carla")["organisation_label"] == "Voedselbank"

    # The Markdown: labels as members saw them, never the ids behind them.
    for stored_id in IDS:
        assert not re.search(rf"\b{stored_id}\b", markdown), stored_id
    assert " = " not in markdown and "{" not in markdown
    assert "**Waarom samenwerken** (Bram, Buurthuis, " in markdown
    assert "): 🔄 Nieuwe activiteiten, 💶 Kosten delen" in markdown
    assert f"): {label(FLOW.step('asked'), 'together')}" in markdown
    assert "): De buren & <de kerk>" in markdown
    assert "### Fase 1/4 · Verkennen" in markdown
    assert "Soort samenwerking" in markdown.split("Nog open: ")[1]
    # Times: 09:00 UTC is 06:00 in Paramaribo, in Dutch; not UTC, not Amsterdam.
    assert "(Bram, Buurthuis, 5 januari 2026 om 06:00)" in markdown
    assert "om 09:00" not in markdown and "om 10:00" not in markdown
    assert "tijden in America/Paramaribo" in markdown
    # The schedule and the check-in.
    assert "## Check-ins" in markdown
    assert "Schema: Om de twee weken op vrijdag om 16:30 (America/Paramaribo)" in markdown
    assert "Volgende check-in: 9 januari 2026 om 16:30." in markdown  # 19:30 UTC
    assert "### Check-in van 5 januari 2026 om 06:00" in markdown
    assert "Gesloten op 5 januari 2026 om 06:00." in markdown
    assert ("- Bram, Buurthuis: Nog hetzelfde doel?: Ja · Loopt het zoals gepland?: Deels · "
            "Hoe gaan we verder?: 🔧 Bijsturen") in markdown
    assert ("- Carla, Voedselbank: Nog hetzelfde doel?: Nee · Loopt het zoals gepland?: Nee · "
            "Hoe gaan we verder?: ⏸ Pauze · Waar bijsturen: Meer vrijwilligers nodig") in markdown
    # The scan, named: who gave which score, and the remark.
    assert "### Samenwerkingsscan #1" in markdown
    assert ("- Anna, Buurthuis: Gedeelde ambitie: 5 · Erkende belangen: 2 · "
            "Betekenisvol proces: 4") in markdown
    assert "- 💬 Carla, Voedselbank: Wie trekt wat?" in markdown
    assert "Still open" not in markdown and "skipped" not in markdown
    assert not fake.errors, fake.errors


async def test_an_anonymous_scan_is_exported_without_names(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/scan")
    intro = await group.bot_says(containing="Samenwerkingsscan")
    await anna.presses(intro, "🕶 Start een anonieme scan")
    scan = await group.bot_says(containing="Anonieme samenwerkingsscan #1")
    await bram.replies(scan, "Meer overleg graag")
    await group.bot_says(containing="Opmerking bewaard")
    for member in (anna, bram, carla):
        for mark in MARKS:
            await group.callback_answer(await member.presses(scan, f"{mark} 4"))
    await group.bot_says(containing="deelnemers")
    _, markdown = await exported(group, anna)
    scans = markdown.split("## Samenwerkingsscans")[1]
    assert "### Samenwerkingsscan #1 · anoniem" in scans
    # Only what the group saw: averages, Buurthuis's (two scored), not Voedselbank's (one).
    assert "- De groep: Gedeelde ambitie: 4,0 · " in scans
    assert "- Buurthuis: Gedeelde ambitie: 4,0 · " in scans
    assert "Deelnemer 1" not in scans
    assert "- 💬 Meer overleg graag" in scans
    for name in ("Anna", "Bram", "Carla", "Voedselbank"):
        assert name not in scans, name


async def test_an_english_chat_exports_in_english(bot, fake, group):
    anna = group.member("Anna", admin=True, lang="en")
    await anna.sends("/language en")
    await group.bot_says(containing="English")
    await anna.sends("/process")
    await anna.replies(await group.bot_says(containing="question 1 of"), "Club A, Club B")
    await anna.sends("/export")
    await group.bot_says(containing="JSON")
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    assert "# Samenwerkbot: everything about this chat" in markdown
    assert "(Anna, –, 5 January 2026 at 10:00)" in markdown  # Amsterdam, the default
    assert "### Phase 1/4 · " in markdown and "Still open: " in markdown


async def test_mydata_shows_labels_not_ids(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    await answer(group, bram, "why", ["renew", "costs"])
    await answer(group, carla, "with_whom", "Met de buren")
    await answer(group, anna, "asked", "together")
    internal = await answer(group, bram, "internal", "yes")
    await answer(group, carla, "internal", "partly", on=internal)
    private = fake.private_chat(bram.user)
    await private.sends("/mydata")
    mine = await private.bot_says(containing="Wat ik over jou bewaar")
    assert "Waarom samenwerken: 🔄 Nieuwe activiteiten, 💶 Kosten delen" in mine.text
    assert f": {label(FLOW.step('internal'), 'yes')}" in mine.text
    assert not re.search(r"\b(renew|costs|yes)\b", mine.text), mine.text
    theirs = fake.private_chat(carla.user)
    await theirs.sends("/mijngegevens")
    hers = await theirs.bot_says(containing="Wat ik over jou bewaar")
    assert f": {label(FLOW.step('internal'), 'partly')}" in hers.text
    assert "partly" not in hers.text
    assert not fake.errors, fake.errors
