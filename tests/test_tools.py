"""PDCA rounds, the five-conditions scan, the agreement document, export and forget."""

from __future__ import annotations

import io
import json

from fakebot.conversation import Group
from journey import answer, question, three_of_two, wording

from bot.core.flows import load_all
from bot.store.rows import CHAT_TABLES

PDCA = load_all()["pdca"]



async def pdca_question(group, step_id: str):
    step = PDCA.step(step_id)
    number = PDCA.phase_number(step.phase)
    return await group.bot_says(
        containing=f"Fase {number}/4", where=lambda m: wording(step) in m["text"])


async def pdca_reply(group, member, step_id, text, on=None):
    msg = on or await pdca_question(group, step_id)
    await member.replies(msg, text)
    return msg


async def test_two_pdca_rounds_with_plan_again(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/pdca")
    first = await pdca_question(group, "objective")
    assert "ronde 1" in first.text
    await pdca_reply(group, anna, "objective", "Twintig nieuwe bezoekers per week", on=first)
    await pdca_reply(group, bram, "target_group", "Ouderen in de wijk")
    await pdca_reply(group, carla, "where_now", "Vijf bezoekers")
    await pdca_reply(group, anna, "where_to", "Twintig bezoekers")
    actions = await pdca_reply(group, anna, "actions", "Flyers rondbrengen")
    await pdca_reply(group, carla, "actions", "Pakketten met uitnodiging", on=actions)
    log = await pdca_reply(group, bram, "log", "Dinsdag 200 flyers verspreid")
    await group.bot_says(containing="Toegevoegd, Bram")
    await carla.replies(log, "Donderdag 40 pakketten met uitnodiging")
    await group.bot_says(containing="Toegevoegd, Carla")
    await anna.presses(log, "➡️ Volgende")
    await pdca_reply(group, anna, "surprised", "Veel reacties via de buren")
    result = await pdca_question(group, "result")
    await anna.presses(result, "4")
    await carla.presses(result, "2")
    observations = await pdca_reply(group, anna, "observations", "Meer bezoekers, nog niet 20")
    await pdca_reply(group, carla, "observations", "Te weinig tijd", on=observations)
    decision = await pdca_question(group, "decision")
    again = next(b for row in decision.buttons for b in row if "ronde" in b.lower()
                 or "opnieuw" in b.lower())
    await anna.presses(decision, again)
    await pdca_reply(group, anna, "changes", "Ook via de huisarts uitnodigen")
    together = await pdca_question(group, "continue_together")
    await anna.presses(together, together.buttons[0][0])

    done = await group.bot_says(containing="Samenvatting · Do")
    assert "Bram: Dinsdag 200 flyers verspreid" in done.text
    assert "Carla: Donderdag 40 pakketten met uitnodiging" in done.text
    start = await group.bot_says(containing="Ronde 2")
    assert "vorige keer" in start.text  # with what was planned, in the same message
    assert "Twintig nieuwe bezoekers per week" in start.text
    assert "Flyers rondbrengen" in start.text
    second = await pdca_question(group, "objective")
    assert "ronde 2" in second.text

    runs = [await bot.repo.latest_run(group.id, "pdca")]
    assert runs[0].number == 2 and runs[0].status == "active"
    first_run = await bot.repo.run(runs[0].id - 1)
    log_entries = [a.value for a in await bot.repo.answers(first_run.id) if a.step == "log"]
    assert log_entries == ["Dinsdag 200 flyers verspreid",
                           "Donderdag 40 pakketten met uitnodiging"]
    await anna.sends("/status")
    status = await group.bot_says(containing="Waar we staan")
    assert "PDCA-ronde 2: Plan" in status.text
    assert not fake.errors, fake.errors


async def test_the_scan_with_a_chart(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/scan")
    intro = await group.bot_says(containing="Samenwerkingsscan")
    refused = await bram.presses(intro, "▶️ Start de scan")
    assert "beheerders" in (await group.callback_answer(refused) or "")
    await anna.presses(intro, "▶️ Start de scan")
    scan = await group.bot_says(containing="Samenwerkingsscan #1")
    scores = {"Anna": [5, 2, 4, 4, 3], "Bram": [3, 2, 4, 5, 3], "Carla": [4, 4, 1, 3, 3]}
    marks = ["🎯", "⚖️", "🧭", "🤝", "🏛"]
    members = {"Anna": anna, "Bram": bram, "Carla": carla}
    await carla.replies(scan, "De taakverdeling is <onduidelijk> & dat wringt")
    await group.bot_says(containing="Opmerking bewaard")
    for name, values in scores.items():
        for mark, value in zip(marks, values, strict=True):
            query = await members[name].presses(scan, f"{mark} {value}")
            await group.callback_answer(query)
    chart = await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    png = chart.document.data
    assert png.startswith(b"\x89PNG")
    from PIL import Image
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == 1200  # a phone-friendly width (tests/test_scan_chart.py)
    text = await group.bot_says(containing="deelnemers")
    # Group: ambition (5+3+4)/3 = 4.0, interests (2+2+4)/3 = 2.7, process (4+4+1)/3 = 3.0.
    assert "Gedeelde ambitie: 4,0" in text.text
    assert "Buurthuis" in text.text and "Voedselbank" in text.text
    assert "De zwakste voorwaarde: ⚖️ Erkende belangen (2,7)" in text.text
    assert "Betekenisvol proces (3,0 punten)" in text.text  # 4.0 vs 1.0, the widest gap
    assert "Carla: De taakverdeling is <onduidelijk> & dat wringt" in text.text
    assert "/pdca-ronde" in text.text and "/scan over een paar maanden" in text.text
    assert not fake.errors, fake.errors


async def test_an_anonymous_scan_shows_no_one(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/scan")
    intro = await group.bot_says(containing="Samenwerkingsscan")
    await anna.presses(intro, "🕶 Start een anonieme scan")
    scan = await group.bot_says(containing="Anonieme samenwerkingsscan #1")
    assert "Ingevuld door 0 van 3" in scan.text
    for member, value in ((anna, 4), (bram, 2), (carla, 5)):
        for mark in ["🎯", "⚖️", "🧭", "🤝", "🏛"]:
            await group.callback_answer(await member.presses(scan, f"{mark} {value}"))
    await group.bot_says(containing="Uitslag van samenwerkingsscan #1")
    text = await group.bot_says(containing="deelnemers")
    assert "Buurthuis" in text.text  # two respondents: shown
    assert "Voedselbank" not in text.text  # one respondent: never shown apart
    for name in ("Anna", "Bram", "Carla"):
        assert name not in text.text
    stored = await bot.repo.scan_scores((await bot.repo.latest_scan(group.id)).id)
    assert {s.user_name for s in stored} == {""}
    members = {m.user_id for m in await bot.repo.members(group.id)}
    assert not {s.respondent for s in stored} & members


async def test_the_agreement_document(bot, fake, group):
    anna, _bram, carla = await three_of_two(group)
    await anna.sends("/afspraken")
    await group.bot_says(containing="nog geen afspraken")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    await question(group, "why")  # the answer is committed: the run may be moved on
    run = await bot.repo.latest_run(group.id, "process")
    await bot.repo.update_run(run.id, "goals", "active", bot.clock.now())
    await anna.sends("/proces")
    await answer(group, anna, "goals", "Elke week een open tafel 🍲 voor 30 buren")
    tasks = await answer(group, anna, "tasks", "Buurthuis regelt de zaal")
    await answer(group, carla, "tasks", "Voedselbank levert de soep", on=tasks)
    await anna.sends("/afspraken")
    summary = await group.bot_says(containing="Samenwerkingsafspraken")
    assert "Elke week een open tafel" in summary.text
    assert "nog open" in summary.text
    pdf_message = await group.bot_says(containing="pdf")
    data = pdf_message.document.data
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Samenwerkingsafspraken", "Elke week een open tafel", "30 buren",
                     "Buurthuis regelt de zaal", "Voedselbank levert de soep", "Nog open"):
        assert expected in " ".join(text.split()), (expected, text[:500])
    assert "🍲" not in text


async def test_export_holds_every_answer(bot, fake, group):
    anna, bram, carla = await three_of_two(group)
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    await answer(group, bram, "why", ["renew", "costs"])
    await answer(group, carla, "with_whom", "Met de buren & <vrienden>")
    await bram.sends("/export")
    await group.bot_says(containing="beheerders")
    await anna.sends("/export")
    as_json = await group.bot_says(containing="JSON")
    data = json.loads(as_json.document.data)
    values = [a["value"] for a in data["tables"]["answers"]]
    assert values == [["Buurthuis", "Voedselbank"], ["renew", "costs"],
                      "Met de buren & <vrienden>"]
    markdown = (await group.bot_says(containing="Markdown")).document.data.decode()
    assert "Met de buren & <vrienden>" in markdown and "Carla" in markdown


async def test_forget_removes_only_this_chat(bot, fake, group):
    anna, bram, _carla = await three_of_two(group)
    await anna.sends("/checkin wekelijks maandag 10:00")
    await group.bot_says(containing="Check-ins gepland")
    await anna.sends("/proces")
    await answer(group, anna, "organisations", "Buurthuis\nVoedselbank")
    other = Group(fake, title="Ander")
    eve = other.member("Eve", admin=True, lang="nl")
    await eve.sends("/proces")
    await answer(other, eve, "organisations", "Club")

    await bram.sends("/vergeet")
    await group.bot_says(containing="beheerders")
    await anna.sends("/vergeet")
    confirm = await group.bot_says(containing="Alles wissen?")
    refused = await bram.presses(confirm, "🗑 Ja, wis alles")
    assert "beheerders" in (await group.callback_answer(refused) or "")
    assert await bot.repo.count("answers", group.id) == 1
    await anna.presses(confirm, "🗑 Ja, wis alles")
    await confirm.edited(containing="gewist")
    for table in CHAT_TABLES:
        where = "id" if table == "chats" else "chat_id"
        async with bot.repo.db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {where} = ?", (group.id,)) as cur:
            assert (await cur.fetchone())[0] == 0, table
    assert await bot.repo.count("answers", other.id) == 1
    assert await bot.repo.count("organisations", other.id) == 1
